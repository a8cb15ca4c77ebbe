// The reference incident over real HTTP: custos contains an instance on a moto server, and the
// AWS CLI, an independent client, confirms the end state.
#include <gtest/gtest.h>

#include "integration/findings.h"
#include "integration/fixture.h"
#include "support/paths.h"

namespace custos::test {
namespace {

// The two reference policies, as a user writes them.
const std::string kStopTagged = read_file(data_path("policies/stop-tagged.yml"));

class ContainmentTest : public IntegrationTest {
 protected:
  Json associations(const std::string& id) const {
    return aws_cli({"ec2", "describe-iam-instance-profile-associations", "--filters",
                    "Name=instance-id,Values=" + id,
                    "Name=state,Values=associated"})["IamInstanceProfileAssociations"];
  }
  Json snapshots_of(const std::string& id) const {
    return aws_cli({"ec2", "describe-snapshots", "--owner-ids", "self", "--filters",
                    "Name=tag:custos:instance-id,Values=" + id})["Snapshots"];
  }
};

TEST_F(ContainmentTest, GuardDutyFindingContainsTheInstanceAsTheAwsCliSees) {
  std::string id = run_instance_with_profile("web-role");
  ASSERT_EQ(associations(id).size(), 1u);
  write("policy.yml", contain_policy());
  write("ev.json", instance_finding(id, 8).dump());

  auto result = custos({"run", "-s", path("out"), "--event", path("ev.json"), path("policy.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;

  EXPECT_EQ(instance_state(id), "stopped");
  EXPECT_EQ(associations(id).size(), 0u);
  Json volumes = aws_cli({"ec2", "describe-volumes", "--filters",
                          "Name=attachment.instance-id,Values=" + id})["Volumes"];
  Json snapshots = snapshots_of(id);
  ASSERT_EQ(snapshots.size(), volumes.size());
  ASSERT_GE(snapshots.size(), 1u);
  EXPECT_EQ(snapshots[0]["VolumeId"], volumes[0]["VolumeId"]);

  Json resources = Json::parse(read_file(path("out/ec2-compromised-contain/resources.json")));
  ASSERT_EQ(resources.size(), 1u);
  EXPECT_EQ(resources[0]["InstanceId"], id);
  EXPECT_EQ(resources[0]["IamInstanceProfile"]["Arn"],
            "arn:aws:iam::123456789012:instance-profile/web-role");
  Json metadata = Json::parse(read_file(path("out/ec2-compromised-contain/metadata.json")));
  EXPECT_EQ(metadata["policy"]["name"], "ec2-compromised-contain");
  EXPECT_NE(read_file(path("out/ec2-compromised-contain/custodian-run.log")).find("count:1"),
            std::string::npos);
}

TEST_F(ContainmentTest, LowSeverityFindingIsFilteredOutAndNothingChanges) {
  std::string id = run_instance_with_profile("web-role");
  write("policy.yml", contain_policy());
  write("ev.json", instance_finding(id, 2).dump());
  auto result = custos({"run", "-s", path("out"), "--event", path("ev.json"), path("policy.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("0 aws.ec2 resources matched"), std::string::npos) << result.out;
  EXPECT_EQ(instance_state(id), "running");
  EXPECT_EQ(associations(id).size(), 1u);
  EXPECT_EQ(snapshots_of(id).size(), 0u);
}

TEST_F(ContainmentTest, DryRunMatchesButChangesNothing) {
  std::string id = run_instance_with_profile("web-role");
  write("policy.yml", contain_policy());
  write("ev.json", instance_finding(id, 8).dump());
  auto result = custos(
      {"run", "--dryrun", "-s", path("out"), "--event", path("ev.json"), path("policy.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(Json::parse(read_file(path("out/ec2-compromised-contain/resources.json"))).size(), 1u);
  EXPECT_EQ(instance_state(id), "running");
  EXPECT_EQ(associations(id).size(), 1u);
}

TEST_F(ContainmentTest, MalformedEventIsRefusedAndTouchesNothing) {
  std::string id = run_instance_with_profile("web-role");
  write("policy.yml", contain_policy());
  write("broken.json", "{\"source\": \"aws.guardduty\",\n  \"detail\": {oops}}");
  auto result =
      custos({"run", "-s", path("out"), "--event", path("broken.json"), path("policy.yml")});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("broken.json:2:"), std::string::npos) << result.err;

  Json no_id = instance_finding(id, 8);
  no_id["detail"]["resource"]["instanceDetails"].erase("instanceId");
  write("no-id.json", no_id.dump());
  result = custos({"run", "-s", path("out"), "--event", path("no-id.json"), path("policy.yml")});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("instanceDetails.instanceId"), std::string::npos) << result.err;
  EXPECT_EQ(instance_state(id), "running");
  EXPECT_EQ(associations(id).size(), 1u);
  EXPECT_FALSE(std::filesystem::exists(path("out/ec2-compromised-contain")));
}

TEST_F(ContainmentTest, ActsInTheEventsRegionWhenNoRegionIsConfigured) {
  std::string id = run_instance_with_profile("web-role");
  write("policy.yml", contain_policy());
  write("ev.json", instance_finding(id, 8).dump());  // "region": "us-east-1"
  auto result = custos({"run", "-s", path("out"), "--event", path("ev.json"), path("policy.yml")},
                       {{"AWS_REGION", ""}, {"AWS_DEFAULT_REGION", ""}});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("using the event's region us-east-1"), std::string::npos);
  EXPECT_EQ(instance_state(id), "stopped");
}

TEST_F(ContainmentTest, PullModeStopsOnlyTaggedInstances) {
  std::string tagged = run_instance_with_profile("web-role");
  Json plain = aws_cli({"ec2", "run-instances", "--image-id", "ami-12c6146b", "--count", "2",
                        "--instance-type", "t3.micro"});
  write("policy.yml", kStopTagged);
  auto result = custos({"run", "-s", path("out"), path("policy.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(instance_state(tagged), "stopped");
  for (const Json& instance : plain["Instances"])
    EXPECT_EQ(instance_state(instance["InstanceId"].get<std::string>()), "running");
  Json resources = Json::parse(read_file(path("out/stop-tagged/resources.json")));
  ASSERT_EQ(resources.size(), 1u);
  EXPECT_EQ(resources[0]["InstanceId"], tagged);
}

TEST_F(ContainmentTest, EventForAnotherResourceTypeSkipsThePolicy) {
  std::string id = run_instance_with_profile("web-role");
  write("policy.yml", contain_policy());
  Json iam_finding = instance_finding(id, 8);
  iam_finding["detail"]["resource"]["resourceType"] = "AccessKey";
  write("ev.json", iam_finding.dump());
  auto result = custos({"run", "-s", path("out"), "--event", path("ev.json"), path("policy.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("skipped"), std::string::npos) << result.out;
  EXPECT_EQ(instance_state(id), "running");
}

}  // namespace
}  // namespace custos::test
