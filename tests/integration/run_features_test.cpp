// `custos run` policy features against moto, checked with the AWS CLI: dry runs that print the
// calls and make none, max-resources stopping a policy before it acts, conditions, variables,
// and resources.json's c7n:MatchedFilters.
#include <gtest/gtest.h>

#include <filesystem>

#include "integration/findings.h"
#include "integration/fixture.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class RunFeaturesTest : public IntegrationTest {
 protected:
  Json associations(const std::string& id) const {
    return aws_cli({"ec2", "describe-iam-instance-profile-associations", "--filters",
                    "Name=instance-id,Values=" + id})["IamInstanceProfileAssociations"];
  }
  std::vector<std::string> run_tagged(int count, const std::string& team) const {
    Json run =
        aws_cli({"ec2", "run-instances", "--image-id", "ami-12c6146b", "--count",
                 std::to_string(count), "--instance-type", "t3.micro", "--tag-specifications",
                 "ResourceType=instance,Tags=[{Key=Team,Value=" + team + "}]"});
    std::vector<std::string> ids;
    for (const Json& instance : run["Instances"]) ids.push_back(instance["InstanceId"]);
    return ids;
  }
  Json output(const std::string& file) const { return Json::parse(read_file(path("out/" + file))); }
};

TEST_F(RunFeaturesTest, DryRunOfAnEventPolicyPrintsEachCallAndMakesNone) {
  std::string id = run_instance_with_profile("web-role");
  write("policy.yml", contain_policy());
  write("ev.json", instance_finding(id).dump());
  auto result = custos(
      {"run", "--dryrun", "-s", path("out"), "--event", path("ev.json"), path("policy.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;

  // In the policy's action order, with the exact parameters.
  std::string association = associations(id)[0]["AssociationId"];
  auto disassociate = result.out.find("would call ec2 DisassociateIamInstanceProfile " +
                                      Json({{"AssociationId", association}}).dump());
  auto stop =
      result.out.find("would call ec2 StopInstances " + Json({{"InstanceIds", {id}}}).dump());
  auto snapshot = result.out.find("would call ec2 CreateSnapshots {");
  ASSERT_NE(disassociate, std::string::npos) << result.out;
  ASSERT_NE(stop, std::string::npos) << result.out;
  ASSERT_NE(snapshot, std::string::npos) << result.out;
  EXPECT_LT(disassociate, stop);
  EXPECT_LT(stop, snapshot);

  EXPECT_EQ(instance_state(id), "running");
  EXPECT_EQ(associations(id).size(), 1u);
  EXPECT_EQ(aws_cli({"ec2", "describe-snapshots", "--owner-ids", "self", "--filters",
                     "Name=tag:custos:instance-id,Values=" + id})["Snapshots"]
                .size(),
            0u);

  Json calls = output("ec2-compromised-contain/dryrun-calls.json");
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0]["action"], "set-instance-profile");
  EXPECT_EQ(calls[1], Json({{"action", "stop"},
                            {"service", "ec2"},
                            {"operation", "StopInstances"},
                            {"params", {{"InstanceIds", {id}}}}}));
  EXPECT_EQ(calls[2]["params"]["InstanceSpecification"]["InstanceId"], id);
  for (const Json& record : output("ec2-compromised-contain/actions.json"))
    EXPECT_EQ(record["dryrun"], true) << record;
  EXPECT_EQ(output("ec2-compromised-contain/metadata.json")["config"]["dryrun"], true);
}

TEST_F(RunFeaturesTest, DryRunOfAPullPolicyPrintsTheStopAndLeavesInstancesRunning) {
  auto ids = run_tagged(2, "web");
  write("policy.yml",
        "policies:\n  - name: stop-web\n    resource: ec2\n    filters: [{tag:Team: web}]\n"
        "    actions: [stop]\n");
  auto result = custos({"run", "--dryrun", "-s", path("out"), path("policy.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(contains(result.out, "would call ec2 StopInstances")) << result.out;
  for (const auto& id : ids) EXPECT_EQ(instance_state(id), "running");
  Json calls = output("stop-web/dryrun-calls.json");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0]["params"]["InstanceIds"].size(), 2u);
}

TEST_F(RunFeaturesTest, MaxResourcesStopsAPullPolicyBeforeAnyAction) {
  auto ids = run_tagged(3, "web");
  write("policy.yml",
        "policies:\n  - name: stop-web\n    resource: ec2\n    max-resources: 2\n"
        "    filters: [{tag:Team: web}]\n    actions: [stop]\n");
  auto result = custos({"run", "-s", path("out"), path("policy.yml")});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(contains(result.err, "policy:stop-web exceeded resource-limit:2 found:3 total: 3"))
      << result.err;
  for (const auto& id : ids) EXPECT_EQ(instance_state(id), "running");
  EXPECT_FALSE(std::filesystem::exists(path("out/stop-web/resources.json")));
  EXPECT_TRUE(contains(read_file(path("out/stop-web/custodian-run.log")),
                       "ERROR - policy:stop-web exceeded resource-limit:2"));

  // Within the limit it acts.
  write("policy.yml",
        "policies:\n  - name: stop-web\n    resource: ec2\n    max-resources-percent: 100\n"
        "    filters: [{tag:Team: web}]\n    actions: [stop]\n");
  result = custos({"run", "-s", path("out"), path("policy.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  for (const auto& id : ids) EXPECT_EQ(instance_state(id), "stopped");
}

TEST_F(RunFeaturesTest, MaxResourcesPercentStopsAnEventPolicyBeforeAnyAction) {
  std::string id = run_instance_with_profile("web-role");
  std::string policy = contain_policy();
  policy.insert(policy.find("    mode:"), "    max-resources-percent: 50\n");
  write("policy.yml", policy);
  write("ev.json", instance_finding(id).dump());
  auto result = custos({"run", "-s", path("out"), "--event", path("ev.json"), path("policy.yml")});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(contains(
      result.err, "policy:ec2-compromised-contain exceeded resource-limit:50% found:1 total:1"))
      << result.err;
  EXPECT_EQ(instance_state(id), "running");
  EXPECT_EQ(associations(id).size(), 1u);
}

TEST_F(RunFeaturesTest, ConditionsSkipAPolicyOrLetItRun) {
  auto ids = run_tagged(1, "web");
  write("policy.yml",
        "policies:\n"
        "  - name: elsewhere\n    resource: ec2\n    region: eu-west-1\n    actions: [stop]\n"
        "  - name: not-this-account\n    resource: ec2\n"
        "    conditions: [{account_id: '000000000000'}]\n    actions: [stop]\n"
        "  - name: here\n    resource: ec2\n"
        "    conditions:\n"
        "      - {type: value, key: region, value: us-east-1}\n"
        "      - {type: value, key: account_id, value: '123456789012'}\n"
        "      - {type: value, key: now, op: gt, value: '2000-01-01'}\n"
        "    actions: [stop]\n");
  auto result = custos({"run", "-s", path("out"), path("policy.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(contains(result.out, "elsewhere: skipped: its conditions do not hold")) << result.out;
  EXPECT_TRUE(contains(result.out, "not-this-account: skipped: its conditions do not hold"));
  EXPECT_TRUE(contains(result.out, "here: 1 aws.ec2 resource matched")) << result.out;
  EXPECT_FALSE(std::filesystem::exists(path("out/elsewhere")));
  EXPECT_EQ(instance_state(ids[0]), "stopped");
}

TEST_F(RunFeaturesTest, VariablesExpandInFiltersAndTheRecordedPolicy) {
  auto web = run_tagged(1, "sec");
  auto other = run_tagged(1, "dev");
  write("policy.yml",
        "vars:\n  team: sec\n"
        "policies:\n"
        "  - name: team-instances\n    resource: ec2\n"
        "    description: 'instances of {team} in {account_id}/{region} ({partition})'\n"
        "    filters: [{tag:Team: '{team}'}]\n");
  auto result = custos({"run", "-s", path("out"), path("policy.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  Json resources = output("team-instances/resources.json");
  ASSERT_EQ(resources.size(), 1u);
  EXPECT_EQ(resources[0]["InstanceId"], web[0]);
  EXPECT_EQ(output("team-instances/metadata.json")["policy"]["description"],
            "instances of sec in 123456789012/us-east-1 (aws)");
}

TEST_F(RunFeaturesTest, ResourcesRecordTheirMatchedFiltersAsCloudCustodianDoes) {
  run_tagged(1, "web");
  write("policy.yml",
        "policies:\n  - name: web\n    resource: ec2\n    filters:\n"
        "      - {tag:Team: web}\n"
        "      - {type: value, key: State.Name, value: running}\n"
        "      - or: [{InstanceType: t3.micro}, {InstanceType: t3.large}]\n"
        "      - not: [{tag:Team: dev}]\n");
  auto result = custos({"run", "-s", path("out"), path("policy.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  Json resources = output("web/resources.json");
  ASSERT_EQ(resources.size(), 1u);
  EXPECT_EQ(resources[0]["c7n:MatchedFilters"], Json({"tag:Team", "State.Name", "InstanceType"}));
}

}  // namespace
}  // namespace custos::test
