// aws.ebs-snapshot: the account's own EBS snapshots. A snapshot shared with another account (or
// with everyone) hands over the disk it copies: cross-account finds them, set-permissions
// stops the sharing; delete removes a snapshot for good.
#include <algorithm>
#include <set>

#include "aws/client.h"
#include "policy/age_filter.h"
#include "policy/set_filter.h"
#include "resources/ebs.h"
#include "resources/tag_actions.h"
#include "resources/type_table.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::Spec;
using Ids = std::vector<std::string>;

const char* const kViolations = "c7n:CrossAccountViolations";

// Who may create volumes from the snapshot: account ids, and "all" for everyone.
Ids volume_permissions(const aws::Client& client, const std::string& snapshot) {
  Json answer = client.call("ec2", "DescribeSnapshotAttribute",
                            {{"SnapshotId", snapshot}, {"Attribute", "createVolumePermission"}});
  Ids who;
  for (const Json& permission : answer.value("CreateVolumePermissions", Json::array()))
    who.push_back(permission.value("Group", permission.value("UserId", "")));
  return who;
}

bool has(const Ids& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

std::string joined(const Ids& ids) {
  std::string text;
  for (const auto& id : ids) text += (text.empty() ? "" : ", ") + id;
  return text;
}

Ids account_list(const Spec& spec, const char* key) {
  const Json& value = spec.value()[key];
  if (!value.is_array() || !std::all_of(value.begin(), value.end(), [](const Json& id) {
        return id.is_string() && id.get<std::string>().size() == 12;
      }))
    spec.child(key).fail(std::string("'") + key + "' must be a list of 12-digit account ids");
  return value.get<Ids>();
}

Json permission_change(const std::string& snapshot, const std::string& operation, const Ids& who) {
  Json params = {{"SnapshotId", snapshot},
                 {"Attribute", "createVolumePermission"},
                 {"OperationType", operation}};
  // UserIds and GroupNames rather than CreateVolumePermission: the same change, and the form
  // every EC2 implementation (moto too) reads.
  for (const auto& id : who) params[id == "all" ? "GroupNames" : "UserIds"].push_back(id);
  return params;
}

std::string shared_expression(const std::string& who) {
  return who == "all" ? "contains(CreateVolumePermissions[].Group, 'all')"
                      : "contains(CreateVolumePermissions[].UserId, '" + who + "')";
}

// set-permissions (Cloud Custodian's SetPermissions): stops sharing with `remove` (account
// ids, "all" for everyone, or matched: those cross-account found) and shares with `add`; with
// neither, stops all sharing (Cloud Custodian resets the attribute; custos removes each
// permission, which undo can put back).
class SetPermissions : public policy::PerResourceAction {
 public:
  SetPermissions(const Spec& spec, const policy::BuildContext& context)
      : PerResourceAction("set-permissions") {
    if (spec.has("add")) add_ = account_list(spec, "add");
    if (spec.has("remove")) {
      Spec remove = spec.child("remove");
      if (remove.value() == "matched") {
        matched_ = true;
        if (context.policy &&
            !policy::filter_types(context.policy->value("filters", Json())).count("cross-account"))
          remove.fail("remove: matched needs a cross-account filter in the policy");
      } else if (remove.value().is_array()) {
        for (std::size_t i = 0; i < remove.value().size(); ++i) {
          const Json& id = remove.value()[i];
          if (!id.is_string() || (id != "all" && id.get<std::string>().size() != 12))
            remove.element(i).fail("'remove' takes 12-digit account ids or all");
        }
        remove_ = remove.value().get<Ids>();
      } else {
        remove.fail("'remove' must be matched or a list of account ids");
      }
    }
    reset_ = !spec.has("add") && !spec.has("remove");
  }

 private:
  ActionRecord apply(const Json& snapshot, ActionContext& context) const override {
    const aws::Client& client = context.client;
    std::string id = context.id_of(snapshot);
    Ids now = volume_permissions(client, id);
    Ids wanted_out = reset_     ? now
                     : matched_ ? snapshot.value(kViolations, Json::array()).get<Ids>()
                                : remove_;
    Ids out, in;
    for (const auto& who : wanted_out)
      if (has(now, who) && !has(out, who)) out.push_back(who);
    for (const auto& who : add_)
      if (!has(now, who) && !has(in, who)) in.push_back(who);
    if (out.empty() && in.empty())
      return ActionRecord::unchanged(
          name(), id,
          now.empty() ? "not shared with anyone" : "already shared with " + joined(now) + " only");
    const std::string& region = client.session().region();
    ActionRecord record{name(), id};
    record.before = {{"SharedWith", now}};
    record.undo = Json::array();
    std::string expect;
    if (!out.empty()) {
      client.call("ec2", "ModifySnapshotAttribute", permission_change(id, "remove", out));
      record.undo.push_back(policy::undo_call("ec2", "ModifySnapshotAttribute",
                                              permission_change(id, "add", out), region));
      for (const auto& who : out)
        expect += (expect.empty() ? "!" : " && !") + shared_expression(who);
    }
    if (!in.empty()) {
      client.call("ec2", "ModifySnapshotAttribute", permission_change(id, "add", in));
      record.undo.push_back(policy::undo_call("ec2", "ModifySnapshotAttribute",
                                              permission_change(id, "remove", in), region));
      for (const auto& who : in) expect += (expect.empty() ? "" : " && ") + shared_expression(who);
    }
    Ids after;
    for (const auto& who : now)
      if (!has(out, who)) after.push_back(who);
    after.insert(after.end(), in.begin(), in.end());
    record.after = {{"SharedWith", after}};
    record.summary = (out.empty() ? "" : "stopped sharing with " + joined(out)) +
                     (out.empty() || in.empty() ? "" : "; ") +
                     (in.empty() ? "" : "shared with " + joined(in));
    record.check =
        policy::check_call("ec2", "DescribeSnapshotAttribute",
                           {{"SnapshotId", id}, {"Attribute", "createVolumePermission"}}, expect);
    return record;
  }

  Ids add_;
  Ids remove_;
  bool matched_ = false;
  bool reset_ = false;
};

// skip-ami-snapshots (Cloud Custodian's SnapshotSkipAmiSnapshots): with `value: true` (the
// default) leaves out the snapshots the account's images are made from, listed once per run.
class SkipAmiSnapshots : public policy::SetFilter {
 public:
  explicit SkipAmiSnapshots(const Spec& spec) : skip_(spec.optional_bool("value", true)) {}

  std::vector<Json> process(std::vector<Json> snapshots,
                            const policy::FilterContext& context) const override {
    if (!skip_ || snapshots.empty()) return snapshots;
    std::set<std::string> used;
    Json images = policy::require_client(context, "the account's images")
                      .call_all("ec2", "DescribeImages", {{"Owners", {"self"}}})
                      .value("Images", Json::array());
    for (const Json& image : images)
      for (const Json& device : image.value("BlockDeviceMappings", Json::array()))
        if (std::string id = device.value("Ebs", Json::object()).value("SnapshotId", "");
            !id.empty())
          used.insert(id);
    std::erase_if(snapshots, [&](const Json& snapshot) {
      return used.count(snapshot.value("SnapshotId", ""));
    });
    return snapshots;
  }
  std::vector<std::string> permissions() const override { return {"ec2:DescribeImages"}; }

 private:
  bool skip_;
};

// delete (Cloud Custodian's SnapshotDelete): DeleteSnapshot, which destroys evidence for good:
// the record keeps the snapshot's description. Snapshots an AMI of the account uses are left
// alone (skip-ami-snapshots, the default), as Cloud Custodian leaves them.
class Delete : public policy::PerResourceAction {
 public:
  explicit Delete(const Spec& spec)
      : PerResourceAction("delete"), skip_ami_(spec.optional_bool("skip-ami-snapshots", true)) {}

 private:
  ActionRecord apply(const Json& snapshot, ActionContext& context) const override {
    const aws::Client& client = context.client;
    std::string id = context.id_of(snapshot);
    Json by_id = {{"Filters", Json::array({{{"Name", "snapshot-id"}, {"Values", {id}}}})}};
    Json now = client.call("ec2", "DescribeSnapshots", by_id).value("Snapshots", Json::array());
    if (now.empty()) return ActionRecord::unchanged(name(), id, "already deleted");
    if (skip_ami_) {
      Json images =
          client
              .call("ec2", "DescribeImages",
                    {{"Owners", {"self"}},
                     {"Filters", Json::array({{{"Name", "block-device-mapping.snapshot-id"},
                                               {"Values", {id}}}})}})
              .value("Images", Json::array());
      if (!images.empty())
        return ActionRecord::unchanged(
            name(), id, "left as it is: AMI " + images[0].value("ImageId", "?") + " uses it");
    }
    client.call("ec2", "DeleteSnapshot", {{"SnapshotId", id}});
    ActionRecord record{name(), id};
    record.before = now[0];
    record.after = {{"Deleted", true}};
    record.summary = "deleted " + id + " (of " + now[0].value("VolumeId", "?") +
                     "; irreversible: the data is gone)";
    record.undo = nullptr;
    record.check =
        policy::check_call("ec2", "DescribeSnapshots", by_id, "length(Snapshots) == `0`");
    return record;
  }

  bool skip_ami_;
};

}  // namespace

