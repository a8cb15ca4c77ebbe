// aws.hostedzone's query-logging-enabled filter and set-query-logging action over real HTTP
// against moto: logging configurations and log groups read back with the AWS CLI.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class QueryLoggingTest : public ActionTest {
 protected:
  void SetUp() override {
    ActionTest::SetUp();
    public_ = zone("example.com", {});
    zone("internal.example", {"--vpc", "VPCRegion=us-east-1,VPCId=" + vpc(), "--hosted-zone-config",
                              "PrivateZone=true"});
  }

  std::string zone(const std::string& name, std::vector<std::string> extra) const {
    std::vector<std::string> args = {"route53", "create-hosted-zone", "--name",
                                     name,      "--caller-reference", "custos-" + name};
    args.insert(args.end(), extra.begin(), extra.end());
    std::string id = aws_cli(args)["HostedZone"]["Id"];
    return id.substr(id.rfind('/') + 1);
  }
  std::string vpc() const {
    return aws_cli({"ec2", "create-vpc", "--cidr-block", "10.0.0.0/16"})["Vpc"]["VpcId"];
  }
  // The log group names of the zone's logging configurations.
  Json logging() const {
    Json configs = Json::array();
    for (const Json& config : aws_cli({"route53", "list-query-logging-configs"})
                                  .value("QueryLoggingConfigs", Json::array()))
      configs.push_back(
          config["HostedZoneId"].get<std::string>() + " " +
          config["CloudWatchLogsLogGroupArn"].get<std::string>().substr(
              config["CloudWatchLogsLogGroupArn"].get<std::string>().find(":log-group:") + 11));
    return configs;
  }
  Json groups() const {
    Json names = Json::array();
    for (const Json& group : aws_cli({"logs", "describe-log-groups", "--region", "us-east-1"})
                                 .value("logGroups", Json::array()))
      names.push_back(group["logGroupName"]);
    return names;
  }

  std::string public_;
};

// Cloud Custodian's enablednsquerylogging, unchanged: the public zone without logging gets a
// log group of its own in us-east-1 and logs to it; the private zone is left alone. The undo
// stops the logging and removes the group it made.
TEST_F(QueryLoggingTest, APublicZoneWithoutLoggingLogsToAGroupMadeForIt) {
  const std::string yaml = R"(policies:
  - name: enablednsquerylogging
    resource: hostedzone
    region: us-east-1
    filters:
      - type: query-logging-enabled
        state: false
    actions:
      - type: set-query-logging
        state: true
)";
  // The log group made is part of what changes: a dry run makes none, the undo removes it.
  auto state = [&] { return Json::array({logging(), groups()}); };
  Json records =
      prove_remedy(yaml, "enablednsquerylogging", state, "route53 CreateQueryLoggingConfig");
  EXPECT_EQ(groups(), Json::array({"/aws/route53/example.com"}));
  ASSERT_EQ(records.size(), 1u) << records.dump();
  EXPECT_EQ(records[0]["resource"], "/hostedzone/" + public_);
  EXPECT_EQ(records[0]["summary"], "queries logged to /aws/route53/example.com (made)");
  EXPECT_EQ(logging(), Json::array({public_ + " /aws/route53/example.com:*"}));
  expect_undo_restores(records, state, Json::array({Json::array(), Json::array()}));
}

// state: true finds the logging zones (their configuration kept); set-query-logging state:
// false stops it, and its undo starts it again to the same group.
TEST_F(QueryLoggingTest, LoggingFoundIsStoppedAndTheUndoStartsItAgain) {
  aws_cli({"logs", "create-log-group", "--log-group-name", "dns", "--region", "us-east-1"});
  std::string arn = "arn:aws:logs:us-east-1:123456789012:log-group:dns:*";
  aws_cli({"route53", "create-query-logging-config", "--hosted-zone-id", public_,
           "--cloud-watch-logs-log-group-arn", arn});
  const Json before = logging();
  const std::string yaml = R"(policies:
  - name: stop
    resource: hostedzone
    filters:
      - {type: query-logging-enabled, state: true}
    actions:
      - {type: set-query-logging, state: false}
)";
  run_policy(yaml);
  Json matched = Json::parse(read_file(path("out/stop/resources.json")));
  ASSERT_EQ(matched.size(), 1u);
  EXPECT_EQ(matched[0]["c7n:log-config"]["CloudWatchLogsLogGroupArn"], arn);
  EXPECT_EQ(matched[0]["c7n:log-config"]["loggroup_subscription"], Json::array());
  Json records = actions_of("stop");
  ASSERT_EQ(records.size(), 1u) << records.dump();
  EXPECT_EQ(records[0]["outcome"], "changed");
  EXPECT_EQ(logging(), Json::array());
  expect_undo_restores(
      records, [&] { return logging(); }, before);
}

}  // namespace
}  // namespace custos::test
