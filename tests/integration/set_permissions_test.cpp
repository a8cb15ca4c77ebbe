// set-permissions on the types that are shared by an attribute (AMIs' launch permissions, RDS
// snapshots' restore attribute, SSM documents' sharing, there named set-sharing) against moto: what
// cross-account found is taken away and no more, grantees are added, and the undo shares again. The
// AWS CLI reads every end state.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include "integration/action_check.h"
#include "support/paths.h"

namespace custos::test {
namespace {

const char* const kOrganization = "arn:aws:organizations::112233445566:organization/o-xxyyzzaabb";
const char* const kUnit = "arn:aws:organizations::112233445566:ou/o-xxyyzzaabb/ou-xxyy-aabbccdd";

Json sorted(Json list) {
  std::sort(list.begin(), list.end());
  return list;
}

class SetPermissionsTest : public ActionTest {
 protected:
  std::string image() const {
    std::string instance = aws_cli({"ec2", "run-instances", "--image-id", "ami-12c6146b",
                                    "--instance-type", "t3.micro"})["Instances"][0]["InstanceId"];
    return aws_cli(
        {"ec2", "create-image", "--instance-id", instance, "--name", "golden"})["ImageId"];
  }
  // Who may launch the image, sorted: account ids, organization and unit ARNs, "all".
  Json launchers(const std::string& image_id) const {
    const Json answer = aws_cli({"ec2", "describe-image-attribute", "--image-id", image_id,
                                 "--attribute", "launchPermission"});
    Json who = Json::array();
    for (const Json& permission : answer["LaunchPermissions"])
      for (const auto& [kind, value] : permission.items()) who.push_back(value);
    return sorted(who);
  }
  std::string db_snapshot() const {
    aws_cli({"rds", "create-db-instance", "--db-instance-identifier", "db1", "--engine", "postgres",
             "--db-instance-class", "db.t3.micro", "--master-username", "admin",
             "--master-user-password", "password123", "--allocated-storage", "20"});
    aws_cli({"rds", "create-db-snapshot", "--db-instance-identifier", "db1",
             "--db-snapshot-identifier", "nightly"});
    return "nightly";
  }
  // Who may restore the snapshot, sorted.
  Json restorers(const std::string& kind, const std::string& snapshot) const {
    std::string flag =
        kind == "db-snapshot" ? "--db-snapshot-identifier" : "--db-cluster-snapshot-identifier";
    const Json answer = aws_cli({"rds", "describe-" + kind + "-attributes", flag, snapshot});
    std::string result =
        kind == "db-snapshot" ? "DBSnapshotAttributesResult" : "DBClusterSnapshotAttributesResult";
    std::string list =
        kind == "db-snapshot" ? "DBSnapshotAttributes" : "DBClusterSnapshotAttributes";
    for (const Json& attribute : answer[result][list])
      if (attribute["AttributeName"] == "restore") return sorted(attribute["AttributeValues"]);
    return Json::array();
  }
  // remove: matched, run three times: the dry run changes nothing, the run leaves `after` (its
  // check holding), the next run finds nothing outside the whitelist. Returns the run's records.
  Json prove_removal(const std::string& yaml, const std::string& policy,
                     const std::function<Json()>& state, const Json& after) const {
    Json before = state();
    run_policy(yaml, {"--no-journal", "--dryrun"});
    EXPECT_EQ(state(), before);
    run_policy(yaml, {"--no-journal"});
    EXPECT_EQ(state(), after);
    Json records = actions_of(policy);
    EXPECT_EQ(records.size(), 1u);
    for (const Json& record : records) EXPECT_TRUE(check_holds(record["check"])) << record;
    run_policy(yaml, {"--no-journal"});
    EXPECT_TRUE(actions_of(policy).empty());
    return records;
  }
};

// Cloud Custodian's ami-share-remove-cross-account: the whitelisted account and organization
// keep their launch permission; everyone else loses theirs; undo gives it back.
TEST_F(SetPermissionsTest, AnImageSharedOutsideTheWhitelistIsMadePrivateToIt) {
  std::string id = image();
  aws_cli({"ec2", "modify-image-attribute", "--image-id", id, "--launch-permission",
           R"({"Add": [{"UserId": "112233445566"}, {"UserId": "999988887777"}, {"Group": "all"},
               {"OrganizationArn": ")" +
               std::string(kOrganization) + R"("}]})"});
  Json before = launchers(id);
  ASSERT_EQ(before.size(), 4u);
  std::string yaml = R"(policies:
  - name: ami-share-remove-cross-account
    resource: ami
    filters:
      - type: cross-account
        whitelist: ['112233445566', ')" +
                     std::string(kOrganization) +
                     R"(']
    actions:
      - type: set-permissions
        remove: matched
)";
  Json records = prove_removal(
      yaml, "ami-share-remove-cross-account", [&] { return launchers(id); },
      sorted(Json::array({"112233445566", kOrganization})));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["summary"], "stopped sharing with 999988887777, all");
  expect_undo_restores(
      records, [&] { return launchers(id); }, before);
}

