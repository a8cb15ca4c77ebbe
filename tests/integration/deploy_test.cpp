// custos deploy over moto: the function, the EventBridge rule, its target and the invoke
// permission, as the AWS CLI sees them; a second deploy changes nothing; an edited policy is
// updated in place; --dryrun changes nothing; --remove cleans up. (Moto cannot invoke a
// function without Docker: lambda_test.cpp runs the same zip against a Runtime API.)
#include <gtest/gtest.h>

#include "integration/fixture.h"
#include "support/paths.h"

namespace custos::test {
namespace {

const char* kFunction = "custodian-ec2-compromised-contain";

std::string policy_with(const std::string& mode_lines) {
  return R"(policies:
  - name: ec2-compromised-contain
    resource: aws.ec2
    description: contain instances GuardDuty reports
    mode:
      type: guard-duty
)" + mode_lines +
         R"(    actions:
      - stop
)";
}

class DeployTest : public IntegrationTest {
 protected:
  void SetUp() override {
    IntegrationTest::SetUp();
    aws_cli(
        {"iam", "create-role", "--role-name", "custos-lambda", "--assume-role-policy-document",
         R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]})"});
  }
  Json function() const {
    return aws_cli({"lambda", "get-function", "--function-name", kFunction});
  }
  ProcessResult deploy(const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> args = {"deploy", path("policy.yml")};
    args.insert(args.end(), extra.begin(), extra.end());
    return custos(args);
  }
};

TEST_F(DeployTest, FunctionRuleTargetAndPermissionExistAndASecondDeployChangesNothing) {
  write("policy.yml",
        policy_with("      role: custos-lambda\n      memory: 256\n      timeout: 120\n"
                    "      tags: {team: security}\n"));
  auto first = deploy();
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_NE(first.out.find(std::string(kFunction) + ": function created"), std::string::npos)
      << first.out;

  Json fn = function();
  const Json& config = fn["Configuration"];
  EXPECT_EQ(config["Runtime"], "provided.al2023");
  EXPECT_EQ(config["Handler"], "ec2-compromised-contain");
  EXPECT_EQ(config["MemorySize"], 256);
  EXPECT_EQ(config["Timeout"], 120);
  EXPECT_EQ(config["Role"], "arn:aws:iam::123456789012:role/custos-lambda");
  EXPECT_EQ(fn["Tags"]["team"], "security");

  Json rule = aws_cli({"events", "describe-rule", "--name", kFunction});
  EXPECT_EQ(Json::parse(rule["EventPattern"].get<std::string>()),
            Json::parse(R"({"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"],
                            "detail": {"resource": {"resourceType": ["Instance"]}}})"));
  EXPECT_EQ(rule["State"], "ENABLED");
  Json targets = aws_cli({"events", "list-targets-by-rule", "--rule", kFunction})["Targets"];
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0]["Arn"], config["FunctionArn"]);
  Json policy = Json::parse(
      aws_cli({"lambda", "get-policy", "--function-name", kFunction})["Policy"].get<std::string>());
  ASSERT_EQ(policy["Statement"].size(), 1u);
  EXPECT_EQ(policy["Statement"][0]["Principal"]["Service"], "events.amazonaws.com");
  EXPECT_NE(policy["Statement"][0].dump().find(rule["Arn"].get<std::string>()), std::string::npos);

  auto second = deploy();
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.out.find("nothing to change"), std::string::npos) << second.out;
  Json after = function();
  EXPECT_EQ(after["Configuration"]["LastModified"], config["LastModified"]);
  EXPECT_EQ(after["Configuration"]["CodeSha256"], config["CodeSha256"]);
  EXPECT_EQ(aws_cli({"events", "list-targets-by-rule", "--rule", kFunction})["Targets"].size(), 1u);
}

// A periodic policy's rule is its schedule (Cloud Custodian's PeriodicMode); the function runs
// it as a pull on the Scheduled Event.
TEST_F(DeployTest, PeriodicPolicyGetsAScheduleRule) {
  write("policy.yml", R"(policies:
  - name: hourly-check
    resource: aws.ec2
    mode: {type: periodic, schedule: rate(1 hour), role: custos-lambda}
    filters: [{"tag:owner": absent}]
)");
  auto first = deploy();
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  Json rule = aws_cli({"events", "describe-rule", "--name", "custodian-hourly-check"});
  EXPECT_EQ(rule["ScheduleExpression"], "rate(1 hour)");
  EXPECT_FALSE(rule.contains("EventPattern"));
  EXPECT_EQ(
      aws_cli({"events", "list-targets-by-rule", "--rule", "custodian-hourly-check"})["Targets"]
          .size(),
      1u);
  auto second = deploy();
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.out.find("nothing to change"), std::string::npos) << second.out;
}

