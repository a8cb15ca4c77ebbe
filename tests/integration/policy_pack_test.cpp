// The incident-response policy pack (policies/incident-response/) as shipped: it validates, its
// least-privilege IAM document covers the calls it makes, and each policy run on moto against
// the event it reacts to leaves the end state its comment promises (read back with the AWS CLI).
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "integration/findings.h"
#include "integration/fixture.h"
#include "integration/permissions.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class PolicyPackTest : public IntegrationTest {
 protected:
  static std::string pack(const std::string& file) {
    return source_path("policies/incident-response/" + file);
  }
  // Runs the pack's `file` on `event` (dry first); returns what the dry run printed.
  std::string respond(const std::string& file, const Json& event) {
    write("event.json", event.dump());
    ProcessResult dry = custos({"run", "--dryrun", "--no-journal", "-s", path("dry"), "--event",
                                path("event.json"), pack(file)});
    EXPECT_EQ(dry.exit_code, 0) << dry.out << dry.err;
    ProcessResult acted = custos(
        {"run", "--no-journal", "-s", path("out"), "--event", path("event.json"), pack(file)});
    EXPECT_EQ(acted.exit_code, 0) << acted.out << acted.err;
    EXPECT_EQ(acted.out.find("NOT VERIFIED"), std::string::npos) << acted.out;
    calls_ += dry.out;
    return dry.out;
  }
  // Every "would call SERVICE Operation" the dry runs printed is allowed by the pack's
  // permissions.
  void expect_permissions_cover_calls() const {
    ProcessResult schema =
        custos({"schema", "--permissions", source_path("policies/incident-response")});
    ASSERT_EQ(schema.exit_code, 0) << schema.err;
    std::set<std::string> allowed = allowed_actions(schema.out);
    std::regex call(R"(would call (\w+) (\w+))");
    std::size_t checked = 0;
    for (std::sregex_iterator it(calls_.begin(), calls_.end(), call), end; it != end; ++it) {
      std::string action = iam_action((*it)[1].str(), (*it)[2].str());
      EXPECT_TRUE(allowed.count(action)) << action << " is not in the pack's permissions";
      ++checked;
    }
    EXPECT_GT(checked, 0u);
  }
  std::string make_queue(const std::string& name) const {
    return aws_cli({"sqs", "create-queue", "--queue-name", name})["QueueUrl"];
  }
  std::string calls_;
};

TEST_F(PolicyPackTest, ValidatesAsShipped) {
  ProcessResult result = custos({"validate", source_path("policies/incident-response")});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("ec2-compromised.yml: 1 valid policy"), std::string::npos)
      << result.out;
}

TEST_F(PolicyPackTest, CloudTrailStoppedRestartsThatTrailAndTellsTheTeam) {
  std::string queue = make_queue("custos-alerts");
  aws_cli({"s3api", "create-bucket", "--bucket", "custos-trail-logs"});
  std::string arn = aws_cli({"cloudtrail", "create-trail", "--name", "audit", "--s3-bucket-name",
                             "custos-trail-logs"})["TrailARN"];
  respond("cloudtrail-stopped.yml",
          cloudtrail_call("cloudtrail.amazonaws.com", "StopLogging", {{"name", arn}}));
  EXPECT_TRUE(aws_cli({"cloudtrail", "get-trail-status", "--name", "audit"})["IsLogging"]);
  Json messages = aws_cli({"sqs", "receive-message", "--queue-url", queue})["Messages"];
  EXPECT_EQ(messages.size(), 1u);
  expect_permissions_cover_calls();
}

TEST_F(PolicyPackTest, S3ExposureBlocksPublicAccessOnTheNamedBucket) {
  aws_cli({"s3api", "create-bucket", "--bucket", "exposed"});
  aws_cli({"s3api", "create-bucket", "--bucket", "bystander"});
  respond("s3-exposure.yml", bucket_finding("exposed"));
  Json block = aws_cli({"s3api", "get-public-access-block", "--bucket", "exposed"});
  EXPECT_EQ(block["PublicAccessBlockConfiguration"], Json({{"BlockPublicAcls", true},
                                                           {"IgnorePublicAcls", true},
                                                           {"BlockPublicPolicy", true},
                                                           {"RestrictPublicBuckets", true}}));
  Json tags = aws_cli({"s3api", "get-bucket-tagging", "--bucket", "exposed"})["TagSet"];
  EXPECT_EQ(tags, Json::parse(R"([{"Key": "custos-incident", "Value": "s3-exposed"}])"));
  expect_permissions_cover_calls();
}