void register_ebs_snapshot(policy::Registry& registry) {
  registry.add_resource({
      .name = "aws.ebs-snapshot",
      .aliases = {"ebs-snapshot"},
      .service = "ec2",
      .enumerate_operation = "DescribeSnapshots",
      .enumerate_params = {{"OwnerIds", {"self"}}},
      .result_path = "Snapshots[]",
      .lookup = policy::ResourceType::Lookup::kIdsParam,
      .ids_param = "SnapshotIds",
      .not_found_codes = {"InvalidSnapshot.NotFound", "InvalidSnapshotID.Malformed"},
      .id_field = "SnapshotId",
      .date_field = "StartTime",
      .arn_format = "arn:{partition}:ec2:{region}::snapshot/{id}",
      .report_fields = {"SnapshotId", "VolumeId", "tag:InstanceId", "VolumeSize", "StartTime",
                        "State"},
      // Cloud Custodian's SnapshotCrossAccountAccess: who may create volumes from it.
      .access =
          [] {
            policy::ResourceType::Access access =
                shared_with({.operation = "DescribeSnapshotAttribute",
                             .params = {{"SnapshotId", "SnapshotId"},
                                        {"Attribute", "`\"createVolumePermission\"`"}},
                             .select = "CreateVolumePermissions[].[Group, UserId][]"});
            access.options = {"everyone_only"};
            return access;
          }(),
  });
  registry.add_filter("aws.ebs-snapshot", "age",
                      policy::age_filter_info(
                          [](const Json& snapshot, const policy::FilterContext&) {
                            return policy::date_of(snapshot.value("StartTime", Json()));
                          },
                          "Snapshots by age (StartTime; op, days)", {"op", "days"}));
  registry.add_filter("aws.ebs-snapshot", "skip-ami-snapshots",
                      policy::filter_info<SkipAmiSnapshots>(
                          {"value"},
                          "Leaves out snapshots the account's images are made from (value: "
                          "true, the default)",
                          {"ec2:DescribeImages"}));
  registry.add_action(
      "aws.ebs-snapshot", "set-permissions",
      policy::action_info<SetPermissions>(
          {"add", "remove"}, {"ec2:DescribeSnapshotAttribute", "ec2:ModifySnapshotAttribute"},
          "Stop sharing the snapshot (remove: account ids, all, or matched by "
          "cross-account; neither add nor remove: every permission) and share it "
          "with `add`"));
  registry.add_action("aws.ebs-snapshot", "delete",
                      policy::action_info<Delete>(
                          {"skip-ami-snapshots"},
                          {"ec2:DescribeSnapshots", "ec2:DescribeImages", "ec2:DeleteSnapshot"},
                          "Delete the snapshot (irreversible)"));
  register_tag_actions(registry, "aws.ebs-snapshot");
}

}  // namespace custos::resources
