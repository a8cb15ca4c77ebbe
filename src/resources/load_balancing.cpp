// Load balancing: Classic load balancers (elb), Application and Network load balancers
// (app-elb) and their target groups. Their tags come from DescribeTags, as Cloud Custodian's
// augment reads them; tag actions go through the tagging API.
#include "resources/services.h"
#include "resources/type_table.h"

namespace custos::resources {
namespace {

using policy::DetailCall;
using policy::ResourceType;
using Tagging = ResourceType::Tagging;

DetailCall tags_of(const std::string& param, const std::string& field) {
  return {.operation = "DescribeTags",
          .params = {{param, "[" + field + "]"}},
          .select = "TagDescriptions[0].Tags",
          .key = "Tags"};
}

ResourceType elbv2(std::string name, std::string operation, std::string kind) {
  std::string id = kind + "Arn";
  return {
      .name = "aws." + name,
      .aliases = {name},
      .service = "elbv2",
      .enumerate_operation = std::move(operation),
      .result_path = kind + "s[]",
      .details = {tags_of("ResourceArns", id)},
      .ids_param = kind + "Arns",
      .not_found_codes = {kind + "NotFound"},
      .id_field = id,
      .name_field = kind + "Name",
      .arn_field = id,
      .tagging = {.api = Tagging::Api::kResourceGroups},
      .deletion = ResourceType::Deletion{.operation = "Delete" + kind, .params = {{id, id}}},
  };
}

}  // namespace

void register_load_balancing(policy::Registry& registry) {
  add_type(
      registry,
      {
          .name = "aws.elb",
          .aliases = {"elb"},
          .service = "elb",
          .enumerate_operation = "DescribeLoadBalancers",
          .result_path = "LoadBalancerDescriptions[]",
          .details = {tags_of("LoadBalancerNames", "LoadBalancerName")},
          .ids_param = "LoadBalancerNames",
          .not_found_codes = {"LoadBalancerNotFound"},
          .id_field = "LoadBalancerName",
          .date_field = "CreatedTime",
          .arn_format = "arn:{partition}:elasticloadbalancing:{region}:{account_id}:"
                        "loadbalancer/{id}",
          .tagging = {.api = Tagging::Api::kResourceGroups},
          .report_fields = {"LoadBalancerName", "DNSName", "VPCId", "length(Instances)"},
          .deletion = ResourceType::Deletion{.operation = "DeleteLoadBalancer",
                                             .params = {{"LoadBalancerName", "LoadBalancerName"}}},
      });
  ResourceType app_elb = elbv2("app-elb", "DescribeLoadBalancers", "LoadBalancer");
  app_elb.date_field = "CreatedTime";
  app_elb.report_fields = {"LoadBalancerName", "DNSName", "VpcId", "Type", "Scheme"};
  add_type(registry, std::move(app_elb));
  add_type(registry, elbv2("app-elb-target-group", "DescribeTargetGroups", "TargetGroup"));
}

}  // namespace custos::resources
