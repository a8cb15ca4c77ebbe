#include "resources/ec2.h"

#include <algorithm>

#include "aws/client.h"
#include "resources/tag_actions.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionPtr;
using policy::ActionRecord;
using policy::BuildContext;
using policy::Spec;

std::string instance_id(const Json& instance) { return instance.value("InstanceId", ""); }

std::string state_of(const Json& instance) {
  auto state = instance.find("State");
  return state == instance.end() ? "" : state->value("Name", "");
}

ActionRecord failure(std::string action, std::string id, const std::exception& e) {
  ActionRecord record{std::move(action), std::move(id)};
  record.ok = false;
  record.error = e.what();
  record.summary = "failed: " + record.error;
  return record;
}

// stop: StopInstances for the running ones, in batches (Cloud Custodian's `stop`).
class Stop : public policy::Action {
 public:
  std::vector<ActionRecord> process(const std::vector<Json>& instances,
                                    ActionContext& context) const override {
    std::vector<ActionRecord> records;
    Json ids = Json::array();
    for (const Json& instance : instances) {
      std::string state = state_of(instance);
      if (state == "running" || state == "pending") {
        ids.push_back(instance_id(instance));
        continue;
      }
      ActionRecord skipped{"stop", instance_id(instance)};
      skipped.summary = "left as it is: already " + (state.empty() ? "in an unknown state" : state);
      context.emit(records, std::move(skipped));
    }
    if (ids.empty()) return records;
    try {
      Json result = context.client.call("ec2", "StopInstances", {{"InstanceIds", ids}});
      for (const Json& change : result.value("StoppingInstances", Json::array())) {
        ActionRecord record{"stop", change.value("InstanceId", "")};
        record.before = {{"State", change.value("PreviousState", Json::object())}};
        record.after = {{"State", change.value("CurrentState", Json::object())}};
        record.summary = "stopping (was " + record.before["State"].value("Name", "?") + ", now " +
                         record.after["State"].value("Name", "?") + ")";
        context.emit(records, std::move(record));
      }
    } catch (const Error& e) {
      for (const auto& id : ids) context.emit(records, failure("stop", id, e));
    }
    return records;
  }
};

// An action that changes instances one at a time: a failure on one is recorded and the
// others still get their turn.
class PerInstanceAction : public policy::Action {
 public:
  explicit PerInstanceAction(std::string name) : name_(std::move(name)) {}

  std::vector<ActionRecord> process(const std::vector<Json>& instances,
                                    ActionContext& context) const override {
    std::vector<ActionRecord> records;
    for (const Json& instance : instances) {
      std::string id = instance_id(instance);
      try {
        context.emit(records, apply(id, context));
      } catch (const Error& e) {
        context.emit(records, failure(name_, id, e));
      }
    }
    return records;
  }

 private:
  virtual ActionRecord apply(const std::string& id, ActionContext& context) const = 0;
  std::string name_;
};

// snapshot: one multi-volume CreateSnapshots per instance, every snapshot tagged with the
// instance id and policy so investigators can find the evidence.
class Snapshot : public PerInstanceAction {
 public:
  explicit Snapshot(const Spec& spec)
      : PerInstanceAction("snapshot"),
        exclude_boot_(spec.optional_bool("exclude-boot", false)),
        copy_tags_(spec.optional_bool("copy-volume-tags", true)) {}

 private:
  ActionRecord apply(const std::string& id, ActionContext& context) const override {
    Json tags = Json::array({{{"Key", "custodian_snapshot"}, {"Value", ""}},
                             {{"Key", "custos:instance-id"}, {"Value", id}},
                             {{"Key", "custos:policy"}, {"Value", context.policy_name}}});
    Json params = {
        {"InstanceSpecification", {{"InstanceId", id}, {"ExcludeBootVolume", exclude_boot_}}},
        {"Description",
         "custos forensic snapshot of " + id + " (policy " + context.policy_name + ")"},
        {"TagSpecifications", Json::array({{{"ResourceType", "snapshot"}, {"Tags", tags}}})}};
    if (copy_tags_) params["CopyTagsFromSource"] = "volume";
    Json result = context.client.call("ec2", "CreateSnapshots", params);
    ActionRecord record{"snapshot", id};
    record.after = {{"Snapshots", Json::array()}};
    std::string list;
    for (const Json& snap : result.value("Snapshots", Json::array())) {
      record.after["Snapshots"].push_back(
          {{"SnapshotId", snap.value("SnapshotId", "")}, {"VolumeId", snap.value("VolumeId", "")}});
      list += (list.empty() ? "" : ", ") + snap.value("SnapshotId", "?") + " of " +
              snap.value("VolumeId", "?");
    }
    record.summary = list.empty() ? "no volumes to snapshot" : "snapshots " + list;
    return record;
  }

