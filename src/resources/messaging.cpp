// Messaging and streaming: SNS topics and subscriptions, SQS queues, Kinesis streams, Kinesis
// Video streams and Firehose delivery streams, each listed by name or ARN and completed with
// its attributes, Kinesis Data Analytics v2 applications and EventBridge buses; sqs's
// set-encryption.
#include <regex>

#include "aws/client.h"
#include "policy/action.h"
#include "policy/spec.h"
#include "resources/services.h"
#include "resources/type_table.h"

namespace custos::resources {
namespace {

using policy::ResourceType;
using Lookup = ResourceType::Lookup;
using Tagging = ResourceType::Tagging;

// set-encryption on sqs (c7n's SetEncryption): SSE-KMS with `key` (a name without alias/ gets
// it, as c7n does for compatibility; an id or ARN is used as it is) and its data-key reuse period
// (`reuse-period`, 300 s by default), SSE-SQS without a key, none with `enabled: false`.
class SetQueueEncryption : public policy::PerResourceAction {
 public:
  explicit SetQueueEncryption(const policy::Spec& spec) : PerResourceAction("set-encryption") {
    std::string key = spec.optional_string("key");
    static const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    if (!key.empty() && !key.starts_with("alias") && !key.starts_with("arn:") &&
        !std::regex_search(key, uuid))
      key = "alias/" + key;
    long long reuse = 300;
    if (spec.has("reuse-period")) {
      const Json& value = spec.child("reuse-period").value();
      if (!value.is_number_integer() || value.get<long long>() < 60 ||
          value.get<long long>() > 86400)
        spec.child("reuse-period").fail("'reuse-period' is whole seconds from 60 to 86400");
      reuse = value.get<long long>();
    }
    if (!spec.optional_bool("enabled", true))
      wanted_ = {{"SqsManagedSseEnabled", "false"}, {"KmsMasterKeyId", ""}};
    else if (key.empty())
      wanted_ = {{"SqsManagedSseEnabled", "true"}, {"KmsMasterKeyId", ""}};
    else
      wanted_ = {{"SqsManagedSseEnabled", "false"},
                 {"KmsMasterKeyId", key},
                 {"KmsDataKeyReusePeriodSeconds", std::to_string(reuse)}};
  }

 private:
  policy::ActionRecord apply(const Json& queue, policy::ActionContext& context) const override {
    const std::string url = queue.value("QueueUrl", "");
    Json before = Json::object();  // what the queue had: the undo's attributes
    bool same = true;
    for (const auto& [attribute, value] : wanted_.items()) {
      Json now = queue.value(attribute, Json());
      std::string text = now.is_string() ? now.get<std::string>() : now.is_null() ? "" : now.dump();
      same = same && text == value.get<std::string>();
      // An absent key is none (""); an absent reuse period is not sent back.
      if (!now.is_null() || attribute == "KmsMasterKeyId") before[attribute] = text;
    }
    if (same)
      return policy::ActionRecord::unchanged(name(), context.id_of(queue),
                                             url + " is already encrypted so");
    const aws::Client& client = context.client_for(queue);
    client.call("sqs", "SetQueueAttributes", {{"QueueUrl", url}, {"Attributes", wanted_}});
    policy::ActionRecord record{name(), context.id_of(queue)};
    record.before = before;
    record.after = wanted_;
    const std::string& region = client.session().region();
    record.undo = Json::array({policy::undo_call(
        "sqs", "SetQueueAttributes", {{"QueueUrl", url}, {"Attributes", before}}, region)});
    record.check = policy::check_call(
        "sqs", "GetQueueAttributes",
        {{"QueueUrl", url},
         {"AttributeNames", Json::array({"KmsMasterKeyId", "SqsManagedSseEnabled"})}},
        "(Attributes.KmsMasterKeyId || '') == " +
            policy::jmespath_literal(wanted_["KmsMasterKeyId"]) +
            " && Attributes.SqsManagedSseEnabled == " +
            policy::jmespath_literal(wanted_["SqsManagedSseEnabled"]),
        region);
    const std::string key = wanted_["KmsMasterKeyId"];
    record.summary = url + (key.empty() ? wanted_["SqsManagedSseEnabled"] == "true"
                                              ? " encrypted with SQS's own keys"
                                              : " no longer encrypted"
                                        : " encrypted with " + key);
    return record;
  }

  Json wanted_;
};

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
                         .metric_dimensions = {{"StreamName", "StreamName"}},
                         .actions = {{.operation = "DeleteStream",
                                      .params = {{"StreamARN", "StreamARN"}},
                                      .when = "Status == 'ACTIVE'",
                                      .gone_codes = {"ResourceNotFoundException"}}},
                     });
  // Kinesis Data Analytics (v2) applications, completed by DescribeApplication.
  add_type(registry,
           {
               .name = "aws.kinesis-analyticsv2",
               .aliases = {"kinesis-analyticsv2"},
               .service = "kinesisanalyticsv2",
               .enumerate_operation = "ListApplications",
               .result_path = "ApplicationSummaries[]",
               .details = {{.operation = "DescribeApplication",
                            .params = {{"ApplicationName", "ApplicationName"}},
                            .select = "ApplicationDetail",
                            .absent_codes = {"ResourceNotFoundException"},
                            .required = true},
                           tags_by_arn("ApplicationARN")},
               .permissions = {"kinesisanalytics:ListApplications",
                               "kinesisanalytics:DescribeApplication", "tag:GetResources"},
               .lookup = Lookup::kEnumerate,
               .id_field = "ApplicationARN",
               .name_field = "ApplicationName",
               .arn_field = "ApplicationARN",
               .tagging = {.api = Tagging::Api::kResourceGroups},
           });
  // EventBridge event buses (the default one too), their tags from ListTagsForResource.
  add_type(registry, {
                         .name = "aws.event-bus",
                         .aliases = {"event-bus"},
                         .service = "events",
                         .enumerate_operation = "ListEventBuses",
                         .result_path = "EventBuses[]",
                         .details = {{.operation = "ListTagsForResource",
                                      .params = {{"ResourceARN", "Arn"}},
                                      .select = "Tags",
                                      .key = "Tags"}},
                         .lookup = Lookup::kEnumerate,
                         .id_field = "Name",
                         .arn_field = "Arn",
                         .tagging = {.api = Tagging::Api::kResourceGroups},
                     });
  registry.add_action("aws.sqs", "set-encryption",
                      policy::action_info<SetQueueEncryption>(
                          {"key", "enabled", "reuse-period"}, {"sqs:SetQueueAttributes"},
                          "Encrypt with a KMS `key` (alias name, id or ARN), with SQS's own keys "
                          "without one, or not at all (enabled: false)"));
}

}  // namespace custos::resources
