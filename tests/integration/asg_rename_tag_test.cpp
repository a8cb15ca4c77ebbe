// rename-tag on aws.asg in Cloud Custodian's asg form (source, dest, propagate) over real HTTP
// against moto, its documented asg-rename-owner-tag unchanged: the group's tag and its
// instances' tags renamed (read back with the AWS CLI), a second run finds nothing to rename,
// and the undo puts back what was there.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class AsgRenameTagTest : public ActionTest {};

TEST_F(AsgRenameTagTest, TheAsgFormRenamesTheGroupsTagAndItsInstancesTags) {
  aws_cli({"autoscaling", "create-launch-configuration", "--launch-configuration-name", "web",
           "--image-id", "ami-12c6146b", "--instance-type", "t3.micro"});
  aws_cli({"autoscaling", "create-auto-scaling-group", "--auto-scaling-group-name", "web",
           "--launch-configuration-name", "web", "--min-size", "1", "--max-size", "1",
           "--availability-zones", "us-east-1a", "--tags",
           "Key=OwnerNames,Value=alice,PropagateAtLaunch=true"});
  Json group = aws_cli({"autoscaling", "describe-auto-scaling-groups", "--auto-scaling-group-names",
                        "web"})["AutoScalingGroups"][0];
  ASSERT_EQ(group["Instances"].size(), 1u) << group.dump();
  const std::string instance = group["Instances"][0]["InstanceId"];
  aws_cli({"ec2", "create-tags", "--resources", instance, "--tags", "Key=OwnerNames,Value=alice"});
  auto state = [&] {
    Json now = {{"group", Json::object()}, {"instance", Json::object()}};
    const Json group_tags = aws_cli(
        {"autoscaling", "describe-tags", "--filters", "Name=auto-scaling-group,Values=web"});
    for (const Json& tag : group_tags["Tags"])
      now["group"][tag["Key"].get<std::string>()] = {tag["Value"], tag["PropagateAtLaunch"]};
    const Json instance_tags =
        aws_cli({"ec2", "describe-tags", "--filters", "Name=resource-id,Values=" + instance});
    for (const Json& tag : instance_tags["Tags"])
      if (tag["Key"] == "OwnerNames" || tag["Key"] == "OwnerName")
        now["instance"][tag["Key"].get<std::string>()] = tag["Value"];
    return now;
  };
  const Json before = state();
  ASSERT_EQ(before["group"]["OwnerNames"], Json::array({"alice", true})) << before.dump();
  ASSERT_EQ(before["instance"], (Json{{"OwnerNames", "alice"}}));

  const std::string yaml =
      read_file(data_path("policies/c7n/asg/asg-1328-asg-rename-owner-tag.yml"));
  Json records =
      prove_remedy(yaml, "asg-rename-owner-tag", state, "autoscaling CreateOrUpdateTags");
  ASSERT_EQ(records.size(), 1u);
  const Json after = state();
  EXPECT_EQ(after["group"]["OwnerName"], Json::array({"alice", true})) << after.dump();
  EXPECT_FALSE(after["group"].contains("OwnerNames")) << after.dump();
  EXPECT_EQ(after["instance"], (Json{{"OwnerName", "alice"}}));
  EXPECT_EQ(records[0]["before"]["InstanceTags"][instance],
            (Json{{"OwnerNames", "alice"}, {"OwnerName", nullptr}}));
  expect_undo_restores(records, state, before);
}

}  // namespace
}  // namespace custos::test
