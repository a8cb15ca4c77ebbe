// aws.vpc: VPCs, with Cloud Custodian's flow-logs filter (a VPC without flow logs leaves an
// incident without its network record) and dhcp-options.
#include "resources/network.h"
#include "resources/network_filters.h"
#include "resources/tag_actions.h"

namespace custos::resources {

void register_vpc(policy::Registry& registry) {
  registry.add_resource({
      .name = "aws.vpc",
      .aliases = {"vpc"},
      .service = "ec2",
      .enumerate_operation = "DescribeVpcs",
      .result_path = "Vpcs[]",
      .lookup = policy::ResourceType::Lookup::kIdsParam,
      .ids_param = "VpcIds",
      .not_found_codes = {"InvalidVpcID.NotFound", "InvalidVpcID.Malformed"},
      .id_field = "VpcId",
      .arn_format = "arn:{partition}:ec2:{region}:{account_id}:vpc/{id}",
      .report_fields = {"VpcId", "tag:Name", "CidrBlock", "IsDefault", "State"},
      // Cloud Custodian's delete-empty: DeleteVpc, which AWS refuses (DependencyViolation)
      // while anything is still in the VPC; custos reports that refusal as the action's error.
      .actions = {{.name = "delete-empty",
                   .operation = "DeleteVpc",
                   .params = {{"VpcId", "VpcId"}},
                   .gone_codes = {"InvalidVpcID.NotFound"},
                   .description = "Delete a VPC with nothing in it (DeleteVpc)"}},
  });
  register_flow_logs_filter(registry, "aws.vpc");
  register_dhcp_options_filter(registry);
  register_tag_actions(registry, "aws.vpc");
}

}  // namespace custos::resources
