#include "resources/ec2.h"

#include <algorithm>
#include <map>

#include "aws/client.h"
#include "resources/ec2_filters.h"
#include "resources/ec2_lifecycle.h"
#include "resources/modify_groups.h"
#include "resources/network_filters.h"
#include "resources/snapshot_tags.h"
#include "resources/tag_actions.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::Spec;
using policy::undo_call;

std::string state_of(const Json& instance) {
  auto state = instance.find("State");
  return state == instance.end() ? "" : state->value("Name", "");
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
        ids.push_back(context.id_of(instance));
        continue;
      }
      context.emit(records,
                   ActionRecord::unchanged("stop", context.id_of(instance),
                                           "left as it is: already " +
                                               (state.empty() ? "in an unknown state" : state)));
    }
    if (ids.empty()) return records;
    try {
      Json result = context.client.call("ec2", "StopInstances", {{"InstanceIds", ids}});
      for (const Json& change : result.value("StoppingInstances", Json::array()))
        context.emit(records, stopped(change));
    } catch (const Error& e) {
      for (const auto& id : ids) context.emit(records, ActionRecord::failed("stop", id, e));
    }
    return records;
  }

 private:
  static ActionRecord stopped(const Json& change) {
    std::string id = change.value("InstanceId", "");
    ActionRecord record{"stop", id};
    record.before = {{"State", change.value("PreviousState", Json::object())}};
    record.after = {{"State", change.value("CurrentState", Json::object())}};
    record.summary = "stopping (was " + record.before["State"].value("Name", "?") + ", now " +
                     record.after["State"].value("Name", "?") + ")";
    record.undo = Json::array({undo_call("ec2", "StartInstances", {{"InstanceIds", {id}}})});
    record.check = policy::check_call(
        "ec2", "DescribeInstances", {{"InstanceIds", {id}}},
        "contains(['stopping', 'stopped'], Reservations[0].Instances[0].State.Name)");
    return record;
  }
};

// snapshot: one multi-volume CreateSnapshots per instance, every snapshot tagged with the
// instance id and policy so investigators can find the evidence. Cloud Custodian's options:
// copy-volume-tags (the default) or copy-tags (instance tags by key, '*' for all) plus tags.
class SnapshotInstance : public policy::PerResourceAction {
 public:
  explicit SnapshotInstance(const Spec& spec)
      : PerResourceAction("snapshot"),
        exclude_boot_(spec.optional_bool("exclude-boot", false)),
        tags_(spec) {}

 private:
  ActionRecord apply(const Json& instance, ActionContext& context) const override {
    std::string id = context.id_of(instance);
    if (Json taken = taken_for_incident(context, "custos:instance-id", id); !taken.empty())
      return ActionRecord::unchanged(
          "snapshot", id,
          "already snapshotted for incident " + context.incident_id + ": " + taken.dump());
    Json params = {
        {"InstanceSpecification", {{"InstanceId", id}, {"ExcludeBootVolume", exclude_boot_}}},
        {"Description",
         "custos forensic snapshot of " + id + " (policy " + context.policy_name + ")"},
        {"TagSpecifications",
         Json::array({{{"ResourceType", "snapshot"}, {"Tags", tags_for(instance, id, context)}}})}};
    if (tags_.copy_volume_tags()) params["CopyTagsFromSource"] = "volume";
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
    // Evidence is kept, not undone: recovery leaves the snapshots for the investigators.
    return record;
  }

  Json tags_for(const Json& instance, const std::string& id, const ActionContext& context) const {
    return tags_.tags_for(instance, own_tags(context, "custos:instance-id", id), false);
  }

  bool exclude_boot_;
  SnapshotTags tags_;
};

// set-instance-profile: with `name`, attach or replace the instance's profile; without,
// remove it, cutting the instance off from its role's credentials.
class SetInstanceProfile : public policy::PerResourceAction {
 public:
  explicit SetInstanceProfile(const Spec& spec)
      : PerResourceAction("set-instance-profile"), name_(spec.optional_string("name")) {}

 private:
  ActionRecord apply(const Json& instance, ActionContext& context) const override {
    const auto& client = context.client;
    std::string id = context.id_of(instance);
    Json found =
        client.call("ec2", "DescribeIamInstanceProfileAssociations",
                    {{"Filters", Json::array({{{"Name", "instance-id"}, {"Values", {id}}},
                                              {{"Name", "state"}, {"Values", {"associated"}}}})}});
    Json associations = found.value("IamInstanceProfileAssociations", Json::array());
    Json current =
        associations.empty() ? Json() : associations[0].value("IamInstanceProfile", Json());
    if (name_.empty()) return remove(id, associations, current, client);
    if (current.is_object() && current.value("Arn", "").ends_with("/" + name_))
      return ActionRecord::unchanged("set-instance-profile", id,
                                     "instance profile " + name_ + " already attached");
    Json profile = {{"Name", name_}};
    Json result = associations.empty()
                      ? client.call("ec2", "AssociateIamInstanceProfile",
                                    {{"InstanceId", id}, {"IamInstanceProfile", profile}})
                      : client.call("ec2", "ReplaceIamInstanceProfileAssociation",
                                    {{"AssociationId", associations[0].value("AssociationId", "")},
                                     {"IamInstanceProfile", profile}});
    ActionRecord record{"set-instance-profile", id};
    record.before = {{"IamInstanceProfile", current}};
    record.after = result.value("IamInstanceProfileAssociation", Json::object());
    record.summary = "set instance profile " + name_;
    record.undo = restore(id, record.after.value("AssociationId", ""), current);
    record.check =
        attached_check(id,
                       "IamInstanceProfileAssociations[0].IamInstanceProfile.Arn != null && "
                       "ends_with(IamInstanceProfileAssociations[0].IamInstanceProfile.Arn, '/" +
                           name_ + "')");
    return record;
  }

