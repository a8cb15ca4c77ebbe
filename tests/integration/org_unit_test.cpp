// aws.org-unit and the org-unit and policy filters over real HTTP against moto, running Cloud
// Custodian's org.py examples unchanged on an organization of three OUs (dev, dev/team, prod)
// with the member account in dev/team: the OUs and accounts under dev found, and a service
// control policy attached to each OU that lacks it (an existing one, or one created from the
// example's contents), read back with the AWS CLI and undone from the records and the journal.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "integration/action_check.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class OrgUnitTest : public ActionTest {
 protected:
  void SetUp() override {
    ActionTest::SetUp();
    aws_cli({"organizations", "create-organization", "--feature-set", "ALL"});
    root_ = aws_cli({"organizations", "list-roots"})["Roots"][0]["Id"];
    dev_ = unit(root_, "dev");
    team_ = unit(dev_, "team");
    prod_ = unit(root_, "prod");
    member_ = aws_cli({"organizations", "create-account", "--email", "member@example.com",
                       "--account-name", "member"})["CreateAccountStatus"]["AccountId"];
    aws_cli({"organizations", "move-account", "--account-id", member_, "--source-parent-id", root_,
             "--destination-parent-id", team_});
  }
  std::string unit(const std::string& parent, const std::string& name) const {
    return aws_cli({"organizations", "create-organizational-unit", "--parent-id", parent, "--name",
                    name})["OrganizationalUnit"]["Id"];
  }
  std::string example(const std::string& name) const {
    return read_file(data_path("policies/c7n/org/" + name + ".yml"));
  }
  // The names of the service control policies attached to each OU.
  Json attached() const {
    Json names = Json::object();
    for (const std::string& ou : {dev_, team_, prod_}) {
      const Json listed = aws_cli({"organizations", "list-policies-for-target", "--target-id", ou,
                                   "--filter", "SERVICE_CONTROL_POLICY"});
      names[ou] = Json::array();
      for (const Json& p : listed["Policies"]) names[ou].push_back(p["Name"]);
    }
    return names;
  }
  // The ids of the service control policies named `name`.
  Json named(const std::string& name) const {
    Json ids = Json::array();
    const Json listed =
        aws_cli({"organizations", "list-policies", "--filter", "SERVICE_CONTROL_POLICY"});
    for (const Json& p : listed["Policies"])
      if (p["Name"] == name) ids.push_back(p["Id"]);
    return ids;
  }
  static Json reversed(const Json& records) {
    Json out = Json::array();
    for (auto it = records.rbegin(); it != records.rend(); ++it) out.push_back(*it);
    return out;
  }

  std::string root_, dev_, team_, prod_, member_;
};

TEST_F(OrgUnitTest, ListsEveryOuWithItsParentsAndPath) {
  write("p.yml", "policies:\n  - name: units\n    resource: aws.org-unit\n");
  auto run = custos({"run", "-s", path("out"), path("p.yml")});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  Json units = Json::parse(read_file(path("out/units/resources.json")));
  ASSERT_EQ(units.size(), 3u) << units.dump();
  std::map<std::string, Json> by_name;
  for (const Json& u : units) by_name[u["Name"]] = u;
  EXPECT_EQ(by_name["dev"]["Parents"], Json::array({root_}));
  EXPECT_EQ(by_name["team"]["Parents"], Json::array({root_, dev_}));
  EXPECT_EQ(by_name["team"]["Path"], "dev/team");
  EXPECT_EQ(by_name["team"]["Id"], team_);
  EXPECT_TRUE(by_name["prod"]["Arn"].get<std::string>().ends_with(prod_));
}

TEST_F(OrgUnitTest, OrgUnitsByParentOuFindsTheOusUnderDev) {
  Json matched = matched_by(example("org-units-by-parent-ou"), "org-units-by-parent-ou");
  ASSERT_EQ(matched.size(), 1u) << matched.dump();
  EXPECT_EQ(matched[0]["Id"], team_);
  EXPECT_EQ(matched[0]["Path"], "dev/team");
}

TEST_F(OrgUnitTest, OrgAccountsByParentOuFindsTheAccountsUnderDev) {
  Json matched = matched_by(example("org-accounts-by-parent-ou"), "org-accounts-by-parent-ou");
  ASSERT_EQ(matched.size(), 1u) << matched.dump();
  EXPECT_EQ(matched[0]["Id"], member_);
  // Its parents, its own first.
  ASSERT_EQ(matched[0]["c7n:parents"].size(), 2u) << matched.dump();
  EXPECT_EQ(matched[0]["c7n:parents"][0]["Id"], team_);
  EXPECT_EQ(matched[0]["c7n:parents"][1]["Id"], dev_);
}

