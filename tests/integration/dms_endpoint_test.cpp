// modify-endpoint on DMS endpoints over real HTTP. moto 5.2 has no ModifyEndpoint: a proxy in
// front of it answers that call as AWS does and keeps what custos sent; the endpoint itself is
// moto's, and the record's undo asks for the setting it had.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "support/fault_proxy.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class DmsEndpointTest : public ActionTest {};

// Cloud Custodian's dms-endpoint-modify: SSL required on a SQL Server endpoint without it.
TEST_F(DmsEndpointTest, ModifyEndpointRequiresSsl) {
  std::string arn = aws_cli({"dms", "create-endpoint", "--endpoint-identifier", "legacy",
                             "--endpoint-type", "source", "--engine-name", "sqlserver",
                             "--ssl-mode", "none"})["Endpoint"]["EndpointArn"];
  FaultProxy proxy(emulator().url());
  proxy.answer_action("ModifyEndpoint",
                      {200,
                       Json{{"Endpoint", {{"EndpointArn", arn}, {"SslMode", "require"}}}}.dump(),
                       "application/x-amz-json-1.1",
                       {}});
  write("policy.yml", R"(policies:
  - name: dms-endpoint-modify
    resource: dms-endpoint
    filters:
      - EngineName: sqlserver
      - SslMode: none
    actions:
      - type: modify-endpoint
        SslMode: require
)");
  auto sent = [&] {
    std::vector<Json> bodies;
    for (const auto& arrival : proxy.arrivals())
      for (const auto& [header, value] : arrival.headers)
        if (value == "AmazonDMSv20160101.ModifyEndpoint")
          bodies.push_back(Json::parse(arrival.body));
    return bodies;
  };
  const std::map<std::string, std::string> via_proxy = {{"AWS_ENDPOINT_URL", proxy.url()}};
  ProcessResult dry =
      custos({"run", "--no-journal", "--dryrun", "-s", path("out"), path("policy.yml")}, via_proxy);
  ASSERT_EQ(dry.exit_code, 0) << dry.out << dry.err;
  EXPECT_NE(dry.out.find("would call dms ModifyEndpoint"), std::string::npos) << dry.out;
  EXPECT_TRUE(sent().empty());
  ProcessResult run =
      custos({"run", "--no-journal", "-s", path("out"), path("policy.yml")}, via_proxy);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  ASSERT_EQ(sent().size(), 1u);
  EXPECT_EQ(sent()[0], Json({{"EndpointArn", arn}, {"SslMode", "require"}}));
  Json record = actions_of("dms-endpoint-modify")[0];
  EXPECT_EQ(record["outcome"], "changed");
  EXPECT_EQ(record["undo"][0]["operation"], "ModifyEndpoint");
  EXPECT_EQ(record["undo"][0]["params"]["SslMode"], "none");
}

}  // namespace
}  // namespace custos::test