  static ActionRecord remove(const std::string& id, const Json& associations, const Json& current,
                             const aws::Client& client) {
    if (associations.empty())
      return ActionRecord::unchanged("set-instance-profile", id,
                                     "no instance profile attached: nothing to remove");
    std::string association = associations[0].value("AssociationId", "");
    client.call("ec2", "DisassociateIamInstanceProfile", {{"AssociationId", association}});
    ActionRecord record{"set-instance-profile", id};
    record.before = {{"IamInstanceProfile", current}};
    record.after = {{"IamInstanceProfile", nullptr}, {"AssociationId", association}};
    record.summary = "removed instance profile " + current.value("Arn", "?") + " (association " +
                     association + ")";
    record.undo = restore(id, "", current);
    record.check = attached_check(id, "length(IamInstanceProfileAssociations) == `0`");
    return record;
  }

  // What is attached (or being attached) to the instance, and what must hold of it.
  static Json attached_check(const std::string& id, std::string expect) {
    return policy::check_call(
        "ec2", "DescribeIamInstanceProfileAssociations",
        {{"Filters",
          Json::array({{{"Name", "instance-id"}, {"Values", {id}}},
                       {{"Name", "state"}, {"Values", {"associating", "associated"}}}})}},
        std::move(expect));
  }

  // Puts the previous profile back: by association when one replaced it, else a new one.
  static Json restore(const std::string& id, const std::string& replacing, const Json& previous) {
    if (!previous.is_object())
      return replacing.empty() ? Json::array()
                               : Json::array({undo_call("ec2", "DisassociateIamInstanceProfile",
                                                        {{"AssociationId", replacing}})});
    Json profile = {{"Arn", previous.value("Arn", "")}};
    if (!replacing.empty())
      return Json::array(
          {undo_call("ec2", "ReplaceIamInstanceProfileAssociation",
                     {{"AssociationId", replacing}, {"IamInstanceProfile", profile}})});
    return Json::array({undo_call("ec2", "AssociateIamInstanceProfile",
                                  {{"InstanceId", id}, {"IamInstanceProfile", profile}})});
  }

  std::string name_;
};

}  // namespace

void register_ec2(policy::Registry& registry) {
  registry.add_resource({
      .name = "aws.ec2",
      .aliases = {"ec2"},
      .service = "ec2",
      .enumerate_operation = "DescribeInstances",
      .result_path = "Reservations[].Instances[]",
      .lookup = policy::ResourceType::Lookup::kIdsParam,
      .ids_param = "InstanceIds",
      .not_found_codes = {"InvalidInstanceID.NotFound", "InvalidInstanceID.Malformed"},
      .id_field = "InstanceId",
      .date_field = "LaunchTime",
      .arn_format = "arn:{partition}:ec2:{region}:{account_id}:instance/{id}",
      .guard_duty = {{.resource_type = "Instance",
                      .ids = "detail.resource.instanceDetails.instanceId"}},
      .report_fields = {"CustodianDate", "InstanceId", "tag:Name", "InstanceType", "LaunchTime",
                        "VpcId", "PrivateIpAddress"},
      .metric_dimensions = {{"InstanceId", "InstanceId"}},
  });
  registry.add_action(
      "aws.ec2", "stop",
      policy::action_info<Stop>({}, {"ec2:StopInstances"}, "Stop running instances"));
  registry.add_action(
      "aws.ec2", "snapshot",
      policy::action_info<SnapshotInstance>(
          {"exclude-boot", "copy-volume-tags", "copy-tags", "tags"},
          {"ec2:CreateSnapshots", "ec2:CreateTags"},
          "Snapshot every attached volume, tagged with the instance id (copy-tags: instance tag "
          "keys to copy, '*' for all; tags: tags to add)"));
  registry.add_action("aws.ec2", "set-instance-profile",
                      policy::action_info<SetInstanceProfile>(
                          {"name"},
                          {"ec2:DescribeIamInstanceProfileAssociations",
                           "ec2:DisassociateIamInstanceProfile", "ec2:AssociateIamInstanceProfile",
                           "ec2:ReplaceIamInstanceProfileAssociation", "iam:PassRole"},
                          "Attach, replace or (without name) remove the instance profile"));
  registry.add_action("aws.ec2", "modify-security-groups",
                      modify_security_groups_info(InterfacesOf::kInstance));
  register_ec2_lifecycle_actions(registry);
  register_ec2_filters(registry);
  register_related_network_filters(registry, "aws.ec2",
                                   {.security_groups = "NetworkInterfaces[].Groups[].GroupId",
                                    .subnets = "NetworkInterfaces[].SubnetId",
                                    .vpc = "VpcId"});
  register_tag_actions(registry, "aws.ec2");
}

}  // namespace custos::resources
