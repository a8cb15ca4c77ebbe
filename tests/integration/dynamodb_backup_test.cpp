// backup on aws.dynamodb-table over real HTTP against moto, Cloud Custodian's
// dynamodb-create-backup unchanged: a backup named PREFIX-TABLE-minute, listed by the AWS CLI,
// and deleted by the undo.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "support/paths.h"

namespace custos::test {
namespace {

using DynamodbBackupTest = ActionTest;

TEST_F(DynamodbBackupTest, EachRunMakesABackupTheUndoDeletes) {
  aws_cli({"dynamodb", "create-table", "--table-name", "orders", "--attribute-definitions",
           "AttributeName=id,AttributeType=S", "--key-schema", "AttributeName=id,KeyType=HASH",
           "--billing-mode", "PAY_PER_REQUEST"});
  auto backups = [&] {
    Json names = Json::array();
    for (const Json& backup : aws_cli({"dynamodb", "list-backups", "--table-name", "orders"})
                                  .value("BackupSummaries", Json::array()))
      names.push_back(backup["BackupName"]);
    return names;
  };
  const std::string yaml =
      read_file(data_path("policies/c7n/dynamodb-table/dynamodb-284-dynamodb-create-backup.yml"));
  ProcessResult dry = run_policy(yaml, {"--dryrun"});
  EXPECT_NE(dry.out.find("would call dynamodb CreateBackup"), std::string::npos) << dry.out;
  EXPECT_EQ(backups(), Json::array());
  run_policy(yaml);
  Json records = actions_of("dynamodb-create-backup");
  ASSERT_EQ(records.size(), 1u) << records.dump();
  EXPECT_TRUE(check_holds(records[0]["check"])) << records[0].dump();
  Json made = backups();
  ASSERT_EQ(made.size(), 1u);
  const std::string name = made[0];
  EXPECT_EQ(name.rfind("custom-orders-", 0), 0u) << name;
  EXPECT_EQ(name.size(), std::string("custom-orders-2026-12-07-15-30").size()) << name;
  expect_undo_restores(records, backups, Json::array());
}

}  // namespace
}  // namespace custos::test
