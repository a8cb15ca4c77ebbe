// Messaging and streaming: SNS topics and subscriptions, SQS queues, Kinesis streams, Kinesis
// Video streams and Firehose delivery streams, each listed by name or ARN and completed with
// its attributes.
#include "resources/services.h"
#include "resources/type_table.h"

namespace custos::resources {
namespace {

using policy::ResourceType;
using Lookup = ResourceType::Lookup;
using Tagging = ResourceType::Tagging;

}  // namespace

void register_messaging(policy::Registry& registry) {
  add_type(
      registry,
      {
          .name = "aws.sns",
          .aliases = {"sns"},
          .service = "sns",
          .enumerate_operation = "ListTopics",
          .result_path = "Topics[]",
          .details = {{.operation = "GetTopicAttributes",
                       .params = {{"TopicArn", "TopicArn"}},
                       .select = "Attributes",
                       .required = true},
                      {.operation = "ListTagsForResource",
                       .params = {{"ResourceArn", "TopicArn"}},
                       .select = "Tags",
                       .key = "Tags"}},
          .lookup = Lookup::kFromId,
          .id_field = "TopicArn",
          .name_field = "DisplayName",
          .arn_field = "TopicArn",
          .tagging = {.api = Tagging::Api::kPerResource,
                      .tag_operation = "TagResource",
                      .untag_operation = "UntagResource",
                      .id_param = "ResourceArn"},
          .access =
              ResourceType::Access{
                  .policy = "Policy",
                  .condition_keys = {"sns:endpoint", "sns:protocol"},
                  .options = {"whitelist_endpoints", "whitelist_endpoints_from",
                              "whitelist_protocols", "whitelist_protocols_from"},
                  .write = ResourceType::Access::Write{.params = {{"TopicArn", "TopicArn"},
                                                                  {"AttributeName", "'Policy'"}},
                                                       .operation = "SetTopicAttributes",
                                                       .text_param = "AttributeValue"}},
          .actions = {{.operation = "DeleteTopic",
                       .params = {{"TopicArn", "TopicArn"}},
                       .gone_codes = {"NotFound", "NotFoundException"}},
                      // Cloud Custodian's set-encryption: a KMS key (AWS's own by default), or
                      // none when enabled is false.
                      {.name = "set-encryption",
                       .operation = "SetTopicAttributes",
                       .params = {{"TopicArn", "TopicArn"}, {"AttributeName", "'KmsMasterKeyId'"}},
                       .options = {{.name = "key",
                                    .param = "AttributeValue",
                                    .default_value = "alias/aws/sns",
                                    .current = "KmsMasterKeyId || ''"},
                                   {.name = "enabled",
                                    .if_false = {{"AttributeValue", "''"}},
                                    .default_value = true}}}},
      });
  add_type(registry,
           {
               .name = "aws.sqs",
               .aliases = {"sqs"},
               .service = "sqs",
               .enumerate_operation = "ListQueues",
               .result_path = "QueueUrls[].{QueueUrl: @}",
               .details = {{.operation = "GetQueueAttributes",
                            .params = {{"QueueUrl", "QueueUrl"}, {"AttributeNames", "`[\"All\"]`"}},
                            .select = "Attributes",
                            .absent_codes = {"AWS.SimpleQueueService.NonExistentQueue",
                                             "QueueDoesNotExist"},
                            .required = true},
                           {.operation = "ListQueueTags",
                            .params = {{"QueueUrl", "QueueUrl"}},
                            .select = "Tags || `{}`",
                            .key = "c7n:TagMap"}},
               .tags_map = "c7n:TagMap",
               .lookup = Lookup::kEnumerate,
               .id_field = "QueueUrl",
               .date_field = "CreatedTimestamp",
               .arn_field = "QueueArn",
               .tagging = {.api = Tagging::Api::kResourceGroups},
               .access =
                   ResourceType::Access{
                       .policy = "Policy",
                       .write = ResourceType::Access::Write{.params = {{"QueueUrl", "QueueUrl"}},
                                                            .operation = "SetQueueAttributes",
                                                            .text_param = "Attributes.Policy",
                                                            .remove_operation = "RemovePermission",
                                                            .sid_param = "Label"}},
               .actions = {ResourceType::CallAction{
                               .operation = "DeleteQueue",
                               .params = {{"QueueUrl", "QueueUrl"}},
                               .gone_codes = {"AWS.SimpleQueueService.NonExistentQueue",
                                              "QueueDoesNotExist"}},
                           {.name = "set-retention-period",
                            .operation = "SetQueueAttributes",
                            .params = {{"QueueUrl", "QueueUrl"}},
                            .options = {{.name = "period",
                                         .param = "Attributes",
                                         .transform = "{MessageRetentionPeriod: to_string(@)}",
                                         .default_value = 345600,
                                         .current = "{MessageRetentionPeriod: "
                                                    "MessageRetentionPeriod}"}}}},
           });
  add_type(
      registry,
      {
          .name = "aws.kinesis",
          .aliases = {"kinesis"},
          .service = "kinesis",
          .enumerate_operation = "ListStreams",
          .result_path = "StreamNames[].{StreamName: @}",
          .details = {{.operation = "DescribeStream",
                       .params = {{"StreamName", "StreamName"}},
                       .select = "StreamDescription",
                       .required = true},
                      {.operation = "ListTagsForStream",
                       .params = {{"StreamName", "StreamName"}},
                       .select = "Tags",
                       .key = "Tags"}},
          .lookup = Lookup::kFromId,
          .id_field = "StreamName",
          .arn_field = "StreamARN",
          .tagging = {.api = Tagging::Api::kResourceGroups},
          .actions = {ResourceType::CallAction{
              .operation = "DeleteStream",
              .params = {{"StreamName", "StreamName"}},
              .options = {{.name = "force", .if_true = {{"EnforceConsumerDeletion", "`true`"}}}},
              .when = "StreamStatus == 'ACTIVE'",
              .gone_codes = {"ResourceNotFoundException"}}},
      });
  add_type(registry, {
                         .name = "aws.firehose",
                         .aliases = {"firehose"},
                         .service = "firehose",
                         .enumerate_operation = "ListDeliveryStreams",
                         .result_path = "DeliveryStreamNames[].{DeliveryStreamName: @}",
                         .details = {{.operation = "DescribeDeliveryStream",
                                      .params = {{"DeliveryStreamName", "DeliveryStreamName"}},
                                      .select = "DeliveryStreamDescription",
                                      .required = true},
                                     {.operation = "ListTagsForDeliveryStream",
                                      .params = {{"DeliveryStreamName", "DeliveryStreamName"}},
                                      .select = "Tags",
                                      .key = "Tags"}},
                         .lookup = Lookup::kFromId,
                         .id_field = "DeliveryStreamName",
                         .date_field = "CreateTimestamp",
                         .arn_field = "DeliveryStreamARN",
                         .tagging = {.api = Tagging::Api::kResourceGroups},
                     });
  add_type(registry,
           {
               .name = "aws.sns-subscription",
               .aliases = {"sns-subscription"},
               .service = "sns",
               .enumerate_operation = "ListSubscriptions",
               .result_path = "Subscriptions[]",
               .lookup = Lookup::kEnumerate,
               .id_field = "SubscriptionArn",
               .arn_field = "SubscriptionArn",
               .report_fields = {"SubscriptionArn", "Owner", "Protocol", "Endpoint", "TopicArn"},
               // As Cloud Custodian: a subscription still pending has no ARN to unsubscribe.
               .actions = {{.operation = "Unsubscribe",
                            .params = {{"SubscriptionArn", "SubscriptionArn"}},
                            .when = "SubscriptionArn != 'PendingConfirmation'",
                            .gone_codes = {"NotFound", "NotFoundException"}}},
           },
           false);
  add_type(registry, {
                         .name = "aws.kinesis-video",
                         .aliases = {"kinesis-video"},
                         .service = "kinesisvideo",
                         .enumerate_operation = "ListStreams",
                         .result_path = "StreamInfoList[]",
                         .details = {{.operation = "ListTagsForStream",
                                      .params = {{"StreamARN", "StreamARN"}},
                                      .select = "Tags || `{}`",
                                      .key = "c7n:TagMap"}},
                         .tags_map = "c7n:TagMap",
                         .lookup = Lookup::kEnumerate,
                         .id_field = "StreamName",
                         .date_field = "CreationTime",
                         .arn_field = "StreamARN",
                         .tagging = {.api = Tagging::Api::kResourceGroups},
                         .dimension = "StreamName",
                         .actions = {{.operation = "DeleteStream",
                                      .params = {{"StreamARN", "StreamARN"}},
                                      .when = "Status == 'ACTIVE'",
                                      .gone_codes = {"ResourceNotFoundException"}}},
                     });
}

}  // namespace custos::resources
