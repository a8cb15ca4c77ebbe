// Many accounts on one moto server (moto keeps every account apart and hands out credentials of
// the account whose role is assumed): a member account's GuardDuty finding handled from the
// administrator account through mode.member-role, `custos org run` across 50 accounts and two
// regions, and `custos org list-accounts` from Organizations.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "integration/findings.h"
#include "integration/fixture.h"
#include "support/aws_cli.h"
#include "support/fault_proxy.h"
#include "support/paths.h"

namespace custos::test {
namespace {

constexpr const char* kOrgTrust =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]})";

// STS refusing to let the caller assume `role` (moto lets anyone assume anything), as AWS
// answers when the role's trust policy does not name the caller.
FaultProxy::Reply access_denied(const std::string& role) {
  return {403,
          "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender"
          "</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/test is "
          "not authorized to perform: sts:AssumeRole on resource: " +
              role +
              "</Message></Error><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7"
              "</RequestId></ErrorResponse>",
          "text/xml",
          {}};
}

std::string account_id(int n) {
  std::string digits = std::to_string(n);
  return "2000000" + std::string(5 - digits.size(), '0') + digits;
}

class OrgTest : public IntegrationTest {
 protected:
  // The AWS CLI as a role of `account` (assumed with the administrator's test keys).
  Json cli_in(const std::string& account, std::vector<std::string> args) const {
    Json credentials =
        aws_cli({"sts", "assume-role", "--role-arn", "arn:aws:iam::" + account + ":role/custos",
                 "--role-session-name", "test"})["Credentials"];
    auto env = emulator_env();
    env["AWS_ACCESS_KEY_ID"] = credentials["AccessKeyId"];
    env["AWS_SECRET_ACCESS_KEY"] = credentials["SecretAccessKey"];
    env["AWS_SESSION_TOKEN"] = credentials["SessionToken"];
    std::vector<std::string> argv = {"--endpoint-url", emulator().url(), "--output", "json"};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessResult result = run_aws_cli(argv, env);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return result.out.empty() ? Json::object() : Json::parse(result.out);
  }
  std::string run_instance_in(const std::string& account, const std::string& region) const {
    return cli_in(
               account,
               {"ec2", "run-instances", "--region", region, "--image-id", "ami-12c6146b",
                "--instance-type", "t3.micro", "--tag-specifications",
                "ResourceType=instance,Tags=[{Key=custodian,Value=yes}]"})["Instances"][0]
                                                                          ["InstanceId"]
                                                                              .get<std::string>();
  }
  std::string state_in(const std::string& account, const std::string& id,
                       const std::string& region = "us-east-1") const {
    return cli_in(account, {"ec2", "describe-instances", "--region", region, "--instance-ids",
                            id})["Reservations"][0]["Instances"][0]["State"]["Name"]
        .get<std::string>();
  }
};

