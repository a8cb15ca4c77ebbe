// aws.eni: network interfaces (Cloud Custodian's eni), whose security groups
// modify-security-groups changes: the interface of a compromised workload isolated on its own.
#include "resources/modify_groups.h"
#include "resources/network.h"
#include "resources/network_filters.h"
#include "resources/tag_actions.h"

namespace custos::resources {

void register_eni(policy::Registry& registry) {
  registry.add_resource({
      .name = "aws.eni",
      .aliases = {"eni"},
      .service = "ec2",
      .enumerate_operation = "DescribeNetworkInterfaces",
      // Cloud Custodian renames TagSet to Tags, as every other type has them.
      .result_path = "NetworkInterfaces[].merge(@, {Tags: TagSet || `[]`})",
      .lookup = policy::ResourceType::Lookup::kIdsParam,
      .ids_param = "NetworkInterfaceIds",
      .not_found_codes = {"InvalidNetworkInterfaceID.NotFound",
                          "InvalidNetworkInterfaceID.Malformed"},
      .id_field = "NetworkInterfaceId",
      .arn_format = "arn:{partition}:ec2:{region}:{account_id}:network-interface/{id}",
      .report_fields = {"NetworkInterfaceId", "Status", "Attachment.InstanceId", "VpcId",
                        "SubnetId", "PrivateIpAddress"},
      .actions = {policy::ResourceType::CallAction{
                      .operation = "DeleteNetworkInterface",
                      .params = {{"NetworkInterfaceId", "NetworkInterfaceId"}},
                      .gone_codes = {"InvalidNetworkInterfaceID.NotFound"}},
                  // Cloud Custodian's detach: an instance's secondary interface (its primary,
                  // device 0, cannot be detached).
                  {.name = "detach",
                   .operation = "DetachNetworkInterface",
                   .params = {{"AttachmentId", "Attachment.AttachmentId"}},
                   .when = "Attachment.InstanceId != null && Attachment.DeviceIndex != `0`",
                   .undo_operation = "AttachNetworkInterface",
                   .undo_params = {{"NetworkInterfaceId", "NetworkInterfaceId"},
                                   {"InstanceId", "Attachment.InstanceId"},
                                   {"DeviceIndex", "Attachment.DeviceIndex"}},
                   .description = "Detach the interface from its instance (not a primary one)"}},
  });
  register_related_network_filters(
      registry, "aws.eni",
      {.security_groups = "Groups[].GroupId", .subnets = "SubnetId", .vpc = "VpcId"});
  register_flow_logs_filter(registry, "aws.eni");
  registry.add_action("aws.eni", "modify-security-groups",
                      modify_security_groups_info(InterfacesOf::kInterface));
  register_tag_actions(registry, "aws.eni");
}

}  // namespace custos::resources
