// Compute: Auto Scaling groups and launch configurations, AMIs, Lambda functions and layers, ECS
// clusters with their services, tasks and container instances, ECR repositories and their
// images, Batch compute environments, job definitions and job queues, EKS clusters and node
// groups, EC2 Dedicated Hosts and Spot Fleet requests, Auto Scaling policies.
#include <algorithm>
#include <memory>

#include "resources/related_resource_filter.h"
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

// taggable (Cloud Custodian's ECSTaggable): tags need ECS's long ARN format, which names the
// cluster (service/CLUSTER/NAME); `state` (default false, as c7n) picks which to keep.
class EcsTaggable : public policy::Filter {
 public:
  explicit EcsTaggable(const policy::Spec& spec) : state_(spec.optional_bool("state", false)) {}
  bool match(const Json& service, const policy::FilterContext&) const override {
    std::string arn = service.value("serviceArn", "");
    std::string path = arn.substr(arn.rfind(':') + 1);
    return (std::count(path.begin(), path.end(), '/') >= 2) == state_;
  }

 private:
  bool state_;
};

ResourceType ecr_repository() {
  return {
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
      .access =
          ResourceType::Access{
              .policy = "Policy",
              .call = {.operation = "GetRepositoryPolicy",
                       .params = {{"repositoryName", "repositoryName"}},
                       .select = "policyText",
                       .key = "Policy"},
              .write = ResourceType::Access::Write{.params = {{"repositoryName", "repositoryName"}},
                                                   .operation = "SetRepositoryPolicy",
                                                   .text_param = "policyText",
                                                   .delete_operation = "DeleteRepositoryPolicy"}},
  };
}

// An ECS cluster's tasks and container instances, listed per cluster and described with
// their tags, as Cloud Custodian's ECSClusterResourceDescribeSource.
ResourceType ecs_child(std::string name, const std::string& kind,
                       std::shared_ptr<const ResourceType> cluster) {
  std::string arn = kind + "Arn";
  std::string plural = kind == "task" ? "tasks" : "containerInstances";
  return {
      .name = "aws." + name,
      .aliases = {name},
      .service = "ecs",
      .enumerate_operation = kind == "task" ? "ListTasks" : "ListContainerInstances",
      .result_path = arn + "s[].{" + arn + ": @}",
      .details = {{.operation = kind == "task" ? "DescribeTasks" : "DescribeContainerInstances",
                   .params = {{"cluster", "\"c7n:parent-id\""},
                              {plural, "[" + arn + "]"},
                              {"include", "`[\"TAGS\"]`"}},
                   .select = plural + "[0]",
                   .required = true}},
      .computed = {kEcsTags, {"c7n:cluster", "\"c7n:parent-id\""}},
      .parent = ResourceType::Parent{std::move(cluster), "cluster"},
      .lookup = Lookup::kEnumerate,
      .id_field = arn,
      .arn_field = arn,
      .tagging = ecs_tagging(arn),
  };
}

void register_ecs_parts(policy::Registry& registry,
                        const std::shared_ptr<const ResourceType>& cluster) {
  ResourceType task = ecs_child("ecs-task", "task", cluster);
  task.date_field = "createdAt";
  task.actions = {
      {.name = "stop",
       .operation = "StopTask",
       .params = {{"cluster", "\"c7n:cluster\""}, {"task", "taskArn"}},
       .options = {{.name = "reason", .param = "reason", .default_value = "custodian policy"}},
       .when = "lastStatus != 'STOPPED'",
       .gone_codes = {"InvalidParameterException: The referenced task was not found"}}};
  add_type(registry, std::move(task));
  ResourceType instance = ecs_child("ecs-container-instance", "containerInstance", cluster);
  instance.date_field = "registeredAt";
  // Cloud Custodian's set-state: DRAINING or ACTIVE; the state before is the undo.
  instance.actions = {
      {.name = "set-state",
       .operation = "UpdateContainerInstancesState",
       .params = {{"cluster", "\"c7n:cluster\""}, {"containerInstances", "[containerInstanceArn]"}},
       .options = {{.name = "state", .param = "status", .required = true, .current = "status"}}}};
  add_type(registry, std::move(instance));
}