TEST_F(OrgTest, MemberAccountFindingIsHandledFromTheAdministratorAccount) {
  aws_cli({"organizations", "create-organization", "--feature-set", "ALL"});
  Json created = aws_cli({"organizations", "create-account", "--email", "member@example.com",
                          "--account-name", "member"});
  std::string member = created["CreateAccountStatus"]["AccountId"].get<std::string>();
  cli_in(member, {"iam", "create-role", "--role-name", "custos", "--assume-role-policy-document",
                  kOrgTrust});
  std::string id = run_instance_in(member, "us-east-1");
  write("policy.yml", R"(policies:
  - name: contain-members
    resource: aws.ec2
    mode:
      type: guard-duty
      member-role: arn:aws:iam::{account_id}:role/custos
    actions: [stop]
)");
  Json finding = instance_finding(id, 8);
  finding["detail"]["accountId"] = member;  // delivered to the administrator's bus
  write("finding.json", finding.dump());

  auto result =
      custos({"run", "-s", path("out"), "--event", path("finding.json"), path("policy.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(state_in(member, id), "stopped");
  // Nothing of the kind exists in the administrator's own account.
  auto own = aws_cli({"ec2", "describe-instances"})["Reservations"];
  EXPECT_EQ(own.size(), 0u);
}

TEST_F(OrgTest, MemberRoleThatCannotBeAssumedFailsThatPolicyAlone) {
  write("policy.yml", R"(policies:
  - name: contain-members
    resource: aws.ec2
    mode: {type: guard-duty, member-role: "arn:aws:iam::{account_id}:role/custos"}
    actions: [stop]
  - name: contain-here
    resource: aws.ec2
    mode: {type: guard-duty}
    actions: [stop]
)");
  std::string id = run_instance_with_profile("web-role");
  Json finding = instance_finding(id, 8);
  finding["detail"]["accountId"] = "123456789012";  // the administrator's own account
  write("finding.json", finding.dump());
  FaultProxy proxy(emulator().url());
  proxy.answer_containing("role%2Fcustos", access_denied("arn:aws:iam::123456789012:role/custos"));
  auto result =
      custos({"run", "-s", path("out"), "--event", path("finding.json"), path("policy.yml")},
             {{"AWS_ENDPOINT_URL", proxy.url()}});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("policy 'contain-members': AssumeRole of "
                            "arn:aws:iam::123456789012:role/custos failed"),
            std::string::npos)
      << result.err;
  EXPECT_EQ(instance_state(id), "stopped");  // contain-here still ran
}

TEST_F(OrgTest, OrgRunCoversFiftyAccountsInTwoRegions) {
  std::string accounts = "accounts:\n";
  for (int n = 1; n <= 50; ++n)
    accounts += "  - account_id: '" + account_id(n) + "'\n    name: account-" + std::to_string(n) +
                "\n    role: arn:aws:iam::" + account_id(n) +
                ":role/custos\n    regions: [us-east-1, eu-west-1]\n";
  // One account whose role cannot be assumed: reported, the others go on.
  accounts +=
      "  - account_id: '299999999999'\n    name: broken\n"
      "    role: arn:aws:iam::299999999999:role/denied\n";
  write("accounts.yml", accounts);
  write("policy.yml", R"(policies:
  - name: tagged-instances
    resource: aws.ec2
    filters: [{tag:custodian: present}]
    actions: [stop]
)");
  std::string east = run_instance_in(account_id(7), "us-east-1");
  std::string west = run_instance_in(account_id(42), "eu-west-1");

  FaultProxy proxy(emulator().url());
  proxy.answer_containing("role%2Fdenied", access_denied("arn:aws:iam::299999999999:role/denied"));
  auto started = std::chrono::steady_clock::now();
  auto result = custos({"org", "run", "-c", path("accounts.yml"), "-s", path("out"), "--parallel",
                        "8", "--no-journal", path("policy.yml")},
                       {{"AWS_ENDPOINT_URL", proxy.url()}});
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;  // the broken account
  RecordProperty("org_run_seconds", std::to_string(seconds));
  EXPECT_EQ(state_in(account_id(7), east), "stopped");
  EXPECT_EQ(state_in(account_id(42), west, "eu-west-1"), "stopped");
  for (int n = 1; n <= 50; ++n)
    for (const char* region : {"us-east-1", "eu-west-1"})
      EXPECT_TRUE(std::filesystem::exists(path("out/account-" + std::to_string(n) + "/" + region +
                                               "/tagged-instances/resources.json")))
          << n << " " << region;
  Json found =
      Json::parse(read_file(path("out/account-7/us-east-1/tagged-instances/resources.json")));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["InstanceId"], east);
  EXPECT_NE(result.out.find("101 runs: 2 resources, 2 actions, 1 failed"), std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("broken"), std::string::npos);
  EXPECT_NE(result.err.find("[101/101]"), std::string::npos) << result.err;  // not a terminal
}

TEST_F(OrgTest, EachAccountsVarsReachItsPolicies) {
  write("accounts.yml",
        "vars: {stage: none}\naccounts:\n"
        "  - {account_id: '" +
            account_id(1) +
            "', name: prod, role: "
            "'arn:aws:iam::" +
            account_id(1) +
            ":role/custos', vars: {stage: prod}}\n"
            "  - {account_id: '" +
            account_id(2) +
            "', name: dev, role: "
            "'arn:aws:iam::" +
            account_id(2) + ":role/custos', vars: {stage: dev}}\n");
  write("policy.yml", R"(vars: {stage: everything}
policies:
  - name: this-stage
    resource: aws.ec2
    filters: [{tag:stage: "{stage}"}]
    actions: [stop]
)");
  std::map<std::string, std::map<std::string, std::string>> instances;  // account -> stage -> id
  for (const std::string& account : {account_id(1), account_id(2)})
    for (const char* stage : {"prod", "dev"})
      instances[account][stage] =
          cli_in(account, {"ec2", "run-instances", "--image-id", "ami-12c6146b", "--instance-type",
                           "t3.micro", "--tag-specifications",
                           "ResourceType=instance,Tags=[{Key=stage,Value=" + std::string(stage) +
                               "}]"})["Instances"][0]["InstanceId"];
  auto result = custos({"org", "run", "-c", path("accounts.yml"), "-s", path("out"), "--region",
                        "us-east-1", "--no-journal", path("policy.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(state_in(account_id(1), instances[account_id(1)]["prod"]), "stopped");
  EXPECT_EQ(state_in(account_id(1), instances[account_id(1)]["dev"]), "running");
  EXPECT_EQ(state_in(account_id(2), instances[account_id(2)]["dev"]), "stopped");
  EXPECT_EQ(state_in(account_id(2), instances[account_id(2)]["prod"]), "running");
}

TEST_F(OrgTest, ListAccountsWritesAnAccountsFileOrgRunReads) {
  aws_cli({"organizations", "create-organization", "--feature-set", "ALL"});
  for (const char* name : {"dev", "prod"})
    aws_cli({"organizations", "create-account", "--email", std::string(name) + "@example.com",
             "--account-name", name});
  auto listed = custos({"org", "list-accounts", "--role", "custos", "-o", path("accounts.yml")});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  std::string text = read_file(path("accounts.yml"));
  EXPECT_NE(text.find("name: \"dev\""), std::string::npos) << text;
  EXPECT_NE(text.find(":role/custos\""), std::string::npos) << text;
  write("policy.yml", "policies:\n  - name: all-instances\n    resource: aws.ec2\n");
  auto run = custos({"org", "run", "-c", path("accounts.yml"), "-s", path("out"), "--no-journal",
                     path("policy.yml")});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_TRUE(std::filesystem::exists(path("out/prod/us-east-1/all-instances/resources.json")));
}

}  // namespace
}  // namespace custos::test
