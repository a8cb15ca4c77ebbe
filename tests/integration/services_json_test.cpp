// json-protocol services (KMS, Organizations, EventBridge, CloudTrail) through custos's client
// against moto, each result checked against botocore's parse of the same bytes (ServicesTest),
// and `custos call` against the AWS CLI.
#include <algorithm>

#include "aws/protocol_codec.h"
#include "integration/services_support.h"

namespace custos::test {
namespace {

class JsonServicesTest : public ServicesTest {};

TEST_F(JsonServicesTest, KmsKeyLifecycleAndBlobs) {
  const Json created = call("kms", "CreateKey",
                            {{"Description", "incident evidence"},
                             {"Tags", {{{"TagKey", "team"}, {"TagValue", "secops"}}}}});
  const std::string key = created["KeyMetadata"]["KeyId"];
  EXPECT_EQ(created["KeyMetadata"]["Enabled"], true);
  call("kms", "DisableKey", {{"KeyId", key}});
  const Json described = call("kms", "DescribeKey", {{"KeyId", key}});
  EXPECT_EQ(described["KeyMetadata"]["KeyState"], "Disabled");
  EXPECT_TRUE(described["KeyMetadata"]["CreationDate"].is_string());
  call("kms", "EnableKey", {{"KeyId", key}});
  const Json sealed = call("kms", "Encrypt", {{"KeyId", key}, {"Plaintext", "top secret"}});
  // Blobs come back base64 (as the CLI prints them) and go in as bytes (as boto3 takes them).
  const std::string ciphertext =
      aws::codec::base64_decode(sealed["CiphertextBlob"].get<std::string>());
  const Json opened = call("kms", "Decrypt", {{"CiphertextBlob", ciphertext}});
  EXPECT_EQ(opened["Plaintext"], "dG9wIHNlY3JldA==");  // base64 of the bytes, as boto3 prints
  const Json missing = call("kms", "DescribeKey", {{"KeyId", "alias/none"}}, true);
  EXPECT_EQ(missing["Error"]["Code"], "NotFoundException");
}

TEST_F(JsonServicesTest, KmsListKeysMatchesTheCli) {
  for (int i = 0; i < 3; ++i) call("kms", "CreateKey");
  const Json first = call("kms", "ListKeys", {{"Limit", 2}});  // moto ignores the limit
  EXPECT_EQ(first["Keys"].size(), 3u);
  EXPECT_EQ(first["Truncated"], false);
  EXPECT_EQ(normalized(custos_call("kms", "ListKeys", Json::object(), {"--paginate"})),
            normalized(aws_cli({"kms", "list-keys"})));
  const std::string key = first["Keys"][0]["KeyId"];
  EXPECT_EQ(normalized(custos_call("kms", "DescribeKey", {{"KeyId", key}})),
            normalized(aws_cli({"kms", "describe-key", "--key-id", key})));
}

TEST_F(JsonServicesTest, OrganizationsUnitsAccountsAndPolicies) {
  call("organizations", "CreateOrganization", {{"FeatureSet", "ALL"}});
  const std::string root = call("organizations", "ListRoots")["Roots"][0]["Id"];
  const Json unit = call("organizations", "CreateOrganizationalUnit",
                         {{"ParentId", root}, {"Name", "quarantine"}});
  const std::string unit_id = unit["OrganizationalUnit"]["Id"];
  const Json status = call("organizations", "CreateAccount",
                           {{"Email", "suspect@example.com"}, {"AccountName", "suspect"}});
  const std::string account = status["CreateAccountStatus"]["AccountId"];
  call("organizations", "MoveAccount",
       {{"AccountId", account}, {"SourceParentId", root}, {"DestinationParentId", unit_id}});
  const Json children = call("organizations", "ListAccountsForParent", {{"ParentId", unit_id}});
  ASSERT_EQ(children["Accounts"].size(), 1u);
  EXPECT_EQ(children["Accounts"][0]["Id"], account);
  const Json policy = call(
      "organizations", "CreatePolicy",
      {{"Name", "deny-all"},
       {"Description", "isolate"},
       {"Type", "SERVICE_CONTROL_POLICY"},
       {"Content",
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]})"}});
  const std::string policy_id = policy["Policy"]["PolicySummary"]["Id"];
  call("organizations", "AttachPolicy", {{"PolicyId", policy_id}, {"TargetId", unit_id}});
  const Json attached = call("organizations", "ListPoliciesForTarget",
                             {{"TargetId", unit_id}, {"Filter", "SERVICE_CONTROL_POLICY"}});
  std::vector<std::string> attached_ids;
  for (const auto& item : attached["Policies"]) attached_ids.push_back(item["Id"]);
  EXPECT_NE(std::find(attached_ids.begin(), attached_ids.end(), policy_id), attached_ids.end());
  const Json accounts = call("organizations", "ListAccounts");
  EXPECT_EQ(accounts["Accounts"].size(), 2u);  // the management account and the new one
  EXPECT_EQ(
      normalized(custos_call("organizations", "ListAccounts", Json::object(), {"--paginate"})),
      normalized(aws_cli({"organizations", "list-accounts"})));
}

TEST_F(JsonServicesTest, EventBridgeRulesAndTargets) {
  const Json rule = call("events", "PutRule",
                         {{"Name", "guardduty-findings"},
                          {"EventPattern", R"({"source":["aws.guardduty"]})"},
                          {"State", "ENABLED"}});
  EXPECT_TRUE(rule["RuleArn"].is_string());
  call("events", "PutRule", {{"Name", "nightly"}, {"ScheduleExpression", "rate(1 day)"}});
  const Json targets =
      call("events", "PutTargets",
           {{"Rule", "guardduty-findings"},
            {"Targets",
             {{{"Id", "responder"},
               {"Arn", "arn:aws:lambda:us-east-1:123456789012:function:respond"}}}}});
  EXPECT_EQ(targets["FailedEntryCount"], 0);
  const Json rules = call("events", "ListRules", {{"NamePrefix", "guard"}});
  ASSERT_EQ(rules["Rules"].size(), 1u);
  EXPECT_EQ(
      call("events", "ListTargetsByRule", {{"Rule", "guardduty-findings"}})["Targets"][0]["Id"],
      "responder");
  call("events", "DescribeRule", {{"Name", "nowhere"}}, true);
  EXPECT_EQ(normalized(custos_call("events", "ListRules")),
            normalized(aws_cli({"events", "list-rules"})));
}

TEST_F(JsonServicesTest, CloudTrailTrailAndStatus) {
  call("s3", "CreateBucket", {{"Bucket", "trail-logs"}});
  const Json trail =
      call("cloudtrail", "CreateTrail",
           {{"Name", "org-trail"}, {"S3BucketName", "trail-logs"}, {"IsMultiRegionTrail", true}});
  EXPECT_EQ(trail["Name"], "org-trail");
  call("cloudtrail", "StartLogging", {{"Name", "org-trail"}});
  const Json status = call("cloudtrail", "GetTrailStatus", {{"Name", "org-trail"}});
  EXPECT_EQ(status["IsLogging"], true);
  EXPECT_TRUE(status["StartLoggingTime"].is_string());
  const Json trails = call("cloudtrail", "DescribeTrails", {{"trailNameList", {"org-trail"}}});
  ASSERT_EQ(trails["trailList"].size(), 1u);
  EXPECT_EQ(trails["trailList"][0]["IsMultiRegionTrail"], true);
  call("cloudtrail", "GetTrailStatus", {{"Name", "missing"}}, true);
  // (GetTrailStatus's delivery times move on between two calls to moto.)
  EXPECT_EQ(normalized(custos_call("cloudtrail", "DescribeTrails")),
            normalized(aws_cli({"cloudtrail", "describe-trails"})));
}

}  // namespace
}  // namespace custos::test
