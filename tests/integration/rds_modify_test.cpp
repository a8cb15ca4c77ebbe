// rds modify-db and rds-cluster modify-db-cluster, and rds upgrade-available and upgrade, over
// real HTTP against moto, Cloud Custodian's examples unchanged: the settings read back with the
// AWS CLI, a second run changes nothing, and the undo sets back what was there. moto 5.2.1 has
// no DescribeDBEngineVersions: a proxy answers it as AWS does (with ValidUpgradeTarget).
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "integration/moto_gaps.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class RdsModifyTest : public ActionTest {
 protected:
  void create_database(const std::string& id, const std::string& version,
                       const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> args = {"rds",
                                     "create-db-instance",
                                     "--db-instance-identifier",
                                     id,
                                     "--engine",
                                     "postgres",
                                     "--engine-version",
                                     version,
                                     "--db-instance-class",
                                     "db.t3.micro",
                                     "--master-username",
                                     "admin",
                                     "--master-user-password",
                                     "password123",
                                     "--allocated-storage",
                                     "20"};
    args.insert(args.end(), extra.begin(), extra.end());
    aws_cli(args);
  }
  Json database(const std::string& id) const {
    return aws_cli(
        {"rds", "describe-db-instances", "--db-instance-identifier", id})["DBInstances"][0];
  }
  Json cluster(const std::string& id) const {
    return aws_cli({"rds", "describe-db-clusters", "--db-cluster-identifier", id})["DBClusters"][0];
  }
};

TEST_F(RdsModifyTest, ModifyDbTurnsOffDeletionProtectionAndPublicAccessAndTheUndoRestoresThem) {
  create_database("exposed", "14.1", {"--deletion-protection", "--publicly-accessible"});
  auto state = [&] {
    Json db = database("exposed");
    return Json::array({db["DeletionProtection"], db["PubliclyAccessible"]});
  };
  const Json before = state();
  ASSERT_EQ(before, Json::array({true, true}));
  Json records = prove_remedy(
      read_file(data_path("policies/c7n/rds/rds-1693-disable-rds-deletion-protection.yml")),
      "disable-rds-deletion-protection", state, "rds ModifyDBInstance");
  ASSERT_EQ(records.size(), 1u) << records.dump();
  EXPECT_EQ(state(), Json::array({false, false}));
  EXPECT_EQ(records[0]["before"], Json::parse(R"({"DeletionProtection": true,
                                                 "PubliclyAccessible": true})"));
  expect_undo_restores(records, state, before);
}

TEST_F(RdsModifyTest, ModifyDbSendsOnlyTheSettingsThatDiffer) {
  create_database("guarded", "14.1", {"--deletion-protection", "--no-publicly-accessible"});
  run_policy(R"(policies:
  - name: settle
    resource: rds
    actions:
      - type: modify-db
        update:
          - {property: DeletionProtection, value: false}
          - {property: PubliclyAccessible, value: false}
)");
  Json records = actions_of("settle");
  ASSERT_EQ(records.size(), 1u) << records.dump();
  EXPECT_EQ(records[0]["after"], Json::parse(R"({"DeletionProtection": false})"));
  ASSERT_EQ(records[0]["undo"].size(), 1u) << records.dump();
  EXPECT_EQ(records[0]["undo"][0]["params"],
            Json::parse(R"({"DBInstanceIdentifier": "guarded", "DeletionProtection": true,
                            "ApplyImmediately": false})"));
  EXPECT_EQ(database("guarded")["DeletionProtection"], false);
}

TEST_F(RdsModifyTest, ModifyDbClusterSetsTheAttributesAndTheUndoRestoresThem) {
  aws_cli({"rds", "create-db-cluster", "--db-cluster-identifier", "shared", "--engine",
           "aurora-postgresql", "--master-username", "admin", "--master-user-password",
           "password123", "--deletion-protection", "--no-copy-tags-to-snapshot",
           "--publicly-accessible"});
  auto state = [&] {
    Json c = cluster("shared");
    return Json::array({c.value("CopyTagsToSnapshot", Json()), c["DeletionProtection"]});
  };
  const Json before = state();
  ASSERT_EQ(before, Json::array({false, true}));
  const std::string yaml = read_file(data_path(
      "policies/c7n/rds-cluster/rdscluster-341-disable-db-cluster-deletion-protection.yml"));
  Json records =
      prove_remedy(yaml, "disable-db-cluster-deletion-protection", state, "rds ModifyDBCluster");
  ASSERT_EQ(records.size(), 1u) << records.dump();
  EXPECT_EQ(state(), Json::array({true, false}));
  expect_undo_restores(records, state, before);
}

