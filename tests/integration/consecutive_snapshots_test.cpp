// consecutive-snapshots on an RDS instance made in moto, its snapshots answered by a proxy in
// RDS's shape (moto dates every snapshot now): available ones today and yesterday, creating ones
// two and three days ago, so `days: 1` holds and `days: 3` does not, also if midnight UTC
// passes during the test (the days then move by one and both verdicts stay).
#include <gtest/gtest.h>

#include <ctime>

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

class ConsecutiveSnapshotsTest : public ActionTest {};

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