TEST_F(PolicyPackTest, RootSignInTellsTheTeam) {
  std::string queue = make_queue("custos-alerts");
  Json event = Json::parse(
      read_file(data_path("events/aws-docs-cwe-guide_root-console-sign-in_aws.signin.json")));
  respond("root-sign-in.yml", event);
  Json messages = aws_cli({"sqs", "receive-message", "--queue-url", queue})["Messages"];
  EXPECT_EQ(messages.size(), 1u);
  // An IAM user's sign-in is not the root's: nothing more is sent.
  event["detail"]["userIdentity"]["type"] = "IAMUser";
  event["id"] = "a-second-sign-in";
  event["detail"]["eventID"] = "a-second-sign-in";
  respond("root-sign-in.yml", event);
  Json attributes = aws_cli({"sqs", "get-queue-attributes", "--queue-url", queue,
                             "--attribute-names", "All"})["Attributes"];
  EXPECT_EQ(attributes["ApproximateNumberOfMessagesNotVisible"], "1");
  EXPECT_EQ(attributes["ApproximateNumberOfMessages"], "0");
  expect_permissions_cover_calls();
}

TEST_F(PolicyPackTest, KmsKeyWhosePolicyChangedIsDisabled) {
  std::string key = aws_cli({"kms", "create-key"})["KeyMetadata"]["KeyId"];
  respond("kms-key-compromised.yml", cloudtrail_call("kms.amazonaws.com", "PutKeyPolicy",
                                                     {{"keyId", key}, {"policyName", "default"}}));
  Json metadata = aws_cli({"kms", "describe-key", "--key-id", key})["KeyMetadata"];
  EXPECT_EQ(metadata["KeyState"], "Disabled");
  expect_permissions_cover_calls();
}

TEST_F(PolicyPackTest, AnIamUsersLeakedKeyIsDisabledAndOlderSessionsRevoked) {
  aws_cli({"iam", "create-user", "--user-name", "alice"});
  // AWS provides AWSDenyAll; moto 5.2.1 has it only when loading managed policies.
  aws_cli({"iam", "create-policy", "--policy-name", "AWSDenyAll", "--path", "/",
           "--policy-document", R"({"Version": "2012-10-17", "Statement": [{"Effect": "Deny",
           "Action": "*", "Resource": "*"}]})"});
  std::string stolen =
      aws_cli({"iam", "create-access-key", "--user-name", "alice"})["AccessKey"]["AccessKeyId"];
  aws_cli({"iam", "create-access-key", "--user-name", "alice"});  // the user's other key
  write("event.json", access_key_finding("alice", stolen).dump());
  // The pack names arn:aws:iam::aws:policy/AWSDenyAll; moto's copy lives in the account.
  std::string text = read_file(pack("credential-compromised.yml"));
  text = std::regex_replace(text, std::regex("arn:aws:iam::aws:policy/AWSDenyAll"),
                            "arn:aws:iam::123456789012:policy/AWSDenyAll");
  write("pack.yml", text);
  ProcessResult acted = custos(
      {"run", "--no-journal", "-s", path("out"), "--event", path("event.json"), path("pack.yml")});
  EXPECT_EQ(acted.exit_code, 0) << acted.out << acted.err;
  Json keys = aws_cli({"iam", "list-access-keys", "--user-name", "alice"})["AccessKeyMetadata"];
  for (const Json& key : keys)
    EXPECT_EQ(key["Status"], key["AccessKeyId"] == stolen ? "Inactive" : "Active") << key;
  Json attached =
      aws_cli({"iam", "list-attached-user-policies", "--user-name", "alice"})["AttachedPolicies"];
  ASSERT_EQ(attached.size(), 1u);
  EXPECT_EQ(attached[0]["PolicyName"], "AWSDenyAll");
  Json inline_policies = aws_cli({"iam", "list-user-policies", "--user-name", "alice"});
  EXPECT_EQ(inline_policies["PolicyNames"], Json({"custos-revoke-older-sessions"}));
}

}  // namespace
}  // namespace custos::test