TEST_F(OrgUnitTest, PolicyFilterCountsAttachedAndInheritedPolicies) {
  std::string scp =
      aws_cli({"organizations", "create-policy", "--name", "NoEc2", "--description", "d", "--type",
               "SERVICE_CONTROL_POLICY", "--content",
               R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny",)"
               R"("Action":"ec2:*","Resource":"*"}]})"})["Policy"]["PolicySummary"]["Id"];
  aws_cli({"organizations", "attach-policy", "--policy-id", scp, "--target-id", dev_});
  auto ids = [](const Json& matched) {
    std::set<std::string> out;
    for (const Json& r : matched) out.insert(r["Id"]);
    return out;
  };
  const std::string filter = R"(
    filters:
      - type: policy
        policy-type: SERVICE_CONTROL_POLICY
        attrs: [{Name: NoEc2}])";
  Json direct = matched_by("policies:\n  - name: p\n    resource: aws.org-unit" + filter, "p");
  EXPECT_EQ(ids(direct), std::set<std::string>{dev_});
  EXPECT_EQ(direct[0]["c7n:PolicyMatches"][0]["Id"], scp);
  Json inherited = matched_by(
      "policies:\n  - name: p\n    resource: aws.org-unit" + filter + "\n        inherited: true",
      "p");
  EXPECT_EQ(ids(inherited), (std::set<std::string>{dev_, team_}));
  Json accounts = matched_by("policies:\n  - name: p\n    resource: aws.org-account" + filter +
                                 "\n        inherited: true",
                             "p");
  EXPECT_EQ(ids(accounts), std::set<std::string>{member_});
}

TEST_F(OrgUnitTest, AttachExistingScpAttachesItToEachOuLackingIt) {
  aws_cli(
      {"organizations", "create-policy", "--name", "RestrictedRootAccount", "--description",
       "existing", "--type", "SERVICE_CONTROL_POLICY", "--content",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]})"});
  const Json before = attached();
  Json records = prove_remedy(
      example("attach-existing-scp"), "attach-existing-scp", [&] { return attached(); },
      "organizations AttachPolicy");
  ASSERT_EQ(records.size(), 3u) << records.dump();
  const Json now = attached();  // kept: items() of a temporary would dangle
  for (const auto& [ou, names] : now.items())
    EXPECT_EQ(names, Json::parse(R"(["FullAWSAccess", "RestrictedRootAccount"])")) << ou;
  for (const Json& record : records) {
    ASSERT_EQ(record["undo"].size(), 1u) << record.dump();  // it created nothing
    EXPECT_EQ(record["undo"][0]["operation"], "DetachPolicy");
  }
  expect_undo_restores(
      reversed(records), [&] { return attached(); }, before);
  EXPECT_EQ(named("RestrictedRootAccount").size(), 1u);
}

TEST_F(OrgUnitTest, CreateAndAttachScpCreatesItFromTheContentsAndItsUndoDeletesIt) {
  const Json before = attached();
  Json records = prove_remedy(
      example("create-and-attach-scp"), "create-and-attach-scp", [&] { return attached(); },
      "organizations CreatePolicy");
  ASSERT_EQ(records.size(), 3u) << records.dump();
  Json ids = named("RestrictedRootAccount");
  ASSERT_EQ(ids.size(), 1u);  // created once, attached three times
  Json policy = aws_cli({"organizations", "describe-policy", "--policy-id", ids[0]})["Policy"];
  Json content = Json::parse(policy["Content"].get<std::string>());
  EXPECT_EQ(content["Statement"][0]["Sid"], "RestrictEC2ForRoot");
  EXPECT_EQ(content["Statement"][0]["Condition"]["StringLike"]["aws:PrincipalArn"][0],
            "arn:aws:iam::*:root");
  EXPECT_EQ(policy["PolicySummary"]["Description"], "RestrictedRootAccount (custos managed)");
  int deletes = 0;
  for (const Json& record : records)
    for (const Json& step : record["undo"]) deletes += step["operation"] == "DeletePolicy";
  EXPECT_EQ(deletes, 1) << records.dump();
  expect_undo_restores(
      reversed(records), [&] { return attached(); }, before);
  EXPECT_TRUE(named("RestrictedRootAccount").empty());
}

// The same run journaled, then recovered: the policy detached from every OU and deleted.
TEST_F(OrgUnitTest, CreateAndAttachScpIsRecoveredFromTheJournal) {
  write("policy.yml", example("create-and-attach-scp"));
  auto run = custos({"run", "-s", path("out"), path("policy.yml")});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(named("RestrictedRootAccount").size(), 1u);
  expect_recovered(run);
  EXPECT_TRUE(named("RestrictedRootAccount").empty());
  const Json now = attached();
  for (const auto& [ou, names] : now.items())
    EXPECT_EQ(names, Json::parse(R"(["FullAWSAccess"])")) << ou;
}

}  // namespace
}  // namespace custos::test
