// aws.s3's bucket-notification filter and delete-bucket-notification action over real HTTP
// against moto: the configurations are put and read back with the AWS CLI.
#include <gtest/gtest.h>

#include "integration/action_check.h"

namespace custos::test {
namespace {

constexpr const char* kUploads = "uploads";
constexpr const char* kReports = "reports";

class S3NotificationsTest : public ActionTest {
 protected:
  void SetUp() override {
    ActionTest::SetUp();
    for (const char* bucket : {kUploads, kReports})
      aws_cli({"s3api", "create-bucket", "--bucket", bucket});
    // Two functions and a queue on one bucket; the other bucket's one function is correct.
    notify(kUploads, R"({
      "LambdaFunctionConfigurations": [
        {"Id": "IncorrectLambda", "Events": ["s3:ObjectCreated:*"],
         "LambdaFunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:old"},
        {"Id": "Thumbnails", "Events": ["s3:ObjectCreated:Put"],
         "LambdaFunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:thumbs"}],
      "QueueConfigurations": [
        {"Id": "Audit", "Events": ["s3:ObjectRemoved:*"],
         "QueueArn": "arn:aws:sqs:us-east-1:123456789012:audit"}]})");
    notify(kReports, R"({"LambdaFunctionConfigurations": [
        {"Id": "Thumbnails", "Events": ["s3:ObjectCreated:Put"],
         "LambdaFunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:thumbs"}]})");
  }

  void notify(const std::string& bucket, const std::string& configuration) const {
    aws_cli({"s3api", "put-bucket-notification-configuration", "--bucket", bucket,
             "--notification-configuration", configuration});
  }

  // The Ids of the bucket's configurations, in order, kind by kind.
  Json ids(const std::string& bucket) const {
    Json answer = aws_cli({"s3api", "get-bucket-notification-configuration", "--bucket", bucket});
    Json all = Json::array();
    for (const char* list : {"LambdaFunctionConfigurations", "QueueConfigurations"})
      for (const Json& configuration : answer.value(list, Json::array()))
        all.push_back(configuration["Id"]);
    return all;
  }
};

// Cloud Custodian's delete-incorrect-notification, unchanged: only the bucket whose function is
// the wrong one matches, and only that configuration leaves it.
TEST_F(S3NotificationsTest, TheMatchedConfigurationIsRemovedAndTheOthersKept) {
  const std::string yaml = R"(policies:
  - name: delete-incorrect-notification
    resource: s3
    filters:
      - type: bucket-notification
        kind: lambda
        key: Id
        value: "IncorrectLambda"
        op: eq
    actions:
      - type: delete-bucket-notification
        statement_ids: matched
)";
  const Json before = ids(kUploads);
  ASSERT_EQ(before, Json::parse(R"(["IncorrectLambda", "Thumbnails", "Audit"])"));
  Json records = prove_remedy(
      yaml, "delete-incorrect-notification", [&] { return ids(kUploads); },
      "s3 PutBucketNotificationConfiguration");
  ASSERT_EQ(records.size(), 1u) << records.dump();
  EXPECT_EQ(records[0]["resource"], kUploads);
  EXPECT_EQ(records[0]["summary"], "removed the notification configuration(s) IncorrectLambda");
  EXPECT_EQ(ids(kUploads), Json::parse(R"(["Thumbnails", "Audit"])"));
  EXPECT_EQ(ids(kReports), Json::parse(R"(["Thumbnails"])"));
  expect_undo_restores(
      records, [&] { return ids(kUploads); }, before);
}

// Matched Ids of each kind are kept on the bucket; a listed Id goes whatever its kind.
TEST_F(S3NotificationsTest, KindsAreFilteredApartAndListedIdsGoWhateverTheirKind) {
  Json matched = matched_by(R"(policies:
  - name: queues
    resource: s3
    filters:
      - type: bucket-notification
        kind: sqs
        key: Events
        value: "s3:ObjectRemoved:*"
        op: contains
)",
                            "queues");
  ASSERT_EQ(matched.size(), 1u) << matched.dump();
  EXPECT_EQ(matched[0]["Name"], kUploads);
  EXPECT_EQ(matched[0]["c7n:MatchedNotificationConfigurationIds"], Json::parse(R"(["Audit"])"));
  EXPECT_TRUE(matched_by(R"(policies:
  - name: topics
    resource: s3
    filters:
      - {type: bucket-notification, kind: sns, key: Id, value: present}
)",
                         "topics")
                  .empty());

  run_policy(R"(policies:
  - name: listed
    resource: s3
    filters:
      - Name: uploads
    actions:
      - {type: delete-bucket-notification, statement_ids: [Audit, Thumbnails, NotThere]}
)");
  EXPECT_EQ(ids(kUploads), Json::parse(R"(["IncorrectLambda"])"));
  EXPECT_EQ(ids(kReports), Json::parse(R"(["Thumbnails"])"));
}

}  // namespace
}  // namespace custos::test
