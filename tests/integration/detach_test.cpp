// detach on EBS volumes and network interfaces in moto: each taken off the instance it is
// attached to, read back with the AWS CLI; a dry run changes nothing, a repeat is unchanged (it
// is no longer attached), and the undo played by the CLI attaches it again where it was.
#include <gtest/gtest.h>

#include "integration/action_check.h"

namespace custos::test {
namespace {

class DetachTest : public ActionTest {
 protected:
  std::string instance_in(const std::string& subnet = "") const {
    std::vector<std::string> args = {"ec2",         "run-instances",
                                     "--image-id",  "ami-12c6146b",
                                     "--placement", "AvailabilityZone=us-east-1a"};
    if (!subnet.empty()) args.insert(args.end(), {"--subnet-id", subnet});
    return aws_cli(args)["Instances"][0]["InstanceId"];
  }
};

TEST_F(DetachTest, AVolumeComesOffItsInstanceAndTheUndoAttachesItAgain) {
  std::string instance = instance_in();
  std::string volume = aws_cli(
      {"ec2", "create-volume", "--size", "8", "--availability-zone", "us-east-1a"})["VolumeId"];
  aws_cli({"ec2", "attach-volume", "--volume-id", volume, "--instance-id", instance, "--device",
           "/dev/sdf"});
  auto state = [&] {
    Json described = aws_cli({"ec2", "describe-volumes", "--volume-ids", volume});
    Json attachments = described["Volumes"][0].value("Attachments", Json::array());
    return attachments.empty() ? Json("detached")
                               : Json(attachments[0]["InstanceId"].get<std::string>() + " " +
                                      attachments[0]["Device"].get<std::string>());
  };
  Json before = state();
  ASSERT_EQ(before, instance + " /dev/sdf");
  Json records = prove_action(
      "policies:\n  - name: evidence\n    resource: ebs\n    filters: "
      "[{VolumeId: " +
          volume + "}]\n    actions: [detach]\n",
      "evidence", state, "ec2 DetachVolume");
  EXPECT_EQ(state(), "detached");
  expect_undo_restores(records, state, before);
}

TEST_F(DetachTest, ASecondaryInterfaceComesOffItsInstanceButNotThePrimary) {
  std::string vpc = aws_cli({"ec2", "create-vpc", "--cidr-block", "10.0.0.0/16"})["Vpc"]["VpcId"];
  std::string subnet =
      aws_cli({"ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", "10.0.1.0/24",
               "--availability-zone", "us-east-1a"})["Subnet"]["SubnetId"];
  std::string instance = instance_in(subnet);
  std::string eni = aws_cli({"ec2", "create-network-interface", "--subnet-id",
                             subnet})["NetworkInterface"]["NetworkInterfaceId"];
  aws_cli({"ec2", "attach-network-interface", "--network-interface-id", eni, "--instance-id",
           instance, "--device-index", "1"});
  auto state = [&] {
    Json described =
        aws_cli({"ec2", "describe-network-interfaces", "--network-interface-ids", eni});
    Json attachment = described["NetworkInterfaces"][0].value("Attachment", Json());
    return attachment.is_null() || !attachment.contains("InstanceId")
               ? Json("detached")
               : Json(attachment["InstanceId"].get<std::string>() + " " +
                      std::to_string(attachment["DeviceIndex"].get<int>()));
  };
  Json before = state();
  ASSERT_EQ(before, instance + " 1");
  Json records = prove_action(
      "policies:\n  - name: cut\n    resource: eni\n    filters: "
      "[{NetworkInterfaceId: " +
          eni + "}]\n    actions: [detach]\n",
      "cut", state, "ec2 DetachNetworkInterface");
  EXPECT_EQ(state(), "detached");
  expect_undo_restores(records, state, before);

  // The instance's primary interface (device 0) cannot come off: left as it is.
  run_policy("policies:\n  - name: primary\n    resource: eni\n    filters:\n      - SubnetId: " +
             subnet + "\n      - {Attachment.DeviceIndex: 0}\n    actions: [detach]\n");
  Json primary = actions_of("primary");
  ASSERT_EQ(primary.size(), 1u) << primary.dump();
  EXPECT_EQ(primary[0]["outcome"], "unchanged") << primary.dump();
}

}  // namespace
}  // namespace custos::test