  bool exclude_boot_;
  bool copy_tags_;
};

// set-instance-profile: with `name`, attach or replace the instance's profile; without,
// remove it, cutting the instance off from its role's credentials.
class SetInstanceProfile : public PerInstanceAction {
 public:
  explicit SetInstanceProfile(const Spec& spec)
      : PerInstanceAction("set-instance-profile"), name_(spec.optional_string("name")) {}

 private:
  ActionRecord apply(const std::string& id, ActionContext& context) const override {
    const auto& client = context.client;
    Json found =
        client.call("ec2", "DescribeIamInstanceProfileAssociations",
                    {{"Filters", Json::array({{{"Name", "instance-id"}, {"Values", {id}}},
                                              {{"Name", "state"}, {"Values", {"associated"}}}})}});
    Json associations = found.value("IamInstanceProfileAssociations", Json::array());
    ActionRecord record{"set-instance-profile", id};
    record.before = {
        {"IamInstanceProfile",
         associations.empty() ? Json() : associations[0].value("IamInstanceProfile", Json())}};
    if (name_.empty()) {
      if (associations.empty()) {
        record.summary = "no instance profile attached: nothing to remove";
        return record;
      }
      std::string association = associations[0].value("AssociationId", "");
      client.call("ec2", "DisassociateIamInstanceProfile", {{"AssociationId", association}});
      record.after = {{"IamInstanceProfile", nullptr}, {"AssociationId", association}};
      record.summary = "removed instance profile " +
                       record.before["IamInstanceProfile"].value("Arn", "?") + " (association " +
                       association + ")";
      return record;
    }
    Json profile = {{"Name", name_}};
    Json result = associations.empty()
                      ? client.call("ec2", "AssociateIamInstanceProfile",
                                    {{"InstanceId", id}, {"IamInstanceProfile", profile}})
                      : client.call("ec2", "ReplaceIamInstanceProfileAssociation",
                                    {{"AssociationId", associations[0].value("AssociationId", "")},
                                     {"IamInstanceProfile", profile}});
    record.after = result.value("IamInstanceProfileAssociation", Json::object());
    record.summary = "set instance profile " + name_;
    return record;
  }

  std::string name_;
};

template <typename ActionType>
policy::ActionInfo action(std::vector<std::string> options, std::vector<std::string> permissions,
                          std::string description) {
  policy::ActionInfo info;
  info.factory = [options](const Spec& spec, const BuildContext&) -> ActionPtr {
    if (spec.value().is_object())  // a bare name (- stop) has no options to check
      spec.allow_keys(options, "action '" + spec.value().value("type", "") + "'");
    if constexpr (std::is_constructible_v<ActionType, const Spec&>)
      return std::make_unique<ActionType>(spec);
    else
      return std::make_unique<ActionType>();
  };
  info.permissions = std::move(permissions);
  info.description = std::move(description);
  info.options = std::move(options);
  return info;
}

}  // namespace

void register_ec2(policy::Registry& registry) {
  registry.add_resource(
      {.name = "aws.ec2",
       .aliases = {"ec2"},
       .service = "ec2",
       .enumerate_operation = "DescribeInstances",
       .result_path = "Reservations[].Instances[]",
       .id_field = "InstanceId",
       .ids_param = "InstanceIds",
       .guard_duty_id_path = "detail.resource.instanceDetails.instanceId",
       .guard_duty_resource_type = "Instance",
       .report_fields = {"CustodianDate", "InstanceId", "tag:Name", "InstanceType", "LaunchTime",
                         "VpcId", "PrivateIpAddress"}});
  registry.add_action("aws.ec2", "stop",
                      action<Stop>({}, {"ec2:StopInstances"}, "Stop running instances"));
  registry.add_action(
      "aws.ec2", "snapshot",
      action<Snapshot>({"exclude-boot", "copy-volume-tags"},
                       {"ec2:CreateSnapshots", "ec2:CreateTags"},
                       "Snapshot every attached volume, tagged with the instance id"));
  registry.add_action("aws.ec2", "set-instance-profile",
                      action<SetInstanceProfile>(
                          {"name"},
                          {"ec2:DescribeIamInstanceProfileAssociations",
                           "ec2:DisassociateIamInstanceProfile", "ec2:AssociateIamInstanceProfile",
                           "ec2:ReplaceIamInstanceProfileAssociation", "iam:PassRole"},
                          "Attach, replace or (without name) remove the instance profile"));
  register_tag_actions(registry, "aws.ec2");
}

}  // namespace custos::resources
