// resize on aws.asg and aws.rds against moto: Cloud Custodian's off-hours pair (a group scaled to
// nothing with its sizes saved in a tag, then restored from it) and storage grown or shrunk by
// a percentage; each end state read back with the AWS CLI, a dry run changes nothing, a repeat
// is unchanged, and the undo played by the CLI restores what was there.
#include <gtest/gtest.h>

#include "integration/action_check.h"

namespace custos::test {
namespace {

class ResizeTest : public ActionTest {
 protected:
  void create_group() const {
    aws_cli({"autoscaling", "create-launch-configuration", "--launch-configuration-name", "lc",
             "--image-id", "ami-12c6146b", "--instance-type", "t2.micro"});
    aws_cli({"autoscaling", "create-auto-scaling-group", "--auto-scaling-group-name", "web",
             "--launch-configuration-name", "lc", "--min-size", "2", "--max-size", "3",
             "--desired-capacity", "2", "--availability-zones", "us-east-1a"});
  }
  // [MinSize, MaxSize, DesiredCapacity, the OffHoursPrevious tag or null]
  Json group() const {
    Json found = aws_cli({"autoscaling", "describe-auto-scaling-groups",
                          "--auto-scaling-group-names", "web"})["AutoScalingGroups"][0];
    Json saved;
    for (const Json& tag : found["Tags"])
      if (tag["Key"] == "OffHoursPrevious") saved = tag["Value"];
    return Json::array({found["MinSize"], found["MaxSize"], found["DesiredCapacity"], saved});
  }
  Json storage() const {
    return aws_cli({"rds", "describe-db-instances", "--db-instance-identifier",
                    "db1"})["DBInstances"][0]["AllocatedStorage"];
  }
};

const char* kOff = R"(policies:
  - name: offhours-asg-off
    resource: asg
    filters: [{AutoScalingGroupName: web}]
    actions:
      - type: resize
        min-size: 0
        desired-size: 0
        save-options-tag: OffHoursPrevious
)";

TEST_F(ResizeTest, AGroupIsScaledToNothingWithItsSizesSaved) {
  create_group();
  const Json before = group();
  ASSERT_EQ(before, Json::parse("[2, 3, 2, null]"));
  Json records = prove_action(
      kOff, "offhours-asg-off", [&] { return group(); }, "autoscaling UpdateAutoScalingGroup");
  EXPECT_EQ(group(), Json::parse(R"([0, 3, 0, "MinSize=2;MaxSize=3;DesiredCapacity=2"])"));
  EXPECT_EQ(records[0]["summary"], "DesiredCapacity 2 -> 0, MinSize 2 -> 0");
  expect_undo_restores(
      records, [&] { return group(); }, before);
}

TEST_F(ResizeTest, TheSizesSavedInTheTagAreRestored) {
  create_group();
  run_policy(kOff);
  Json records = prove_action(R"(policies:
  - name: offhours-asg-on
    resource: asg
    filters: [{AutoScalingGroupName: web}]
    actions:
      - type: resize
        restore-options-tag: OffHoursPrevious
)",
                              "offhours-asg-on", [&] { return group(); },
                              "autoscaling UpdateAutoScalingGroup");
  EXPECT_EQ(group(), Json::parse(R"([2, 3, 2, "MinSize=2;MaxSize=3;DesiredCapacity=2"])"));
  expect_undo_restores(
      records, [&] { return group(); },
      Json::parse(R"([0, 3, 0, "MinSize=2;MaxSize=3;DesiredCapacity=2"])"));
}

// Grown storage cannot be made smaller again: that record has no undo; a shrink's has.
TEST_F(ResizeTest, RdsStorageGrowsAndShrinksByAPercentage) {
  aws_cli({"rds", "create-db-instance", "--db-instance-identifier", "db1", "--engine", "postgres",
           "--db-instance-class", "db.t3.micro", "--master-username", "admin",
           "--master-user-password", "password123", "--allocated-storage", "20"});
  auto policy = [](const std::string& name, const std::string& percent) {
    return "policies:\n  - name: " + name +
           "\n    resource: rds\n    filters: [{DBInstanceIdentifier: db1}]\n    actions:\n"
           "      - {type: resize, percent: " +
           percent + ", immediate: true}\n";
  };
  run_policy(policy("grow", "30"), {"--no-journal", "--dryrun"});
  EXPECT_EQ(storage(), 20);
  run_policy(policy("grow", "30"), {"--no-journal"});
  EXPECT_EQ(storage(), 26);  // 20 * 1.3
  Json grown = actions_of("grow");
  ASSERT_EQ(grown.size(), 1u);
  EXPECT_TRUE(grown[0]["undo"].is_null());
  EXPECT_TRUE(check_holds(grown[0]["check"])) << grown[0];

  // (A percentage is not a target: each run resizes again, as Cloud Custodian's does.)
  run_policy(policy("shrink", "-30"), {"--no-journal"});
  EXPECT_EQ(storage(), 18);  // 26 * 0.7 = 18.2
  Json shrunk = actions_of("shrink");
  ASSERT_EQ(shrunk.size(), 1u);
  EXPECT_TRUE(check_holds(shrunk[0]["check"])) << shrunk[0];
  expect_undo_restores(
      shrunk, [&] { return storage(); }, Json(26));
}

}  // namespace
}  // namespace custos::test