// DescribeDBEngineVersions as AWS answers it: postgres 13.3 may go to 13.4 or 13.7 (minor) or
// 14.1 (major), 13.7 only to 14.1, 14.1 nowhere.
void answer_engine_versions(FaultProxy& proxy) {
  auto target = [](const char* version, bool major) {
    return std::string("<UpgradeTarget><Engine>postgres</Engine><EngineVersion>") + version +
           "</EngineVersion><AutoUpgrade>false</AutoUpgrade><IsMajorVersionUpgrade>" +
           (major ? "true" : "false") + "</IsMajorVersionUpgrade></UpgradeTarget>";
  };
  auto version = [](const char* number, const std::string& targets) {
    return std::string("<DBEngineVersion><Engine>postgres</Engine><EngineVersion>") + number +
           "</EngineVersion><DBParameterGroupFamily>postgres13</DBParameterGroupFamily>"
           "<Status>available</Status><ValidUpgradeTarget>" +
           targets + "</ValidUpgradeTarget></DBEngineVersion>";
  };
  FaultProxy::Reply reply;
  reply.body =
      "<DescribeDBEngineVersionsResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\">"
      "<DescribeDBEngineVersionsResult><DBEngineVersions>" +
      version("13.3", target("13.4", false) + target("13.7", false) + target("14.1", true)) +
      version("13.7", target("14.1", true)) + version("14.1", "") +
      "</DBEngineVersions></DescribeDBEngineVersionsResult>"
      "<ResponseMetadata><RequestId>recorded</RequestId></ResponseMetadata>"
      "</DescribeDBEngineVersionsResponse>";
  proxy.answer_action("DescribeDBEngineVersions", reply);
}

TEST_F(RdsModifyTest, UpgradeAvailableFindsTheNewestMinorOrMajorVersion) {
  create_database("older", "13.3");
  create_database("newer", "13.7");
  FaultProxy proxy(emulator().url());
  answer_engine_versions(proxy);
  const std::map<std::string, std::string> env = {{"AWS_ENDPOINT_URL", proxy.url()}};
  Json found =
      matched_by(read_file(data_path("policies/c7n/rds/rds-345-rds-upgrade-available.yml")),
                 "rds-upgrade-available", env);
  ASSERT_EQ(found.size(), 1u) << found.dump();
  EXPECT_EQ(found[0]["DBInstanceIdentifier"], "older");
  EXPECT_EQ(found[0]["c7n-rds-engine-upgrade"], "13.7");
  Json major = matched_by(R"(policies:
  - name: major
    resource: rds
    filters:
      - {type: upgrade-available, major: true}
)",
                          "major", env);
  ASSERT_EQ(major.size(), 2u) << major.dump();
  for (const Json& db : major) EXPECT_EQ(db["c7n-rds-engine-upgrade"], "14.1");
  Json none = matched_by(R"(policies:
  - name: current
    resource: rds
    filters:
      - {type: upgrade-available, value: false}
)",
                         "current", env);
  ASSERT_EQ(none.size(), 1u) << none.dump();
  EXPECT_EQ(none[0]["DBInstanceIdentifier"], "newer");
}

TEST_F(RdsModifyTest, UpgradeMovesToTheNewestMinorVersionAndCannotBeUndone) {
  create_database("older", "13.3");
  FaultProxy proxy(emulator().url());
  answer_engine_versions(proxy);
  auto state = [&] { return database("older")["EngineVersion"]; };
  Json records = prove_action(
      read_file(data_path("policies/c7n/rds/rds-390-upgrade-rds-minor.yml")), "upgrade-rds-minor",
      state, "rds ModifyDBInstance", {{"AWS_ENDPOINT_URL", proxy.url()}});
  EXPECT_EQ(state(), "13.7");
  bool upgraded = false;
  for (const Json& record : records) {
    if (record["resource"] != "older") continue;
    upgraded = true;
    EXPECT_EQ(record["before"], Json::parse(R"({"EngineVersion": "13.3"})"));
    EXPECT_EQ(record["after"], Json::parse(R"({"EngineVersion": "13.7"})"));
    EXPECT_TRUE(record["undo"].is_null()) << record.dump();
    EXPECT_TRUE(check_holds(record["check"], proxy.url()));
  }
  EXPECT_TRUE(upgraded) << records.dump();
  int asked = 0;
  for (const auto& arrival : proxy.arrivals())
    if (arrival.body.find("Action=ModifyDBInstance") != std::string::npos) {
      ++asked;
      EXPECT_NE(arrival.body.find("EngineVersion=13.7"), std::string::npos) << arrival.body;
      EXPECT_NE(arrival.body.find("ApplyImmediately=false"), std::string::npos) << arrival.body;
    }
  EXPECT_EQ(asked, 1);
}

}  // namespace
}  // namespace custos::test
