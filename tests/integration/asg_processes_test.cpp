// suspend and resume on an Auto Scaling group of two instances in moto: the group's suspended
// processes and its instances' states read back with the AWS CLI after each run; a dry run
// changes nothing, a repeat is unchanged, and the undo played by the CLI restores the group.
#include <gtest/gtest.h>

#include <algorithm>

#include "integration/action_check.h"

namespace custos::test {
namespace {

class AsgProcessesTest : public ActionTest {
 protected:
  void SetUp() override {
    ActionTest::SetUp();
    aws_cli({"autoscaling", "create-launch-configuration", "--launch-configuration-name", "lc",
             "--image-id", "ami-12c6146b", "--instance-type", "t2.micro"});
    aws_cli({"autoscaling", "create-auto-scaling-group", "--auto-scaling-group-name", "web",
             "--launch-configuration-name", "lc", "--min-size", "2", "--max-size", "2",
             "--desired-capacity", "2", "--availability-zones", "us-east-1a"});
  }

  // [suspended processes (sorted), the instances' states (sorted)]
  Json state() const {
    Json group = aws_cli({"autoscaling", "describe-auto-scaling-groups",
                          "--auto-scaling-group-names", "web"})["AutoScalingGroups"][0];
    std::vector<std::string> processes, states;
    for (const Json& process : group["SuspendedProcesses"])
      processes.push_back(process["ProcessName"]);
    std::vector<std::string> ids;
    for (const Json& instance : group["Instances"]) ids.push_back(instance["InstanceId"]);
    std::vector<std::string> args = {"ec2", "describe-instances", "--instance-ids"};
    args.insert(args.end(), ids.begin(), ids.end());
    Json described = aws_cli(args);  // (a loop over a temporary's member would dangle)
    for (const Json& reservation : described["Reservations"])
      for (const Json& instance : reservation["Instances"])
        states.push_back(instance["State"]["Name"]);
    std::sort(processes.begin(), processes.end());
    std::sort(states.begin(), states.end());
    return Json::array({processes, states});
  }
};

const char* kSuspend = R"(policies:
  - name: hold
    resource: asg
    filters: [{AutoScalingGroupName: web}]
    actions:
      - {type: suspend, exclude: [AddToLoadBalancer]}
)";

TEST_F(AsgProcessesTest, SuspendHoldsTheGroupAndStopsItsInstances) {
  Json before = state();
  ASSERT_EQ(before, Json::array({Json::array(), {"running", "running"}}));
  Json records = prove_action(
      kSuspend, "hold", [&] { return state(); }, "autoscaling SuspendProcesses");
  EXPECT_EQ(state(), Json::array({{"AZRebalance", "AlarmNotification", "HealthCheck", "Launch",
                                   "ReplaceUnhealthy", "ScheduledActions", "Terminate"},
                                  {"stopped", "stopped"}}));
  expect_undo_restores(
      records, [&] { return state(); }, before);
}

TEST_F(AsgProcessesTest, ResumeStartsTheInstancesAndTheProcessesAgain) {
  run_policy(kSuspend);
  Json held = state();
  ASSERT_EQ(held[1], Json::array({"stopped", "stopped"}));
  Json records = prove_action(R"(policies:
  - name: release
    resource: asg
    filters: [{AutoScalingGroupName: web}]
    actions:
      - {type: resume, delay: 0}
)",
                              "release", [&] { return state(); }, "ec2 StartInstances");
  EXPECT_EQ(state(), Json::array({Json::array(), {"running", "running"}}));
  expect_undo_restores(
      records, [&] { return state(); }, held);
}

// Cloud Custodian's asg-propagate-required: a tag the group gained after its instances were
// launched is set on them (the group's tags that do not propagate are not); undo removes it.
TEST_F(AsgProcessesTest, PropagateTagsSetsTheGroupsTagOnItsInstances) {
  aws_cli({"autoscaling", "create-or-update-tags", "--tags",
           "ResourceId=web,ResourceType=auto-scaling-group,Key=OwnerName,Value=sec,"
           "PropagateAtLaunch=true",
           "ResourceId=web,ResourceType=auto-scaling-group,Key=Env,Value=prod,"
           "PropagateAtLaunch=false"});
  // Each instance's "KEY=VALUE" tags (aws: ones aside), sorted.
  auto instance_tags = [&] {
    Json group = aws_cli({"autoscaling", "describe-auto-scaling-groups",
                          "--auto-scaling-group-names", "web"})["AutoScalingGroups"][0];
    std::vector<std::string> args = {"ec2", "describe-instances", "--instance-ids"};
    for (const Json& instance : group["Instances"]) args.push_back(instance["InstanceId"]);
    const Json described = aws_cli(args);
    Json all = Json::array();
    for (const Json& reservation : described["Reservations"])
      for (const Json& instance : reservation["Instances"]) {
        std::vector<std::string> tags;
        for (const Json& tag : instance.value("Tags", Json::array()))
          if (tag["Key"].get<std::string>().rfind("aws:", 0) != 0)
            tags.push_back(tag["Key"].get<std::string>() + "=" + tag["Value"].get<std::string>());
        std::sort(tags.begin(), tags.end());
        all.push_back(tags);
      }
    return all;
  };
  const Json before = instance_tags();
  ASSERT_EQ(before.size(), 2u);
  Json records = prove_action(R"(policies:
  - name: asg-propagate-required
    resource: asg
    filters:
      - "tag:OwnerName": present
    actions:
      - type: propagate-tags
        tags:
          - OwnerName
)",
                              "asg-propagate-required", instance_tags, "ec2 CreateTags");
  for (const Json& tags : instance_tags()) {
    EXPECT_NE(std::find(tags.begin(), tags.end(), "OwnerName=sec"), tags.end()) << tags;
    EXPECT_EQ(std::find(tags.begin(), tags.end(), "Env=prod"), tags.end()) << tags;
  }
  expect_undo_restores(records, instance_tags, before);
}

}  // namespace
}  // namespace custos::test