// AWS Batch's compute environments and job definitions, as Cloud Custodian's batch.py (which
// tags neither).
void register_batch(policy::Registry& registry) {
  const std::string usable = "contains(['VALID', 'INVALID'], status)";
  add_type(registry,
           {
               .name = "aws.batch-compute",
               .aliases = {"batch-compute"},
               .service = "batch",
               .enumerate_operation = "DescribeComputeEnvironments",
               .result_path = "computeEnvironments[]",
               .ids_param = "computeEnvironments",
               .id_field = "computeEnvironmentName",
               .arn_field = "computeEnvironmentArn",
               .actions = {{.operation = "DeleteComputeEnvironment",
                            .params = {{"computeEnvironment", "computeEnvironmentName"}},
                            .when = "state == 'DISABLED' && " + usable},
                           {.name = "update-environment",
                            .operation = "UpdateComputeEnvironment",
                            .params = {{"computeEnvironment", "computeEnvironmentName"}},
                            .options = {setting("state", "state"),
                                        {.name = "computeResources", .param = "computeResources"},
                                        setting("serviceRole", "serviceRole")},
                            .when = usable}},
           },
           false);
  add_type(registry,
           {
               .name = "aws.batch-definition",
               .aliases = {"batch-definition"},
               .service = "batch",
               .enumerate_operation = "DescribeJobDefinitions",
               .result_path = "jobDefinitions[]",
               .ids_param = "jobDefinitions",
               .id_field = "jobDefinitionName",
               .arn_field = "jobDefinitionArn",
               .actions = {{.name = "deregister",
                            .operation = "DeregisterJobDefinition",
                            .params = {{"jobDefinition",
                                        "join(':', [jobDefinitionName, to_string(revision)])"}},
                            .when = "status == 'ACTIVE'"}},
           },
           false);
  add_type(registry, {
                         .name = "aws.batch-queue",
                         .aliases = {"batch-queue"},
                         .service = "batch",
                         .enumerate_operation = "DescribeJobQueues",
                         .result_path = "jobQueues[]",
                         .tags_map = "tags",
                         .ids_param = "jobQueues",
                         .id_field = "jobQueueName",
                         .arn_field = "jobQueueArn",
                         .tagging = {.api = Tagging::Api::kPerResource,
                                     .tag_operation = "TagResource",
                                     .untag_operation = "UntagResource",
                                     .id_param = "resourceArn",
                                     .id_member = "jobQueueArn",
                                     .tags_member = "tags",
                                     .keys_member = "tagKeys",
                                     .tags_as_map = true},
                     });
}

// EKS clusters: ListClusters names them, DescribeCluster completes each (Cloud Custodian's
// detail_spec); their tags are a {key: value} map.
ResourceType eks() {
  return {
      .name = "aws.eks",
      .aliases = {"eks"},
      .service = "eks",
      .enumerate_operation = "ListClusters",
      .result_path = "clusters[].{name: @}",
      .details = {{.operation = "DescribeCluster",
                   .params = {{"name", "name"}},
                   .select = "cluster",
                   .absent_codes = {"ResourceNotFoundException"},
                   .required = true}},
      .tags_map = "tags",
      .lookup = Lookup::kFromId,
      .id_field = "name",
      .date_field = "createdAt",
      .arn_field = "arn",
      .tagging = {.api = Tagging::Api::kPerResource,
                  .tag_operation = "TagResource",
                  .untag_operation = "UntagResource",
                  .id_param = "resourceArn",
                  .id_member = "arn",
                  .tags_member = "tags",
                  .keys_member = "tagKeys",
                  .tags_as_map = true},
  };
}

// EC2's Dedicated Hosts and Spot Fleet requests, listed by their Describe calls.
void register_ec2_parts(policy::Registry& registry) {
  add_type(registry,
           {
               .name = "aws.ec2-host",
               .aliases = {"ec2-host"},
               .service = "ec2",
               .enumerate_operation = "DescribeHosts",
               .result_path = "Hosts[]",
               .ids_param = "HostIds",
               .not_found_codes = {"InvalidHostID.NotFound"},
               .id_field = "HostId",
               .date_field = "AllocationTime",
               .arn_format = "arn:{partition}:ec2:{region}:{account_id}:dedicated-host/{id}",
           });
  add_type(registry,
           {
               .name = "aws.ec2-spot-fleet-request",
               .aliases = {"ec2-spot-fleet-request"},
               .service = "ec2",
               .enumerate_operation = "DescribeSpotFleetRequests",
               .result_path = "SpotFleetRequestConfigs[]",
               .ids_param = "SpotFleetRequestIds",
               .not_found_codes = {"InvalidSpotFleetRequestId.NotFound"},
               .id_field = "SpotFleetRequestId",
               .date_field = "CreateTime",
               .arn_format = "arn:{partition}:ec2:{region}:{account_id}:spot-fleet-request/{id}",
           });
}

}  // namespace

