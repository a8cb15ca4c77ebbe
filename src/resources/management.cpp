// Management and storage services: CloudWatch log groups, CloudFormation stacks, Secrets
// Manager secrets, EFS file systems and Step Functions state machines.
#include "resources/services.h"
#include "resources/type_table.h"

namespace custos::resources {
namespace {

using policy::ResourceType;
using Lookup = ResourceType::Lookup;
using Tagging = ResourceType::Tagging;

}  // namespace

void register_management(policy::Registry& registry) {
  add_type(registry,
           {
               .name = "aws.log-group",
               .aliases = {"log-group"},
               .service = "logs",
               .enumerate_operation = "DescribeLogGroups",
               .result_path = "logGroups[]",
               .details = {{.operation = "ListTagsLogGroup",
                            .params = {{"logGroupName", "logGroupName"}},
                            .select = "tags || `{}`",
                            .key = "c7n:TagMap"}},
               .tags_map = "c7n:TagMap",
               .lookup = Lookup::kEnumerate,
               .id_field = "logGroupName",
               .date_field = "creationTime",
               // DescribeLogGroups's arn ends in ":*"; the tagging API names the group without it.
               .arn_format = "arn:{partition}:logs:{region}:{account_id}:log-group:{id}",
               .tagging = {.api = Tagging::Api::kResourceGroups},
               .actions = {{.name = "retention",
                            .operation = "PutRetentionPolicy",
                            .params = {{"logGroupName", "logGroupName"}},
                            .options = {{.name = "days",
                                         .param = "retentionInDays",
                                         .required = true,
                                         .current = "retentionInDays"}}}},
           });
  add_type(registry,
           {
               .name = "aws.cfn",
               .aliases = {"cfn"},
               .service = "cloudformation",
               .enumerate_operation = "DescribeStacks",
               .result_path = "Stacks[]",
               .lookup = Lookup::kEnumerate,
               .id_field = "StackName",
               .date_field = "CreationTime",
               .arn_field = "StackId",
               // Stacks are tagged through UpdateStack, which Cloud Custodian's
               // tag actions drive with the stack's template: not supported here.
               .actions = {{.operation = "DeleteStack", .params = {{"StackName", "StackName"}}},
                           {.name = "set-protection",
                            .operation = "UpdateTerminationProtection",
                            .params = {{"StackName", "StackName"}},
                            .options = {setting("state", "EnableTerminationProtection", false)}}},
           },
           false);
  add_type(registry, {
                         .name = "aws.secrets-manager",
                         .aliases = {"secrets-manager"},
                         .service = "secretsmanager",
                         .enumerate_operation = "ListSecrets",
                         .result_path = "SecretList[]",
                         .lookup = Lookup::kEnumerate,
                         .id_field = "Name",
                         .arn_field = "ARN",
                         .tagging = {.api = Tagging::Api::kPerResource,
                                     .tag_operation = "TagResource",
                                     .untag_operation = "UntagResource",
                                     .id_param = "SecretId",
                                     .id_member = "ARN"},
                     });
  add_type(registry, {
                         .name = "aws.efs",
                         .aliases = {"efs"},
                         .service = "efs",
                         .enumerate_operation = "DescribeFileSystems",
                         .result_path = "FileSystems[]",
                         .lookup = Lookup::kEnumerate,
                         .id_field = "FileSystemId",
                         .name_field = "Name",
                         .date_field = "CreationTime",
                         .arn_field = "FileSystemArn",
                         .tagging = {.api = Tagging::Api::kPerResource,
                                     .tag_operation = "TagResource",
                                     .untag_operation = "UntagResource",
                                     .id_param = "ResourceId"},
                     });
  add_type(registry, {
                         .name = "aws.step-machine",
                         .aliases = {"step-machine"},
                         .service = "stepfunctions",
                         .enumerate_operation = "ListStateMachines",
                         .result_path = "stateMachines[]",
                         .details = {{.operation = "DescribeStateMachine",
                                      .params = {{"stateMachineArn", "stateMachineArn"}},
                                      .required = true},
                                     {.operation = "ListTagsForResource",
                                      .params = {{"resourceArn", "stateMachineArn"}},
                                      .select = "tags[].{Key: key, Value: value}",
                                      .key = "Tags"}},
                         .lookup = Lookup::kEnumerate,
                         .id_field = "stateMachineArn",
                         .name_field = "name",
                         .date_field = "creationDate",
                         .arn_field = "stateMachineArn",
                         .tagging = {.api = Tagging::Api::kResourceGroups},
                     });
}

}  // namespace custos::resources
