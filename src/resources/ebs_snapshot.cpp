// aws.ebs-snapshot: the account's own EBS snapshots. A snapshot shared with another account (or
// with everyone) hands over the disk it copies: cross-account finds them, set-permissions
// (resources/set_permissions.cpp) stops the sharing; delete removes a snapshot for good.
#include <algorithm>
#include <set>

#include "aws/client.h"
#include "policy/age_filter.h"
#include "policy/set_filter.h"
#include "resources/ebs.h"
#include "resources/related_resource_filter.h"
#include "resources/tag_actions.h"
#include "resources/type_table.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::Spec;

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
class DeleteSnapshot : public policy::PerResourceAction {
 public:
  explicit DeleteSnapshot(const Spec& spec)
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
            access.share = policy::ResourceType::Access::Share{
                .operation = "ModifySnapshotAttribute",
                .params = {{"SnapshotId", "SnapshotId"},
                           {"Attribute", "`\"createVolumePermission\"`"}},
                .everyone_param = "GroupNames",
                .accounts_param = "UserIds"};
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
  registry.add_action("aws.ebs-snapshot", "delete",
                      policy::action_info<DeleteSnapshot>(
                          {"skip-ami-snapshots"},
                          {"ec2:DescribeSnapshots", "ec2:DescribeImages", "ec2:DeleteSnapshot"},
                          "Delete the snapshot (irreversible)"));
  // Cloud Custodian's SnapshotVolumeFilter: a value filter over the volume it was taken from
  // (value: absent for the snapshots whose volume is gone).
  add_related_resource_filter(registry, "aws.ebs-snapshot", "volume",
                              {.type = "aws.ebs",
                               .ids = "VolumeId",
                               .annotation = "c7n:matched-volumes",
                               .permissions = {"ec2:DescribeVolumes"}});
  register_tag_actions(registry, "aws.ebs-snapshot");
}

}  // namespace custos::resources
