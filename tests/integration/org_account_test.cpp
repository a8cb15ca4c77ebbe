// aws.account and aws.org-account over real HTTP against moto: the account as Cloud Custodian
// builds it, an organization's accounts, and a compromised member account quarantined (moved
// into a quarantine OU, a deny-all service control policy attached), each action proven three
// ways with the AWS CLI reading the organization back, and recovered from the journal.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class OrgAccountTest : public ActionTest {
 protected:
  void SetUp() override {
    ActionTest::SetUp();
    aws_cli({"organizations", "create-organization", "--feature-set", "ALL"});
    member_ = aws_cli({"organizations", "create-account", "--email", "member@example.com",
                       "--account-name", "member", "--tags",
                       "Key=env,Value=dev"})["CreateAccountStatus"]["AccountId"];
    root_ = aws_cli({"organizations", "list-roots"})["Roots"][0]["Id"];
  }
  std::string parent() const {
    return aws_cli({"organizations", "list-parents", "--child-id", member_})["Parents"][0]["Id"];
  }
  Json units() const {
    return aws_cli({"organizations", "list-organizational-units-for-parent", "--parent-id",
                    root_})["OrganizationalUnits"];
  }
  Json policy_names() const {
    Json names = Json::array();
    // Kept: a range over a member of a temporary would outlive it.
    const Json listed = aws_cli({"organizations", "list-policies-for-target", "--target-id",
                                 member_, "--filter", "SERVICE_CONTROL_POLICY"});
    for (const Json& p : listed["Policies"]) names.push_back(p["Name"]);
    return names;
  }
  std::string member_policy(const std::string& actions) const {
    return "policies:\n  - name: quarantine\n    resource: aws.org-account\n    filters:\n"
           "      - Id: '" +
           member_ + "'\n    actions:\n" + actions;
  }

  std::string member_, root_;
};

TEST_F(OrgAccountTest, TheAccountAndTheOrganizationsAccounts) {
  aws_cli({"iam", "create-account-alias", "--account-alias", "custos-prod"});
  write("p.yml", R"(policies:
  - name: account
    resource: account
  - name: accounts
    resource: org-account
)");
  auto result = custos({"run", "-s", path("out"), path("p.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(Json::parse(read_file(path("out/account/resources.json"))),
            Json::parse(R"([{"account_id": "123456789012", "account_name": "custos-prod"}])"));
  Json accounts = Json::parse(read_file(path("out/accounts/resources.json")));
  ASSERT_EQ(accounts.size(), 2u);
  for (const Json& a : accounts) {
    bool member = a["Id"] == member_;
    EXPECT_EQ(a["Name"], member ? "member" : "master");
    EXPECT_EQ(a["Tags"],
              member ? Json::parse(R"([{"Key": "env", "Value": "dev"}])") : Json::array());
  }
}

TEST_F(OrgAccountTest, MoveAccountCreatesTheQuarantineOuAndMovesTheAccountIntoIt) {
  auto state = [&] { return Json{{"parent", parent()}, {"units", units()}}; };
  Json records = prove_action(member_policy("      - move-account\n"), "quarantine", state,
                              "organizations CreateOrganizationalUnit");
  Json now = state();
  ASSERT_EQ(now["units"].size(), 1u);
  EXPECT_EQ(now["units"][0]["Name"], "Quarantine");
  EXPECT_EQ(now["parent"], now["units"][0]["Id"]);
  EXPECT_EQ(records[0]["before"]["ParentId"], root_);
  const Json& undo = records[0]["undo"][0];
  EXPECT_EQ(undo["operation"], "MoveAccount");
  EXPECT_EQ(undo["params"]["DestinationParentId"], root_);
}

TEST_F(OrgAccountTest, SetPolicyAttachesADenyAllScpCreatedWhenMissing) {
  std::string yaml = member_policy(
      "      - {type: set-policy, name: custos-deny-all, policy-type: SERVICE_CONTROL_POLICY}\n");
  Json records = prove_action(
      yaml, "quarantine", [&] { return policy_names(); }, "organizations CreatePolicy");
  EXPECT_EQ(policy_names(), Json::parse(R"(["FullAWSAccess", "custos-deny-all"])"));
  std::string id = records[0]["after"]["PolicyId"];
  Json policy = aws_cli({"organizations", "describe-policy", "--policy-id", id})["Policy"];
  Json content = Json::parse(policy["Content"].get<std::string>());
  EXPECT_EQ(content["Statement"][0]["Effect"], "Deny");
  EXPECT_EQ(content["Statement"][0]["Action"], "*");
  EXPECT_EQ(records[0]["undo"][0]["operation"], "DetachPolicy");

  std::string detach = member_policy(
      "      - {type: set-policy, name: custos-deny-all, policy-type: SERVICE_CONTROL_POLICY, "
      "state: detached}\n");
  records = prove_action(
      detach, "quarantine", [&] { return policy_names(); }, "organizations DetachPolicy");
  EXPECT_EQ(policy_names(), Json::parse(R"(["FullAWSAccess"])"));
  EXPECT_EQ(records[0]["undo"][0]["operation"], "AttachPolicy");
}

// The quarantine of README's policy, then its recovery from the journal: the account is back
// under the root with only its own policies.
TEST_F(OrgAccountTest, QuarantineAndRecovery) {
  write("policy.yml", member_policy(R"(      - {type: move-account, ou-name: Quarantine}
      - {type: set-policy, name: custos-deny-all, policy-type: SERVICE_CONTROL_POLICY}
)"));
  auto run = custos({"run", "-s", path("out"), path("policy.yml")});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(parent(), root_);
  EXPECT_EQ(policy_names().size(), 2u);
  expect_recovered(run);
  EXPECT_EQ(parent(), root_);
  EXPECT_EQ(policy_names(), Json::parse(R"(["FullAWSAccess"])"));
}

}  // namespace
}  // namespace custos::test