// Cloud Custodian's ami-stop-share-old (its deprecated remove-launch-permissions): every
// grantee taken away, the undo shares again. Its image-age of 60 days becomes 0 (moto's images
// are new); one named account, and matched, take only those away.
TEST_F(SetPermissionsTest, RemoveLaunchPermissionsStopsSharingAnImage) {
  std::string id = image();
  aws_cli(
      {"ec2", "modify-image-attribute", "--image-id", id, "--launch-permission",
       R"({"Add": [{"UserId": "112233445566"}, {"UserId": "999988887777"}, {"Group": "all"}]})"});
  const Json before = launchers(id);
  ASSERT_EQ(before.size(), 3u);
  std::string yaml = read_file(data_path("policies/c7n/ami/ami-233-ami-stop-share-old.yml"));
  ASSERT_NE(yaml.find("days: 60"), std::string::npos);
  yaml.replace(yaml.find("days: 60"), 8, "days: 0");
  Json records = prove_action(yaml, "ami-stop-share-old", [&] { return launchers(id); },
                              "ec2 ModifyImageAttribute", {}, {"--no-journal"});
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(launchers(id), Json::array());
  expect_undo_restores(
      records, [&] { return launchers(id); }, before);

  std::string one = R"(policies:
  - name: stop-one
    resource: ami
    actions:
      - type: remove-launch-permissions
        accounts: '999988887777'
)";
  run_policy(one, {"--no-journal"});
  EXPECT_EQ(launchers(id), sorted(Json::array({"112233445566", "all"})));
  std::string matched = R"(policies:
  - name: stop-matched
    resource: ami
    filters:
      - type: cross-account
        whitelist: ['112233445566']
    actions:
      - type: remove-launch-permissions
        accounts: matched
)";
  run_policy(matched, {"--no-journal"});
  EXPECT_EQ(launchers(id), Json::array({"112233445566"}));
}

// Cloud Custodian's catalog-portfolio-delete-share and catalog-portfolio-delete-shared-account,
// unchanged: every account cross-account found, or the one named, stops sharing the portfolio.
TEST_F(SetPermissionsTest, RemoveSharedAccountsStopsSharingAPortfolio) {
  const std::string id = aws_cli({"servicecatalog", "create-portfolio", "--display-name", "tools",
                                  "--provider-name", "custos"})["PortfolioDetail"]["Id"];
  for (const char* account : {"123456789123", "111122223333"})
    aws_cli({"servicecatalog", "create-portfolio-share", "--portfolio-id", id, "--account-id",
             account});
  auto sharers = [&] {
    return sorted(aws_cli({"servicecatalog", "list-portfolio-access", "--portfolio-id", id})
                      .value("AccountIds", Json::array()));
  };
  const Json before = sharers();
  ASSERT_EQ(before, Json::array({"111122223333", "123456789123"}));
  const std::string dir = "policies/c7n/catalog-portfolio/";
  Json records = prove_removal(
      read_file(data_path(dir + "servicecatalog-121-catalog-portfolio-delete-share.yml")),
      "catalog-portfolio-delete-share", sharers, Json::array());
  ASSERT_EQ(records.size(), 1u);
  expect_undo_restores(records, sharers, before);

  run_policy(
      read_file(data_path(dir + "servicecatalog-121-catalog-portfolio-delete-shared-account.yml")),
      {"--no-journal"});
  EXPECT_EQ(sharers(), Json::array({"111122223333"}));
  records = actions_of("catalog-portfolio-delete-shared-account");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["summary"], "stopped sharing with 123456789123");
}

// `add` grants accounts and organizational units; `remove` takes a named grantee away.
TEST_F(SetPermissionsTest, AnImageIsSharedWithAnAccountAndAUnit) {
  std::string id = image();
  aws_cli({"ec2", "modify-image-attribute", "--image-id", id, "--launch-permission",
           R"({"Add": [{"UserId": "999988887777"}]})"});
  std::string yaml =
      "policies:\n  - name: share\n    resource: ami\n    filters:\n"
      "      - ImageId: " +
      id +
      "\n    actions:\n      - type: set-permissions\n"
      "        remove: ['999988887777']\n"
      "        add: ['223344556677', '" +
      kUnit + "']\n";
  Json records = prove_action(yaml, "share", [&] { return launchers(id); },
                              "ec2 ModifyImageAttribute", {}, {"--no-journal"});
  EXPECT_EQ(launchers(id), sorted(Json::array({"223344556677", kUnit})));
  EXPECT_EQ(records[0]["summary"],
            "stopped sharing with 999988887777; shared with 223344556677, " + std::string(kUnit));
  expect_undo_restores(
      records, [&] { return launchers(id); }, Json::array({"999988887777"}));
}

