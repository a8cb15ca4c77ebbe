// aws.ebs: EBS volumes. snapshot (Cloud Custodian's CreateSnapshot) takes each volume's
// snapshot as evidence, tagged with the volume, policy and incident.
#include "resources/ebs.h"
#include "aws/client.h"
#include "policy/list_item_filter.h"
#include "resources/snapshot_tags.h"
#include "resources/tag_actions.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::Spec;

class SnapshotVolume : public policy::PerResourceAction {
 public:
  explicit SnapshotVolume(const Spec& spec)
      : PerResourceAction("snapshot"),
        tags_(spec),
        description_(spec.optional_string("description")) {}

 private:
  ActionRecord apply(const Json& volume, ActionContext& context) const override {
    const aws::Client& client = context.client;
    std::string id = context.id_of(volume);
    if (Json taken = taken_for_incident(context, "custos:volume-id", id); !taken.empty())
      return ActionRecord::unchanged(
          name(), id,
          "already snapshotted for incident " + context.incident_id + ": " + taken.dump());
    Json now = client
                   .call("ec2", "DescribeVolumes",
                         {{"Filters", Json::array({{{"Name", "volume-id"}, {"Values", {id}}}})}})
                   .value("Volumes", Json::array());
    if (now.empty()) return ActionRecord::unchanged(name(), id, "the volume no longer exists");
    std::string description = description_.empty() ? "custos forensic snapshot of " + id +
                                                         " (policy " + context.policy_name + ")"
                                                   : description_;
    Json tags =
        tags_.tags_for(now[0], own_tags(context, "custos:volume-id", id), tags_.copy_volume_tags());
    Json result = client.call(
        "ec2", "CreateSnapshot",
        {{"VolumeId", id},
         {"Description", description},
         {"TagSpecifications", Json::array({{{"ResourceType", "snapshot"}, {"Tags", tags}}})}});
    std::string snapshot = result.value("SnapshotId", "");
    ActionRecord record{name(), id};
    record.after = {{"Snapshots", Json::array({{{"SnapshotId", snapshot}, {"VolumeId", id}}})}};
    record.summary = "snapshot " + snapshot + " of " + id;
    // Evidence is kept, not undone: recovery leaves the snapshot for the investigators.
    record.check = policy::check_call("ec2", "DescribeSnapshots", {{"SnapshotIds", {snapshot}}},
                                      "length(Snapshots) == `1`");
    return record;
  }

  SnapshotTags tags_;
  std::string description_;
};

}  // namespace

void register_ebs(policy::Registry& registry) {
  registry.add_resource({
      .name = "aws.ebs",
      .aliases = {"ebs"},
      .service = "ec2",
      .enumerate_operation = "DescribeVolumes",
      .result_path = "Volumes[]",
      .lookup = policy::ResourceType::Lookup::kIdsParam,
      .ids_param = "VolumeIds",
      .not_found_codes = {"InvalidVolume.NotFound", "InvalidVolumeID.Malformed"},
      .id_field = "VolumeId",
      .date_field = "CreateTime",
      .arn_format = "arn:{partition}:ec2:{region}:{account_id}:volume/{id}",
      .report_fields = {"VolumeId", "Attachments[0].InstanceId", "Size", "VolumeType", "KmsKeyId"},
      .metric_dimensions = {{"VolumeId", "VolumeId"}},
      .metrics_namespace = "AWS/EBS",
      .actions =
          {policy::ResourceType::CallAction{.operation = "DeleteVolume",
                                            .params = {{"VolumeId", "VolumeId"}},
                                            .gone_codes = {"InvalidVolume.NotFound"}},
           // Cloud Custodian's detach: from its instance (the first attachment; a
           // multi-attached io2 volume keeps its others), `force` as DetachVolume's.
           {.name = "detach",
            .operation = "DetachVolume",
            .params = {{"VolumeId", "VolumeId"}, {"InstanceId", "Attachments[0].InstanceId"}},
            .options = {{.name = "force", .if_true = {{"Force", "`true`"}}}},
            .when = "Attachments[0].State == 'attached'",
            .undo_operation = "AttachVolume",
            .undo_params = {{"VolumeId", "VolumeId"},
                            {"InstanceId", "Attachments[0].InstanceId"},
                            {"Device", "Attachments[0].Device"}},
            .description = "Detach the volume from its instance (force: as DetachVolume's)"}},
  });
  registry.add_action(
      "aws.ebs", "snapshot",
      policy::action_info<SnapshotVolume>(
          {"copy-tags", "copy-volume-tags", "tags", "description"},
          {"ec2:DescribeVolumes", "ec2:DescribeSnapshots", "ec2:CreateSnapshot", "ec2:CreateTags"},
          "Snapshot the volume, tagged with its id, the policy and the incident (copy-tags: the "
          "volume's tag keys to copy, '*' for all; copy-volume-tags: all, the default; tags: tags "
          "to add)"));
  // Cloud Custodian's EBSSnapshotsFilter: a list-item filter over the volume's snapshots.
  registry.add_filter(
      "aws.ebs", "snapshots",
      policy::fetched_list_filter_info(
          {.annotation_key = "c7n:Snapshots",
           .fetch =
               [](const Json& volume, const aws::Client& client) {
                 Json by_volume = Json::array(
                     {{{"Name", "volume-id"}, {"Values", {volume.value("VolumeId", "")}}}});
                 return client.call_all("ec2", "DescribeSnapshots", {{"Filters", by_volume}})
                     .value("Snapshots", Json::array());
               },
           .permissions = {"ec2:DescribeSnapshots"}},
          "Volumes by their snapshots (a list-item filter: attrs, count, count_op), kept as "
          "c7n:Snapshots"));
  register_tag_actions(registry, "aws.ebs");
  register_ebs_modify(registry);
}

}  // namespace custos::resources
