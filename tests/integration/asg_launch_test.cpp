// aws.asg's filters over what a group launches, against moto: a group from a launch
// configuration with user data and an unencrypted volume, a group from an encrypted launch
// template, and a group whose launch configuration names a key pair and a security group that
// do not exist. capacity-delta and propagated-tags judge the group itself (custos eval on
// saved documents: moto fills every group at once).
#include <gtest/gtest.h>

#include <algorithm>

#include "integration/action_check.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class AsgLaunchTest : public ActionTest {
 protected:
  void SetUp() override {
    ActionTest::SetUp();
    std::tie(vpc_, subnets_) = vpc_with_two_subnets();
    aws_cli({"autoscaling", "create-launch-configuration", "--launch-configuration-name", "plain",
             "--image-id", "ami-12c6146b", "--instance-type", "t2.micro", "--user-data",
             "#!/bin/sh\nexport DB_PASSWORD=hunter2\n", "--block-device-mappings",
             R"([{"DeviceName": "/dev/sdb", "Ebs": {"VolumeSize": 8, "Encrypted": false}}])"});
    aws_cli({"autoscaling", "create-launch-configuration", "--launch-configuration-name", "keyed",
             "--image-id", "ami-12c6146b", "--instance-type", "t2.micro", "--key-name",
             "missing-key", "--security-groups", "sg-0000000000000dead"});
    aws_cli({"ec2", "create-launch-template", "--launch-template-name", "sealed",
             "--launch-template-data",
             R"({"ImageId": "ami-12c6146b", "InstanceType": "t2.micro", "BlockDeviceMappings":
                 [{"DeviceName": "/dev/sdb", "Ebs": {"VolumeSize": 8, "Encrypted": true}}]})"});
    group("web", {"--launch-configuration-name", "plain"}, 1);
    group("broken", {"--launch-configuration-name", "keyed"}, 0);
    group("sealed", {"--launch-template", "LaunchTemplateName=sealed"}, 0);
  }
  void group(const std::string& name, std::vector<std::string> launch, int size) const {
    std::vector<std::string> args = {"autoscaling",
                                     "create-auto-scaling-group",
                                     "--auto-scaling-group-name",
                                     name,
                                     "--min-size",
                                     std::to_string(size),
                                     "--max-size",
                                     "2",
                                     "--desired-capacity",
                                     std::to_string(size),
                                     "--vpc-zone-identifier",
                                     subnets_[0]};
    args.insert(args.end(), launch.begin(), launch.end());
    aws_cli(args);
  }
  // The groups `filter` keeps, sorted by name, as custos wrote them.
  Json kept(const std::string& filter) const {
    Json groups = matched_by(
        "policies:\n  - name: groups\n    resource: asg\n    filters:\n      - " + filter + "\n",
        "groups");
    std::sort(groups.begin(), groups.end(), [](const Json& a, const Json& b) {
      return a["AutoScalingGroupName"] < b["AutoScalingGroupName"];
    });
    return groups;
  }
  Json names(const std::string& filter) const {
    Json list = Json::array();
    for (const Json& group : kept(filter)) list.push_back(group["AutoScalingGroupName"]);
    return list;
  }

  std::string vpc_;
  std::vector<std::string> subnets_;
};

TEST_F(AsgLaunchTest, LaunchDataImageUserDataAndVpc) {
  EXPECT_EQ(names("{type: launch-config, key: KeyName, value: missing-key}"),
            Json::array({"broken"}));
  EXPECT_EQ(
      names("{type: launch-config, key: 'BlockDeviceMappings[0].Ebs.Encrypted', value: true}"),
      Json::array({"sealed"}));  // a launch template's data
  EXPECT_EQ(names("{type: user-data, op: regex, value: '(?smi).*password='}"),
            Json::array({"web"}));
  EXPECT_EQ(names("{type: image, key: ImageId, value: ami-12c6146b}"),
            Json::array({"broken", "sealed", "web"}));
  // moto dates its images at its start: all of them are less than a day old.
  EXPECT_EQ(names("{type: image-age, op: lt, days: 1}"), Json::array({"broken", "sealed", "web"}));
  EXPECT_EQ(names("{type: image-age, op: gt, days: 1}"), Json::array());
  EXPECT_EQ(names("{type: vpc-id, value: " + vpc_ + "}"), Json::array({"broken", "sealed", "web"}));
}

TEST_F(AsgLaunchTest, UnencryptedVolumesAndGroupsThatCannotLaunch) {
  Json unencrypted = kept("{type: not-encrypted, exclude_image: true}");
  ASSERT_EQ(unencrypted.size(), 1u);
  EXPECT_EQ(unencrypted[0]["AutoScalingGroupName"], "web");
  EXPECT_EQ(unencrypted[0]["Unencrypted"], Json::array({"LaunchConfig"}));

  Json invalid = kept("invalid");
  ASSERT_EQ(invalid.size(), 1u);
  EXPECT_EQ(invalid[0]["AutoScalingGroupName"], "broken");
  EXPECT_EQ(invalid[0]["Invalid"],
            Json::parse(R"([["invalid-security-group", "sg-0000000000000dead"],
                            ["invalid-key-pair", "missing-key"]])"));
  EXPECT_EQ(names("valid"), Json::array({"sealed", "web"}));
}

// The group's own numbers and tags, judged on saved documents.
TEST_F(AsgLaunchTest, CapacityDeltaAndPropagatedTagsOnSavedGroups) {
  write("groups.json", R"([
    {"AutoScalingGroupName": "short", "MinSize": 2, "DesiredCapacity": 2,
     "Instances": [{"InstanceId": "i-1"}],
     "Tags": [{"Key": "Owner", "Value": "sec", "PropagateAtLaunch": true},
              {"Key": "Env", "Value": "prod", "PropagateAtLaunch": false}]},
    {"AutoScalingGroupName": "full", "MinSize": 1, "DesiredCapacity": 1,
     "Instances": [{"InstanceId": "i-2"}],
     "Tags": [{"Key": "Owner", "Value": "sec", "PropagateAtLaunch": true},
              {"Key": "Env", "Value": "prod", "PropagateAtLaunch": true}]}])");
  auto evaluated = [&](const std::string& filter) {
    write("eval.yml",
          "policies:\n  - name: g\n    resource: asg\n    filters:\n      - " + filter + "\n");
    ProcessResult result = custos({"eval", "-r", path("groups.json"), path("eval.yml")});
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    return result.out;
  };
  EXPECT_EQ(evaluated("capacity-delta"), "short\n");
  EXPECT_EQ(evaluated("{type: propagated-tags, keys: [Owner, Env]}"), "full\n");
  EXPECT_EQ(evaluated("{type: propagated-tags, keys: [Owner, Env], match: false}"), "short\n");
  EXPECT_EQ(evaluated("{type: propagated-tags, keys: [Env], propagate: false}"), "short\n");
}

}  // namespace
}  // namespace custos::test
