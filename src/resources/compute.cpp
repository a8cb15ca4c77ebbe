// Compute: Auto Scaling groups and launch configurations, AMIs, Lambda functions, ECS clusters
// and services, ECR repositories.
#include "resources/services.h"
#include "resources/type_table.h"

namespace custos::resources {
namespace {

using policy::DetailCall;
using policy::ResourceType;
using Lookup = ResourceType::Lookup;
using Tagging = ResourceType::Tagging;

// ECS answers tags as [{key, value}]; Cloud Custodian's Tags are [{Key, Value}].
const std::pair<std::string, std::string> kEcsTags = {"Tags", "tags[].{Key: key, Value: value}"};

Tagging ecs_tagging(const std::string& arn_field) {
  return {.api = Tagging::Api::kPerResource,
          .tag_operation = "TagResource",
          .untag_operation = "UntagResource",
          .id_param = "resourceArn",
          .id_member = arn_field,
          .key_member = "key",
          .value_member = "value",
          .tags_member = "tags",
          .keys_member = "tagKeys"};
}

ResourceType ecs_cluster() {
  return {
      .name = "aws.ecs",
      .aliases = {"ecs"},
      .service = "ecs",
      .enumerate_operation = "ListClusters",
      .result_path = "clusterArns[].{clusterArn: @}",
      .details = {{.operation = "DescribeClusters",
                   .params = {{"clusters", "[clusterArn]"}, {"include", "`[\"TAGS\"]`"}},
                   .select = "clusters[0]",
                   .required = true}},
      .computed = {kEcsTags},
      .lookup = Lookup::kFromId,
      .id_field = "clusterArn",
      .name_field = "clusterName",
      .arn_field = "clusterArn",
      .tagging = ecs_tagging("clusterArn"),
  };
}

}  // namespace

void register_compute(policy::Registry& registry) {
  add_type(registry, {
                         .name = "aws.asg",
                         .aliases = {"asg"},
                         .service = "autoscaling",
                         .enumerate_operation = "DescribeAutoScalingGroups",
                         .result_path = "AutoScalingGroups[]",
                         .ids_param = "AutoScalingGroupNames",
                         .id_field = "AutoScalingGroupName",
                         .date_field = "CreatedTime",
                         .arn_field = "AutoScalingGroupARN",
                         // Auto Scaling names the group in each tag, not in the call.
                         .tagging = {.api = Tagging::Api::kPerResource,
                                     .tag_operation = "CreateOrUpdateTags",
                                     .untag_operation = "DeleteTags",
                                     .keys_member = "Tags",
                                     .keys_as_tags = true,
                                     .item_params = {{"ResourceId", "{id}"},
                                                     {"ResourceType", "auto-scaling-group"},
                                                     {"PropagateAtLaunch", false}}},
                         .report_fields = {"AutoScalingGroupName", "CreatedTime",
                                           "LaunchConfigurationName", "length(Instances)"},
                     });
  add_type(registry,
           {
               .name = "aws.launch-config",
               .aliases = {"launch-config"},
               .service = "autoscaling",
               .enumerate_operation = "DescribeLaunchConfigurations",
               .result_path = "LaunchConfigurations[]",
               .ids_param = "LaunchConfigurationNames",
               .id_field = "LaunchConfigurationName",
               .date_field = "CreatedTime",
               .arn_field = "LaunchConfigurationARN",
           },
           false);
  add_type(registry,
           {
               .name = "aws.ami",
               .aliases = {"ami"},
               .service = "ec2",
               .enumerate_operation = "DescribeImages",
               // As Cloud Custodian: the account's own images, not every public one.
               .enumerate_params = {{"Owners", {"self"}}},
               .result_path = "Images[]",
               .ids_param = "ImageIds",
               .not_found_codes = {"InvalidAMIID.NotFound", "InvalidAMIID.Malformed"},
               .id_field = "ImageId",
               .name_field = "Name",
               .date_field = "CreationDate",
               .arn_format = "arn:{partition}:ec2:{region}:{account_id}:image/{id}",
               .access = shared_with(
                   {.operation = "DescribeImageAttribute",
                    .params = {{"ImageId", "ImageId"}, {"Attribute", "`\"launchPermission\"`"}},
                    .select = "LaunchPermissions[].[Group, UserId, OrganizationArn, "
                              "OrganizationalUnitArn][]"}),
           });
  add_type(registry,
           {
               .name = "aws.lambda",
               .aliases = {"lambda"},
               .service = "lambda",
               .enumerate_operation = "ListFunctions",
               .result_path = "Functions[]",
               .details = {tags_by_arn("FunctionArn")},
               .lookup = Lookup::kEnumerate,
               .id_field = "FunctionName",
               .date_field = "LastModified",
               .arn_field = "FunctionArn",
               .tagging = {.api = Tagging::Api::kResourceGroups},
               .report_fields = {"FunctionName", "Runtime", "LastModified", "Role"},
               .access = ResourceType::Access{.policy = "\"c7n:Policy\"",
                                              .call = {.operation = "GetPolicy",
                                                       .params = {{"FunctionName", "FunctionName"}},
                                                       .select = "Policy",
                                                       .key = "c7n:Policy"}},
           });
  auto cluster = std::make_shared<const ResourceType>(ecs_cluster());
  add_type(registry, *cluster);
  add_type(registry, {
                         .name = "aws.ecs-service",
                         .aliases = {"ecs-service"},
                         .service = "ecs",
                         .enumerate_operation = "ListServices",
                         .result_path = "serviceArns[].{serviceArn: @}",
                         .details = {{.operation = "DescribeServices",
                                      .params = {{"cluster", "\"c7n:parent-id\""},
                                                 {"services", "[serviceArn]"},
                                                 {"include", "`[\"TAGS\"]`"}},
                                      .select = "services[0]",
                                      .required = true}},
                         .computed = {kEcsTags},
                         .parent = ResourceType::Parent{cluster, "cluster"},
                         .lookup = Lookup::kEnumerate,
                         .id_field = "serviceArn",
                         .name_field = "serviceName",
                         .arn_field = "serviceArn",
                         .tagging = ecs_tagging("serviceArn"),
                     });
  add_type(
      registry,
      {
          .name = "aws.ecr",
          .aliases = {"ecr"},
          .service = "ecr",
          .enumerate_operation = "DescribeRepositories",
          .result_path = "repositories[]",
          .details = {{.operation = "ListTagsForResource",
                       .params = {{"resourceArn", "repositoryArn"}},
                       .select = "tags",
                       .key = "Tags"}},
          .ids_param = "repositoryNames",
          .not_found_codes = {"RepositoryNotFoundException"},
          .id_field = "repositoryName",
          .arn_field = "repositoryArn",
          .tagging = {.api = Tagging::Api::kPerResource,
                      .tag_operation = "TagResource",
                      .untag_operation = "UntagResource",
                      .id_param = "resourceArn",
                      .id_member = "repositoryArn",
                      .tags_member = "tags",
                      .keys_member = "tagKeys"},
          .access = ResourceType::Access{.policy = "Policy",
                                         .call = {.operation = "GetRepositoryPolicy",
                                                  .params = {{"repositoryName", "repositoryName"}},
                                                  .select = "policyText",
                                                  .key = "Policy"}},
      });
}

}  // namespace custos::resources