// Cloud Custodian's rds-snapshot-remove-cross-account: RDS's restore attribute, through
// ModifyDBSnapshotAttribute's ValuesToRemove.
TEST_F(SetPermissionsTest, AnRdsSnapshotStopsBeingRestorableOutsideTheWhitelist) {
  std::string id = db_snapshot();
  aws_cli({"rds", "modify-db-snapshot-attribute", "--db-snapshot-identifier", id,
           "--attribute-name", "restore", "--values-to-add", "112233445566", "999988887777"});
  std::string yaml = R"(policies:
  - name: rds-snapshot-remove-cross-account
    resource: rds-snapshot
    filters:
      - type: cross-account
        whitelist: ['112233445566']
    actions:
      - type: set-permissions
        remove: matched
)";
  Json records = prove_removal(
      yaml, "rds-snapshot-remove-cross-account", [&] { return restorers("db-snapshot", id); },
      Json::array({"112233445566"}));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["undo"][0]["params"]["ValuesToAdd"], Json::array({"999988887777"}));
  expect_undo_restores(
      records, [&] { return restorers("db-snapshot", id); },
      Json::array({"112233445566", "999988887777"}));
}

// Without add or remove, a cluster snapshot is shared with no one (its every grantee removed).
TEST_F(SetPermissionsTest, AClusterSnapshotSharedWithEveryoneIsMadePrivate) {
  aws_cli({"rds", "create-db-cluster", "--db-cluster-identifier", "cluster1", "--engine",
           "aurora-postgresql", "--master-username", "admin", "--master-user-password",
           "password123"});
  aws_cli({"rds", "create-db-cluster-snapshot", "--db-cluster-identifier", "cluster1",
           "--db-cluster-snapshot-identifier", "csnap"});
  aws_cli({"rds", "modify-db-cluster-snapshot-attribute", "--db-cluster-snapshot-identifier",
           "csnap", "--attribute-name", "restore", "--values-to-add", "all", "999988887777"});
  std::string yaml = R"(policies:
  - name: private
    resource: rds-cluster-snapshot
    filters:
      - DBClusterSnapshotIdentifier: csnap
    actions:
      - set-permissions
)";
  Json records =
      prove_action(yaml, "private", [&] { return restorers("db-cluster-snapshot", "csnap"); },
                   "rds ModifyDBClusterSnapshotAttribute", {}, {"--no-journal"});
  EXPECT_EQ(restorers("db-cluster-snapshot", "csnap"), Json::array());
  expect_undo_restores(
      records, [&] { return restorers("db-cluster-snapshot", "csnap"); },
      Json::array({"999988887777", "all"}));
}

// Cloud Custodian's ssm-set-sharing (with real account ids): what cross-account found stops,
// the account given is added. (set-sharing with neither add nor remove is refused: invalid
// case 520.)
TEST_F(SetPermissionsTest, ADocumentSharedOutsideTheWhitelistIsSharedAsTold) {
  aws_cli({"ssm", "create-document", "--name", "runbook", "--document-type", "Command", "--content",
           R"({"schemaVersion": "2.2", "description": "x", "mainSteps": [{"action":
               "aws:runShellScript", "name": "x", "inputs": {"runCommand": ["true"]}}]})"});
  aws_cli({"ssm", "modify-document-permission", "--name", "runbook", "--permission-type", "Share",
           "--account-ids-to-add", "111111111111", "222222222222"});
  auto sharing = [&] {
    Json ids = aws_cli({"ssm", "describe-document-permission", "--name", "runbook",
                        "--permission-type", "Share"})
                   .value("AccountIds", Json::array());
    return sorted(ids);
  };
  const std::string yaml = R"(policies:
  - name: ssm-set-sharing
    resource: ssm-document
    filters:
      - type: cross-account
        whitelist: ['111111111111', '333333333333']
    actions:
      - type: set-sharing
        add: ['333333333333']
        remove: matched
)";
  Json records = prove_removal(yaml, "ssm-set-sharing", sharing,
                               Json::parse(R"(["111111111111", "333333333333"])"));
  expect_undo_restores(records, sharing, Json::parse(R"(["111111111111", "222222222222"])"));
}

}  // namespace
}  // namespace custos::test
