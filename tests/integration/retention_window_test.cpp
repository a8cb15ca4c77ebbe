// retention on rds, rds-cluster and redshift over moto: the automated backups' days read back
// with the AWS CLI after each run; a dry run changes nothing, a repeat is unchanged, the undo
// played by the CLI restores them; enforce: min only raises, max only lowers. And redshift's
// set-attributes, its ModifyCluster parameters, proven the same way.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "integration/type_rows.h"

namespace custos::test {
namespace {

class RetentionTest : public ActionTest {
 protected:
  std::string policy(const std::string& resource, const std::string& id_filter,
                     const std::string& action) const {
    return "policies:\n  - name: keep\n    resource: " + resource + "\n    filters: [" + id_filter +
           "]\n    actions:\n      - " + action + "\n";
  }
};

TEST_F(RetentionTest, AnRdsInstanceKeepsItsBackupsLongerAndCopiesItsTags) {
  create(row_of("rds"), client());
  auto state = [&] {
    Json db = aws_cli({"rds", "describe-db-instances", "--db-instance-identifier", "db1"});
    return Json::array({db["DBInstances"][0]["BackupRetentionPeriod"],
                        db["DBInstances"][0]["CopyTagsToSnapshot"]});
  };
  aws_cli({"rds", "modify-db-instance", "--db-instance-identifier", "db1",
           "--backup-retention-period", "7", "--no-copy-tags-to-snapshot", "--apply-immediately"});
  Json before = state();
  ASSERT_EQ(before, Json::array({7, false}));
  Json records =
      prove_action(policy("rds", "{DBInstanceIdentifier: db1}",
                          "{type: retention, days: 14, copy-tags: true, enforce: exact}"),
                   "keep", state, "rds ModifyDBInstance");
  EXPECT_EQ(state(), Json::array({14, true}));
  expect_undo_restores(records, state, before);
}

TEST_F(RetentionTest, EnforceMinOnlyRaisesAndMaxOnlyLowers) {
  create(row_of("rds"), client());
  aws_cli({"rds", "modify-db-instance", "--db-instance-identifier", "db1",
           "--backup-retention-period", "7", "--copy-tags-to-snapshot", "--apply-immediately"});
  auto days = [&] {
    return aws_cli({"rds", "describe-db-instances", "--db-instance-identifier",
                    "db1"})["DBInstances"][0]["BackupRetentionPeriod"];
  };
  run_policy(policy("rds", "{DBInstanceIdentifier: db1}", "{type: retention, days: 3}"));
  EXPECT_EQ(actions_of("keep")[0]["outcome"], "unchanged");  // min (the default): 7 stays
  EXPECT_EQ(days(), 7);
  run_policy(
      policy("rds", "{DBInstanceIdentifier: db1}", "{type: retention, days: 30, enforce: max}"));
  EXPECT_EQ(actions_of("keep")[0]["outcome"], "unchanged");  // max: 7 is under 30
  EXPECT_EQ(days(), 7);
  run_policy(
      policy("rds", "{DBInstanceIdentifier: db1}", "{type: retention, days: 3, enforce: max}"));
  EXPECT_EQ(actions_of("keep")[0]["outcome"], "changed");
  EXPECT_EQ(days(), 3);
}

TEST_F(RetentionTest, ClustersAndRedshiftKeepTheirBackupsLonger) {
  create(row_of("rds-cluster"), client());
  create(row_of("redshift"), client());
  auto cluster = [&] {
    return Json::array({aws_cli({"rds", "describe-db-clusters", "--db-cluster-identifier",
                                 "cluster1"})["DBClusters"][0]["BackupRetentionPeriod"]});
  };
  Json before = cluster();
  Json records = prove_action(
      policy("rds-cluster", "{DBClusterIdentifier: cluster1}", "{type: retention, days: 21}"),
      "keep", cluster, "rds ModifyDBCluster");
  EXPECT_EQ(cluster(), Json::array({21}));
  expect_undo_restores(records, cluster, before);

  auto warehouse = [&] {
    return Json::array({aws_cli({"redshift", "describe-clusters", "--cluster-identifier",
                                 "warehouse"})["Clusters"][0]["AutomatedSnapshotRetentionPeriod"]});
  };
  before = warehouse();
  records = prove_action(
      policy("redshift", "{ClusterIdentifier: warehouse}", "{type: retention, days: 9}"), "keep",
      warehouse, "redshift ModifyCluster");
  EXPECT_EQ(warehouse(), Json::array({9}));
  expect_undo_restores(records, warehouse, before);
}

TEST_F(RetentionTest, RedshiftSetAttributesSendsWhatDiffers) {
  create(row_of("redshift"), client());
  auto state = [&] {
    Json cluster = aws_cli(
        {"redshift", "describe-clusters", "--cluster-identifier", "warehouse"})["Clusters"][0];
    return Json::array({cluster["AllowVersionUpgrade"], cluster["PreferredMaintenanceWindow"]});
  };
  Json before = state();
  ASSERT_NE(before[1], "sun:05:00-sun:05:30");
  Json records = prove_action(policy("redshift", "{ClusterIdentifier: warehouse}",
                                     "{type: set-attributes, attributes: {AllowVersionUpgrade: " +
                                         std::string(before[0] == true ? "false" : "true") +
                                         ", PreferredMaintenanceWindow: \"sun:05:00-sun:05:30\"}}"),
                              "keep", state, "redshift ModifyCluster");
  EXPECT_EQ(state(), Json::array({before[0] != true, "sun:05:00-sun:05:30"}));
  expect_undo_restores(records, state, before);
}

}  // namespace
}  // namespace custos::test
