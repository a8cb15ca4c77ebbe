// aws.cloudtrail over real HTTP against moto: trails with their tags and Cloud Custodian's status
// filter, logging turned back on the moment a StopLogging call arrives (the real event, naming
// the trail by ARN), and set-logging and update-trail proven three ways, each end state read
// back with the AWS CLI.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "integration/findings.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class CloudTrailTest : public ActionTest {
 protected:
  void SetUp() override {
    ActionTest::SetUp();
    aws_cli({"s3api", "create-bucket", "--bucket", "custos-trail-logs"});
  }
  // A logging trail; its ARN.
  std::string make_trail(const std::string& name, const std::string& tags = "") const {
    std::vector<std::string> args = {"cloudtrail", "create-trail",     "--name",
                                     name,         "--s3-bucket-name", "custos-trail-logs"};
    if (!tags.empty()) args.insert(args.end(), {"--tags-list", tags});
    std::string arn = aws_cli(args)["TrailARN"];
    aws_cli({"cloudtrail", "start-logging", "--name", name});
    return arn;
  }
  bool logging(const std::string& name) const {
    return aws_cli({"cloudtrail", "get-trail-status", "--name", name})["IsLogging"];
  }
  Json trail(const std::string& name) const {
    return aws_cli({"cloudtrail", "describe-trails", "--trail-name-list", name})["trailList"][0];
  }
};

std::string trail_policy(const std::string& name, const std::string& trail,
                         const std::string& actions) {
  return "policies:\n  - name: " + name +
         "\n    resource: aws.cloudtrail\n    filters:\n      - Name: " + trail +
         "\n    actions:\n" + actions;
}

TEST_F(CloudTrailTest, TrailsWithTheirTagsAndStatus) {
  std::string arn = make_trail("audit", "Key=team,Value=security");
  make_trail("other");
  aws_cli({"cloudtrail", "stop-logging", "--name", "audit"});
  write("p.yml", R"(policies:
  - name: stopped
    resource: cloudtrail
    filters:
      - type: status
        key: IsLogging
        value: false
)");
  auto result = custos({"run", "-s", path("out"), path("p.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  Json trails = Json::parse(read_file(path("out/stopped/resources.json")));
  ASSERT_EQ(trails.size(), 1u);
  EXPECT_EQ(trails[0]["TrailARN"], arn);
  EXPECT_EQ(trails[0]["HomeRegion"], "us-east-1");
  EXPECT_EQ(trails[0]["Tags"], Json::parse(R"([{"Key": "team", "Value": "security"}])"));
  EXPECT_EQ(trails[0]["c7n:TrailStatus"]["IsLogging"], false);
}

TEST_F(CloudTrailTest, SetLoggingStartsAStoppedTrail) {
  make_trail("audit");
  aws_cli({"cloudtrail", "stop-logging", "--name", "audit"});
  std::string yaml =
      trail_policy("restart", "audit", "      - {type: set-logging, enabled: true}\n");
  Json records = prove_action(
      yaml, "restart", [&] { return logging("audit"); }, "cloudtrail StartLogging");
  EXPECT_TRUE(logging("audit"));
  EXPECT_EQ(records[0]["undo"][0]["operation"], "StopLogging");
}

// The issue's case: someone stops a trail; the StopLogging call (naming the trail by ARN) starts
// it again, and only it.
TEST_F(CloudTrailTest, AStopLoggingCallIsUndoneOnThatTrailAlone) {
  std::string arn = make_trail("audit");
  make_trail("bystander");
  aws_cli({"cloudtrail", "stop-logging", "--name", "audit"});
  aws_cli({"cloudtrail", "stop-logging", "--name", "bystander"});
  write("event.json",
        cloudtrail_call("cloudtrail.amazonaws.com", "StopLogging", {{"name", arn}}).dump());
  write("policy.yml", R"(policies:
  - name: cloudtrail-stopped
    resource: aws.cloudtrail
    mode:
      type: cloudtrail
      events: [StopLogging]
    actions:
      - type: set-logging
        enabled: true
)");
  ProcessResult dry = run_event({"--dryrun"});
  EXPECT_NE(dry.out.find("would call cloudtrail StartLogging"), std::string::npos) << dry.out;
  EXPECT_FALSE(logging("audit"));

  ProcessResult acted = run_event({});
  EXPECT_EQ(acted.out.find("NOT VERIFIED"), std::string::npos) << acted.out;
  EXPECT_TRUE(logging("audit"));
  EXPECT_FALSE(logging("bystander"));
  Json records = actions_of("cloudtrail-stopped");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["resource"], arn);
  EXPECT_EQ(records[0]["outcome"], "changed");

  run_event({"--no-journal"});
  records = actions_of("cloudtrail-stopped");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["outcome"], "unchanged");
  EXPECT_FALSE(logging("bystander"));
}

TEST_F(CloudTrailTest, UpdateTrailSetsAttributesAndRemembersThePreviousOnes) {
  make_trail("audit");
  std::string yaml = trail_policy(
      "harden", "audit",
      "      - type: update-trail\n        attributes:\n          IsMultiRegionTrail: true\n"
      "          EnableLogFileValidation: true\n");
  auto attributes = [&] {
    Json t = trail("audit");
    return Json{{"multi", t["IsMultiRegionTrail"]}, {"validation", t["LogFileValidationEnabled"]}};
  };
  Json records = prove_action(yaml, "harden", attributes, "cloudtrail UpdateTrail");
  EXPECT_EQ(attributes(), Json({{"multi", true}, {"validation", true}}));
  const Json& undo = records[0]["undo"][0];
  EXPECT_EQ(undo["operation"], "UpdateTrail");
  EXPECT_EQ(undo["params"]["IsMultiRegionTrail"], false);
  EXPECT_EQ(undo["params"]["EnableLogFileValidation"], false);
}

}  // namespace
}  // namespace custos::test