void register_compute(policy::Registry& registry) {
  add_type(
      registry,
      {
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
                                      {"PropagateAtLaunch", false}},
                      .autoscaling_forms = true},
          .report_fields = {"AutoScalingGroupName", "CreatedTime", "LaunchConfigurationName",
                            "length(Instances)"},
          .actions = {ResourceType::CallAction{
                          .operation = "DeleteAutoScalingGroup",
                          .params = {{"AutoScalingGroupName", "AutoScalingGroupName"}},
                          .options = {{.name = "force", .if_true = {{"ForceDelete", "`true`"}}}},
                          .gone_codes = {"ValidationError: not found"}},
                      {.name = "update",
                       .operation = "UpdateAutoScalingGroup",
                       .params = {{"AutoScalingGroupName", "AutoScalingGroupName"}},
                       .options = {setting("default-cooldown", "DefaultCooldown"),
                                   // Absent means none, which 0 sets.
                                   {.name = "max-instance-lifetime",
                                    .param = "MaxInstanceLifetime",
                                    .current = "MaxInstanceLifetime || `0`"},
                                   setting("new-instances-protected-from-scale-in",
                                           "NewInstancesProtectedFromScaleIn"),
                                   setting("capacity-rebalance", "CapacityRebalance")}}},
      });
  register_asg_processes(registry);
  register_asg_launch_filters(registry);
  register_asg_propagate_tags(registry);
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
               .actions = {{.operation = "DeleteLaunchConfiguration",
                            .params = {{"LaunchConfigurationName", "LaunchConfigurationName"}},
                            .gone_codes = {"ValidationError: not found"}}},
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
                              "OrganizationalUnitArn][]"},
                   ResourceType::Access::Share{
                       .operation = "ModifyImageAttribute",
                       .params = {{"ImageId", "ImageId"}, {"Attribute", "`\"launchPermission\"`"}},
                       .everyone_param = "UserGroups",
                       .accounts_param = "UserIds",
                       .organizations_param = "OrganizationArns",
                       .units_param = "OrganizationalUnitArns"}),
               .actions = {{.name = "deregister",
                            .operation = "DeregisterImage",
                            .params = {{"ImageId", "ImageId"}},
                            .gone_codes = {"InvalidAMIID.Unavailable"}}},
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
               .metric_dimensions = {{"FunctionName", "FunctionName"}},
               .access = ResourceType::Access{.policy = "\"c7n:Policy\"",
                                              .call = {.operation = "GetPolicy",
                                                       .params = {{"FunctionName", "FunctionName"}},
                                                       .select = "Policy",
                                                       .key = "c7n:Policy"},
                                              .write =
                                                  ResourceType::Access::Write{
                                                      .params = {{"FunctionName", "FunctionName"}},
                                                      .remove_operation = "RemovePermission",
                                                      .sid_param = "StatementId"}},
               .actions = {ResourceType::CallAction{.operation = "DeleteFunction",
                                                    .params = {{"FunctionName", "FunctionName"}},
                                                    .gone_codes = {"ResourceNotFoundException"}}},
           });
  auto cluster = std::make_shared<const ResourceType>(ecs_cluster());
  add_type(registry, *cluster);
  // Cloud Custodian's ecs-task-definition: the active revisions, each described by its ARN.
  add_type(registry, {
                         .name = "aws.ecs-task-definition",
                         .aliases = {"ecs-task-definition"},
                         .service = "ecs",
                         .enumerate_operation = "ListTaskDefinitions",
                         .result_path = "taskDefinitionArns[].{taskDefinitionArn: @}",
                         .details = {{.operation = "DescribeTaskDefinition",
                                      .params = {{"taskDefinition", "taskDefinitionArn"},
                                                 {"include", "`[\"TAGS\"]`"}},
                                      .select = "merge(taskDefinition, {tags: tags})",
                                      .absent_codes = {"ClientException"},
                                      .required = true}},
                         .computed = {kEcsTags},
                         .lookup = Lookup::kFromId,
                         .id_field = "taskDefinitionArn",
                         .name_field = "family",
                         .arn_field = "taskDefinitionArn",
                         .tagging = ecs_tagging("taskDefinitionArn"),
                     });
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
                         // Cloud Custodian scales the service to 0 first: `force` is ECS's
                         // way of doing so in the delete itself. A deleted service is listed
                         // as INACTIVE for a while.
                         .actions = {{.operation = "DeleteService",
                                      .params = {{"cluster", "clusterArn"},
                                                 {"service", "serviceName"},
                                                 {"force", "`true`"}},
                                      .when = "status != 'INACTIVE'",
                                      .gone_codes = {"ServiceNotFoundException"}}},
                     });
  register_ecs_service_modify(registry);
  auto repository = std::make_shared<const ResourceType>(ecr_repository());
  add_type(registry, *repository);
  add_type(registry,
           {
               .name = "aws.ecr-image",
               .aliases = {"ecr-image"},
               .service = "ecr",
               .enumerate_operation = "DescribeImages",
               .result_path = "imageDetails[]",
               .parent = ResourceType::Parent{repository, "repositoryName"},
               .lookup = Lookup::kEnumerate,
               .id_field = "imageDigest",
               .date_field = "imagePushedAt",
           },
           false);
  register_ecs_parts(registry, cluster);
  register_batch(registry);
  auto eks_cluster = std::make_shared<const ResourceType>(eks());
  add_type(registry, *eks_cluster);
  // An EKS cluster's node groups, listed per cluster and completed by DescribeNodegroup.
  add_type(registry, {
                         .name = "aws.eks-nodegroup",
                         .aliases = {"eks-nodegroup"},
                         .service = "eks",
                         .enumerate_operation = "ListNodegroups",
                         .result_path = "nodegroups[].{nodegroupName: @}",
                         .details = {{.operation = "DescribeNodegroup",
                                      .params = {{"clusterName", "\"c7n:parent-id\""},
                                                 {"nodegroupName", "nodegroupName"}},
                                      .select = "nodegroup",
                                      .absent_codes = {"ResourceNotFoundException"},
                                      .required = true}},
                         .tags_map = "tags",
                         .parent = ResourceType::Parent{eks_cluster, "clusterName"},
                         .lookup = Lookup::kEnumerate,
                         .id_field = "nodegroupArn",
                         .name_field = "nodegroupName",
                         .date_field = "createdAt",
                         .arn_field = "nodegroupArn",
                         .tagging = {.api = Tagging::Api::kPerResource,
                                     .tag_operation = "TagResource",
                                     .untag_operation = "UntagResource",
                                     .id_param = "resourceArn",
                                     .id_member = "nodegroupArn",
                                     .tags_member = "tags",
                                     .keys_member = "tagKeys",
                                     .tags_as_map = true},
                     });
  // Lambda layers as Cloud Custodian models them: every version of each layer (its default
  // query; `version: latest` is not supported), named by the layer's name.
  auto layer = std::make_shared<const ResourceType>(ResourceType{
      .name = "aws.lambda-layer",
      .aliases = {"lambda-layer"},
      .service = "lambda",
      .enumerate_operation = "ListLayers",
      .result_path = "Layers[]",
      .lookup = Lookup::kEnumerate,
      .id_field = "LayerName",
  });
  add_type(registry,
           {
               .name = "aws.lambda-layer",
               .aliases = {"lambda-layer"},
               .service = "lambda",
               .enumerate_operation = "ListLayerVersions",
               .result_path = "LayerVersions[]",
               .computed = {{"LayerName", "\"c7n:parent-id\""}},
               .parent = ResourceType::Parent{layer, "LayerName"},
               .lookup = Lookup::kEnumerate,
               .id_field = "LayerName",
               .date_field = "CreatedDate",
               .arn_field = "LayerVersionArn",
           },
           false);
  register_ec2_parts(registry);
  // Auto Scaling's scaling policies (Cloud Custodian does not tag them).
  add_type(registry,
           {
               .name = "aws.scaling-policy",
               .aliases = {"scaling-policy"},
               .service = "autoscaling",
               .enumerate_operation = "DescribePolicies",
               .result_path = "ScalingPolicies[]",
               .ids_param = "PolicyNames",
               .id_field = "PolicyName",
               .date_field = "CreatedTime",
               .arn_field = "PolicyARN",
           },
           false);
  add_age_filter(registry, "aws.launch-config", "age", "CreatedTime");
  add_age_filter(registry, "aws.ami", "image-age", "CreationDate");
  registry.add_filter("aws.ecs-service", "taggable",
                      policy::filter_info<EcsTaggable>(
                          {"state"},
                          "Services whose ARN is in ECS's long format, which tags need "
                          "(state: true), or not (the default)"));
  // Cloud Custodian's RelatedTaskDefinitionFilter on tasks and services.
  for (const auto& [resource, ids] : {std::pair{"aws.ecs-task", "taskDefinitionArn"},
                                      std::pair{"aws.ecs-service", "taskDefinition"}})
    add_related_resource_filter(registry, resource, "task-definition",
                                {.type = "aws.ecs-task-definition",
                                 .ids = ids,
                                 .annotation = "c7n:matched-task-definitions",
                                 .permissions = {"ecs:DescribeTaskDefinition"}});
}

}  // namespace custos::resources
