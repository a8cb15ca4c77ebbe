// rds `engine` over real HTTP against moto: databases judged by how RDS describes their engine
// version (Cloud Custodian's find-deprecated-versions). moto does not implement
// DescribeDBEngineVersions, so a proxy in front of it answers as AWS does (postgres 11.1
// deprecated, 16.1 available) and the test checks what custos asked.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "support/fault_proxy.h"

namespace custos::test {
namespace {

class EngineFilterTest : public ActionTest {};

std::optional<FaultProxy::Reply> engine_versions(const FaultProxy::Arrival& arrival) {
  if (arrival.body.find("Action=DescribeDBEngineVersions") == std::string::npos)
    return std::nullopt;
  bool old = arrival.body.find("EngineVersion=11.1") != std::string::npos;
  FaultProxy::Reply reply;
  reply.body =
      "<DescribeDBEngineVersionsResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\">"
      "<DescribeDBEngineVersionsResult><DBEngineVersions><DBEngineVersion><Engine>postgres"
      "</Engine><EngineVersion>" +
      std::string(old ? "11.1" : "16.1") + "</EngineVersion><Status>" +
      (old ? "deprecated" : "available") +
      "</Status></DBEngineVersion></DBEngineVersions></DescribeDBEngineVersionsResult>"
      "<ResponseMetadata><RequestId>recorded</RequestId></ResponseMetadata>"
      "</DescribeDBEngineVersionsResponse>";
  return reply;
}

TEST_F(EngineFilterTest, DatabasesOnADeprecatedEngineVersion) {
  for (auto [db, version] : {std::pair{"old", "11.1"}, std::pair{"new", "16.1"}})
    aws_cli({"rds", "create-db-instance", "--db-instance-identifier", db, "--engine", "postgres",
             "--engine-version", version, "--db-instance-class", "db.t3.micro", "--master-username",
             "admin", "--master-user-password", "password123", "--allocated-storage", "20"});
  FaultProxy proxy(emulator().url());
  proxy.answer_with(engine_versions);
  Json found = matched_by(R"(policies:
  - name: deprecated
    resource: rds
    filters:
      - type: engine
        key: Status
        value: deprecated
)",
                          "deprecated", {{"AWS_ENDPOINT_URL", proxy.url()}});
  ASSERT_EQ(found.size(), 1u) << found.dump();
  EXPECT_EQ(found[0]["DBInstanceIdentifier"], "old");
  EXPECT_EQ(found[0]["c7n:Engine"]["EngineVersion"], "11.1");
  int asked = 0;
  for (const auto& arrival : proxy.arrivals()) {
    if (arrival.body.find("Action=DescribeDBEngineVersions") == std::string::npos) continue;
    ++asked;
    EXPECT_NE(arrival.body.find("Engine=postgres"), std::string::npos) << arrival.body;
    EXPECT_NE(arrival.body.find("IncludeAll=true"), std::string::npos) << arrival.body;
  }
  EXPECT_EQ(asked, 2);  // once for each database's version
}

}  // namespace
}  // namespace custos::test
