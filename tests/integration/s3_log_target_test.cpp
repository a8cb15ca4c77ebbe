// is-log-target on aws.s3 and the invoke-sfn action every type has, over real HTTP against
// moto: buckets that other buckets, a classic load balancer and a trail log to, with self, value
// and services; Cloud Custodian's two examples unchanged (the second starts one Step Functions
// execution with the log buckets' ARNs, read back with the AWS CLI).
#include <gtest/gtest.h>

#include <algorithm>

#include "integration/action_check.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class S3LogTargetTest : public ActionTest {
 protected:
  void SetUp() override {
    ActionTest::SetUp();
    for (const char* bucket :
         {"access-logs", "selfie", "trail-logs", "elb-logs", "cf-templates-abc", "plain", "app"})
      aws_cli({"s3api", "create-bucket", "--bucket", bucket, "--acl", "log-delivery-write"});
    log_to("app", "access-logs");
    log_to("selfie", "selfie");
    aws_cli({"cloudtrail", "create-trail", "--name", "main", "--s3-bucket-name", "trail-logs"});
    aws_cli({"elb", "create-load-balancer", "--load-balancer-name", "web", "--listeners",
             "Protocol=HTTP,LoadBalancerPort=80,InstancePort=80", "--availability-zones",
             "us-east-1a"});
    aws_cli(
        {"elb", "modify-load-balancer-attributes", "--load-balancer-name", "web",
         "--load-balancer-attributes",
         R"({"AccessLog": {"Enabled": true, "S3BucketName": "elb-logs", "EmitInterval": 60}})"});
  }
  void log_to(const std::string& bucket, const std::string& target) const {
    aws_cli({"s3api", "put-bucket-logging", "--bucket", bucket, "--bucket-logging-status",
             R"({"LoggingEnabled": {"TargetBucket": ")" + target + R"(", "TargetPrefix": "x/"}})"});
  }
  // The names of the buckets `options` (a flow mapping's members) keeps, sorted.
  std::vector<std::string> targets(const std::string& options) const {
    std::string yaml =
        "policies:\n  - name: p\n    resource: aws.s3\n    filters:\n"
        "      - {type: is-log-target" +
        options + "}\n";
    std::vector<std::string> names;
    for (const Json& bucket : matched_by(yaml, "p")) names.push_back(bucket["Name"]);
    std::sort(names.begin(), names.end());
    return names;
  }
};

using Names = std::vector<std::string>;

TEST_F(S3LogTargetTest, FindsWhatBucketsLoadBalancersAndTrailsLogTo) {
  const std::string example = read_file(data_path("policies/c7n/s3/s3-log-bucket.yml"));
  std::vector<std::string> found;
  for (const Json& bucket : matched_by(example, "s3-log-bucket")) found.push_back(bucket["Name"]);
  std::sort(found.begin(), found.end());
  EXPECT_EQ(found, (Names{"access-logs", "cf-templates-abc", "elb-logs", "selfie", "trail-logs"}));
  EXPECT_EQ(targets(", services: [s3]"), (Names{"access-logs", "cf-templates-abc", "selfie"}));
  EXPECT_EQ(targets(", services: [elb]"), (Names{"elb-logs"}));
  EXPECT_EQ(targets(", services: [cloudtrail]"), (Names{"trail-logs"}));
  EXPECT_EQ(targets(", self: true"), (Names{"selfie"}));
  EXPECT_EQ(targets(", value: false"), (Names{"app", "plain"}));
}

TEST_F(S3LogTargetTest, TheStepFunctionExampleStartsOneExecutionWithTheLogBucketsArns) {
  aws_cli({"s3api", "put-bucket-tagging", "--bucket", "elb-logs", "--tagging",
           R"({"TagSet": [{"Key": "IngestSetup", "Value": "done"}]})"});
  const std::string machine =
      aws_cli({"stepfunctions", "create-state-machine", "--name", "LogIngestSetup", "--definition",
               R"({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})", "--role-arn",
               "arn:aws:iam::123456789012:role/sfn"})["stateMachineArn"];
  const std::string yaml = read_file(data_path("policies/c7n/s3/sfn-63-invoke-step-function.yml"));
  run_policy(yaml);
  Json records = actions_of("invoke-step-function");
  ASSERT_EQ(records.size(), 4u);  // every log bucket but the tagged one
  Json executions =
      aws_cli({"stepfunctions", "list-executions", "--state-machine-arn", machine})["executions"];
  ASSERT_EQ(executions.size(), 1u);  // bulk, batch-size 10: one execution
  Json input =
      Json::parse(std::string(aws_cli({"stepfunctions", "describe-execution", "--execution-arn",
                                       executions[0]["executionArn"]})["input"]));
  EXPECT_EQ(input["policy"]["name"], "invoke-step-function");
  std::vector<std::string> arns = input["resources"];
  std::sort(arns.begin(), arns.end());
  EXPECT_EQ(arns, (Names{"arn:aws:s3:::access-logs", "arn:aws:s3:::cf-templates-abc",
                         "arn:aws:s3:::selfie", "arn:aws:s3:::trail-logs"}));
  for (const Json& record : records)
    EXPECT_EQ(record["after"]["c7n:execution-arn"], executions[0]["executionArn"]);
}

TEST_F(S3LogTargetTest, WithoutBulkEachResourceHasItsOwnExecution) {
  const std::string machine =
      aws_cli({"stepfunctions", "create-state-machine", "--name", "PerBucket", "--definition",
               R"({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})", "--role-arn",
               "arn:aws:iam::123456789012:role/sfn"})["stateMachineArn"];
  run_policy(
      "policies:\n  - name: each\n    resource: aws.s3\n    filters:\n"
      "      - {type: is-log-target, services: [cloudtrail, elb]}\n"
      "    actions:\n      - {type: invoke-sfn, state-machine: " +
      machine + ", policy: false}\n");
  Json executions =
      aws_cli({"stepfunctions", "list-executions", "--state-machine-arn", machine})["executions"];
  ASSERT_EQ(executions.size(), 2u);
  std::vector<std::string> names;
  for (const Json& execution : executions) {
    Json input =
        Json::parse(std::string(aws_cli({"stepfunctions", "describe-execution", "--execution-arn",
                                         execution["executionArn"]})["input"]));
    EXPECT_FALSE(input.contains("policy"));
    names.push_back(input["resource"]["Name"]);
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (Names{"elb-logs", "trail-logs"}));
}

}  // namespace
}  // namespace custos::test
