// query-protocol services (SNS, SQS) through custos's client against moto, each result checked
// against botocore's parse of the same bytes (ServicesTest), and `custos call` against the CLI.
#include "integration/services_support.h"

namespace custos::test {
namespace {

class QueryServicesTest : public ServicesTest {};

TEST_F(QueryServicesTest, SnsTopicsSubscriptionsAndAttributes) {
  const std::string topic =
      call("sns", "CreateTopic",
           {{"Name", "alerts"}, {"Tags", {{{"Key", "team"}, {"Value", "secops"}}}}})["TopicArn"];
  call("sns", "CreateTopic", {{"Name", "audit"}, {"Attributes", {{"DisplayName", "Audit"}}}});
  call("sns", "Subscribe",
       {{"TopicArn", topic}, {"Protocol", "email"}, {"Endpoint", "oncall@example.com"}});
  call("sns", "SetTopicAttributes",
       {{"TopicArn", topic}, {"AttributeName", "DisplayName"}, {"AttributeValue", "Alerts & co"}});
  const Json attributes = call("sns", "GetTopicAttributes", {{"TopicArn", topic}});
  EXPECT_EQ(attributes["Attributes"]["DisplayName"], "Alerts & co");
  EXPECT_EQ(call("sns", "ListTopics")["Topics"].size(), 2u);
  const Json subscriptions = call("sns", "ListSubscriptionsByTopic", {{"TopicArn", topic}});
  EXPECT_EQ(subscriptions["Subscriptions"][0]["Endpoint"], "oncall@example.com");
  EXPECT_TRUE(
      call("sns", "Publish", {{"TopicArn", topic}, {"Message", "hi"}})["MessageId"].is_string());
  EXPECT_EQ(call("sns", "ListTagsForResource", {{"ResourceArn", topic}})["Tags"][0]["Value"],
            "secops");
  call("sns", "GetTopicAttributes", {{"TopicArn", "arn:aws:sns:us-east-1:123456789012:missing"}},
       true);
  EXPECT_EQ(normalized(custos_call("sns", "GetTopicAttributes", {{"TopicArn", topic}})),
            normalized(aws_cli({"sns", "get-topic-attributes", "--topic-arn", topic})));
  EXPECT_EQ(normalized(custos_call("sns", "ListTopics", Json::object(), {"--paginate"})),
            normalized(aws_cli({"sns", "list-topics"})));
}

TEST_F(QueryServicesTest, SqsQueuesMessagesAndAttributes) {
  const std::string url =
      call("sqs", "CreateQueue",
           {{"QueueName", "evidence"}, {"Attributes", {{"VisibilityTimeout", "45"}}}})["QueueUrl"];
  EXPECT_EQ(call("sqs", "GetQueueUrl", {{"QueueName", "evidence"}})["QueueUrl"], url);
  const Json attributes =
      call("sqs", "GetQueueAttributes", {{"QueueUrl", url}, {"AttributeNames", {"All"}}});
  EXPECT_EQ(attributes["Attributes"]["VisibilityTimeout"], "45");
  call("sqs", "SendMessage",
       {{"QueueUrl", url},
        {"MessageBody", "<finding id=\"1\"> & more"},
        {"MessageAttributes", {{"severity", {{"DataType", "Number"}, {"StringValue", "8"}}}}}});
  const Json received = call("sqs", "ReceiveMessage",
                             {{"QueueUrl", url},
                              {"MaxNumberOfMessages", 5},
                              {"MessageAttributeNames", {"All"}},
                              {"AttributeNames", {"All"}}});
  ASSERT_EQ(received["Messages"].size(), 1u);
  EXPECT_EQ(received["Messages"][0]["Body"], "<finding id=\"1\"> & more");
  EXPECT_EQ(received["Messages"][0]["MessageAttributes"]["severity"]["StringValue"], "8");
  EXPECT_EQ(call("sqs", "ListQueues")["QueueUrls"][0], url);
  call("sqs", "GetQueueUrl", {{"QueueName", "missing"}}, true);
  EXPECT_EQ(normalized(custos_call("sqs", "GetQueueAttributes",
                                   {{"QueueUrl", url}, {"AttributeNames", {"All"}}})),
            normalized(aws_cli(
                {"sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names", "All"})));
}

}  // namespace
}  // namespace custos::test