TEST_F(DeployTest, DryRunPlansAnEditWhichThenUpdatesInPlace) {
  write("policy.yml", policy_with("      role: custos-lambda\n      memory: 256\n"));
  ASSERT_EQ(deploy().exit_code, 0);
  write("policy.yml", policy_with("      role: custos-lambda\n      memory: 1024\n"));

  auto plan = deploy({"--dryrun"});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_NE(plan.out.find("function to update (MemorySize)"), std::string::npos) << plan.out;
  // The policy file travels in the function's code, so an edit updates the code too.
  EXPECT_NE(plan.out.find("function code to update"), std::string::npos) << plan.out;
  EXPECT_NE(plan.out.find("2 changes planned"), std::string::npos) << plan.out;
  EXPECT_EQ(function()["Configuration"]["MemorySize"], 256);

  auto applied = deploy();
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_NE(applied.out.find("function updated (MemorySize)"), std::string::npos) << applied.out;
  EXPECT_EQ(function()["Configuration"]["MemorySize"], 1024);
}

TEST_F(DeployTest, DryRunOfANewFunctionCreatesNothing) {
  write("policy.yml", policy_with(""));
  auto plan = deploy({"--dryrun", "--role", "custos-lambda"});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  for (const char* part :
       {"function to create", "rule to create", "target to create", "permission to create"})
    EXPECT_NE(plan.out.find(part), std::string::npos) << part << "\n" << plan.out;
  EXPECT_EQ(aws_cli({"lambda", "list-functions"})["Functions"].size(), 0u);
  EXPECT_EQ(aws_cli({"events", "list-rules"})["Rules"].size(), 0u);
}

TEST_F(DeployTest, RemoveCleansUp) {
  write("policy.yml", policy_with("      role: custos-lambda\n"));
  ASSERT_EQ(deploy().exit_code, 0);
  auto removed = deploy({"--remove"});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_EQ(aws_cli({"lambda", "list-functions"})["Functions"].size(), 0u);
  EXPECT_EQ(aws_cli({"events", "list-rules"})["Rules"].size(), 0u);
  auto again = deploy({"--remove"});
  EXPECT_NE(again.out.find("function absent"), std::string::npos) << again.out;
}

TEST_F(DeployTest, WhatDeployCannotDoIsRefusedBeforeAnyChange) {
  write("policy.yml", policy_with(""));
  auto no_role = deploy();
  EXPECT_EQ(no_role.exit_code, 2);
  EXPECT_NE(no_role.err.find("names no role for its function: add mode.role or pass --role ARN"),
            std::string::npos)
      << no_role.err;
  write("policy.yml", policy_with("      role: custos-lambda\n      layers: [arn:aws:lambda:x]\n"));
  auto layers = deploy();
  EXPECT_EQ(layers.exit_code, 2);
  EXPECT_NE(layers.err.find("mode.layers is not supported by custos deploy"), std::string::npos)
      << layers.err;
  write("policy.yml", policy_with("      role: custos-lambda\n"
                                  "      execution-options: {output_dir: s3://bucket/x}\n"));
  auto execution = deploy();
  EXPECT_EQ(execution.exit_code, 2);
  EXPECT_NE(execution.err.find("execution-options.output_dir is not supported"), std::string::npos);
  write("policy.yml", policy_with("      role: custos-lambda\n"
                                  "      execution-options: {journal: /tmp/journal.db}\n"));
  auto journal = deploy();
  EXPECT_EQ(journal.exit_code, 2);
  EXPECT_NE(journal.err.find("mode.execution-options.journal must be s3://BUCKET[/PREFIX], not "
                             "\"/tmp/journal.db\""),
            std::string::npos)
      << journal.err;
  EXPECT_EQ(aws_cli({"lambda", "list-functions"})["Functions"].size(), 0u);
}

}  // namespace
}  // namespace custos::test
