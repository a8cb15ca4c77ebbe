// consecutive-snapshots on an RDS instance and consecutive-backups on a DynamoDB table and an FSx
// file system, made in moto, their snapshots or backups answered by a proxy in the service's
// shape (moto dates every one now): available ones today and yesterday, creating ones two and
// three days ago, so `days: 1` holds and `days: 3` does not, also if midnight UTC passes during
// the test (the days then move by one and both verdicts stay).
#include <gtest/gtest.h>

#include <ctime>
#include <functional>

#include "integration/action_check.h"
#include "integration/type_rows.h"
#include "jmespath/jmespath.h"
#include "support/fault_proxy.h"
#include "support/paths.h"

namespace custos::test {
namespace {

std::string day_at_noon(int days_ago) {
  std::time_t when = std::time(nullptr) - days_ago * 86400;
  std::tm utc{};
  gmtime_r(&when, &utc);
  char text[32];
  return std::string(text, std::strftime(text, sizeof text, "%Y-%m-%dT12:00:00.000Z", &utc));
}

// Noon UTC `days_ago`, in seconds since the epoch (the JSON protocols' timestamps).
std::time_t noon_seconds(int days_ago) {
  std::time_t when = std::time(nullptr) - days_ago * 86400;
  return when - when % 86400 + 12 * 3600;
}

class ConsecutiveSnapshotsTest : public ActionTest {
 protected:
  // The names of the policies days-1 and days-3 (`filter` with {N} for the days) match.
  Json verdicts(const std::string& resource, const std::string& filter,
                const FaultProxy& proxy) const {
    std::string policies = "policies:\n";
    for (int days : {1, 3}) {
      std::string written = filter;
      written.replace(written.find("{N}"), 3, std::to_string(days));
      policies += "  - name: days-" + std::to_string(days) + "\n    resource: " + resource +
                  "\n    filters:\n      - " + written + "\n";
    }
    write("policy.yml", policies);
    auto run = custos({"run", "--no-journal", "-s", path("out"), path("policy.yml")},
                      {{"AWS_ENDPOINT_URL", proxy.url()}});
    EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
    Json matched = Json::array();
    for (int days : {1, 3})
      if (!Json::parse(read_file(path("out/days-" + std::to_string(days) + "/resources.json")))
               .empty())
        matched.push_back("days-" + std::to_string(days));
    return matched;
  }
  // Backups in a JSON protocol's shape, made by `entry(days_ago, status)`.
  static FaultProxy::Reply json_list(const std::string& list,
                                     const std::function<Json(int, bool)>& entry) {
    Json items = Json::array();
    for (auto [days_ago, ready] : {std::pair{0, true}, {1, true}, {2, false}, {3, false}})
      items.push_back(entry(days_ago, ready));
    FaultProxy::Reply reply;
    reply.content_type = "application/x-amz-json-1.0";
    reply.body = Json{{list, items}}.dump();
    return reply;
  }
};

// Cloud Custodian's dynamodb-daily-backup-count: the table's SYSTEM backups, asked for by type.
TEST_F(ConsecutiveSnapshotsTest, CountsTheDaysWithAnAvailableTableBackup) {
  aws_cli({"dynamodb", "create-table", "--table-name", "orders", "--attribute-definitions",
           "AttributeName=id,AttributeType=S", "--key-schema", "AttributeName=id,KeyType=HASH",
           "--billing-mode", "PAY_PER_REQUEST"});
  FaultProxy proxy(emulator().url());
  proxy.answer_action("ListBackups", json_list("BackupSummaries", [](int days_ago, bool ready) {
                        return Json{{"TableName", "orders"},
                                    {"BackupArn",
                                     "arn:aws:dynamodb:us-east-1:123456789012:table/"
                                     "orders/backup/" +
                                         std::to_string(days_ago)},
                                    {"BackupCreationDateTime", noon_seconds(days_ago)},
                                    {"BackupStatus", ready ? "AVAILABLE" : "CREATING"},
                                    {"BackupType", "SYSTEM"}};
                      }));
  EXPECT_EQ(verdicts("dynamodb-table",
                     "{type: consecutive-backups, count: {N}, period: days, backuptype: SYSTEM, "
                     "status: AVAILABLE}",
                     proxy),
            Json::array({"days-1"}));
  bool typed = false;
  for (const auto& arrival : proxy.arrivals())
    typed |= arrival.body.find("\"BackupType\":\"SYSTEM\"") != std::string::npos &&
             arrival.body.find("\"TableName\":\"orders\"") != std::string::npos;
  EXPECT_TRUE(typed) << "ListBackups was not asked for the table's SYSTEM backups";
}

TEST_F(ConsecutiveSnapshotsTest, CountsTheDaysWithAnAvailableFileSystemBackup) {
  std::string vpc = aws_cli({"ec2", "create-vpc", "--cidr-block", "10.0.0.0/16"})["Vpc"]["VpcId"];
  std::string subnet = aws_cli({"ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block",
                                "10.0.1.0/24"})["Subnet"]["SubnetId"];
  std::string id =
      aws_cli({"fsx", "create-file-system", "--file-system-type", "LUSTRE", "--storage-capacity",
               "1200", "--subnet-ids", subnet})["FileSystem"]["FileSystemId"];
  FaultProxy proxy(emulator().url());
  proxy.answer_action("DescribeBackups", json_list("Backups", [&](int days_ago, bool ready) {
                        return Json{{"BackupId", "backup-" + std::to_string(days_ago)},
                                    {"Lifecycle", ready ? "AVAILABLE" : "CREATING"},
                                    {"Type", "AUTOMATIC"},
                                    {"CreationTime", noon_seconds(days_ago)},
                                    {"FileSystem", {{"FileSystemId", id}}}};
                      }));
  EXPECT_EQ(verdicts("fsx", "{type: consecutive-backups, days: {N}}", proxy),
            Json::array({"days-1"}));
}

TEST_F(ConsecutiveSnapshotsTest, CountsTheDaysWithAnAvailableSnapshot) {
  const Row& row = row_of("rds");
  std::string id = jmespath::Expression::compile(row.id).search(create(row, client()));
  std::string snapshots;
  for (auto [days_ago, status] :
       {std::pair{0, "available"}, {1, "available"}, {2, "creating"}, {3, "creating"}})
    snapshots += "<DBSnapshot><DBSnapshotIdentifier>snap-" + std::to_string(days_ago) +
                 "</DBSnapshotIdentifier><DBInstanceIdentifier>" + id +
                 "</DBInstanceIdentifier><SnapshotCreateTime>" + day_at_noon(days_ago) +
                 "</SnapshotCreateTime><Status>" + status + "</Status></DBSnapshot>";
  FaultProxy proxy(emulator().url());
  FaultProxy::Reply reply;
  reply.body =
      "<DescribeDBSnapshotsResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\">"
      "<DescribeDBSnapshotsResult><DBSnapshots>" +
      snapshots +
      "</DBSnapshots></DescribeDBSnapshotsResult><ResponseMetadata><RequestId>c7n</RequestId>"
      "</ResponseMetadata></DescribeDBSnapshotsResponse>";
  proxy.answer_action("DescribeDBSnapshots", reply);
  std::string policies = "policies:\n";
  for (int days : {1, 3})
    policies += "  - name: days-" + std::to_string(days) +
                "\n    resource: rds\n    filters:\n      - DBInstanceIdentifier: " + id +
                "\n      - {type: consecutive-snapshots, days: " + std::to_string(days) + "}\n";
  write("policy.yml", policies);
  auto run = custos({"run", "--no-journal", "-s", path("out"), path("policy.yml")},
                    {{"AWS_ENDPOINT_URL", proxy.url()}});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  auto found = [&](int days) {
    return Json::parse(read_file(path("out/days-" + std::to_string(days) + "/resources.json")));
  };
  ASSERT_EQ(found(1).size(), 1u);
  EXPECT_EQ(found(1)[0]["c7n:DBSnapshots"].size(), 4u);
  EXPECT_EQ(found(3).size(), 0u);
  bool asked_for_it = false;
  for (const auto& arrival : proxy.arrivals())
    asked_for_it |= arrival.body.find("Action=DescribeDBSnapshots") != std::string::npos &&
                    arrival.body.find(id) != std::string::npos;
  EXPECT_TRUE(asked_for_it) << "DescribeDBSnapshots was not filtered by the instance";
}

}  // namespace
}  // namespace custos::test
