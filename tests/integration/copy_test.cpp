// copy on ebs-snapshot and ami in moto: evidence copied to another region, tagged with its source
// (and custos:copy-of), read back there with the AWS CLI; a dry run copies nothing, a repeat
// finds the copy, and the undo played by the CLI deletes it.
#include <gtest/gtest.h>

#include "integration/action_check.h"

namespace custos::test {
namespace {

class CopyTest : public ActionTest {
 protected:
  // The ids of what a copy of `source` made in us-west-2.
  Json copies(const std::string& describe, const std::string& list, const std::string& id,
              const std::string& source) const {
    Json found = aws_cli({"ec2", describe, "--region", "us-west-2", "--filters",
                          "Name=tag:custos:copy-of,Values=" + source});
    Json ids = Json::array();
    for (const Json& copy : found[list]) ids.push_back(copy[id]);
    return ids;
  }
};

TEST_F(CopyTest, ASnapshotIsCopiedToAnotherRegionOnce) {
  std::string volume = aws_cli(
      {"ec2", "create-volume", "--size", "8", "--availability-zone", "us-east-1a"})["VolumeId"];
  std::string snapshot = aws_cli(
      {"ec2", "create-snapshot", "--volume-id", volume, "--description", "evidence",
       "--tag-specifications", "ResourceType=snapshot,Tags=[{Key=case,Value=ir-7}]"})["SnapshotId"];
  auto state = [&] { return copies("describe-snapshots", "Snapshots", "SnapshotId", snapshot); };
  Json records = prove_action(
      "policies:\n  - name: evidence\n    resource: ebs-snapshot\n"
      "    filters: [{SnapshotId: " +
          snapshot +
          "}]\n    actions:\n"
          "      - {type: copy, target_region: us-west-2, encrypted: false}\n",
      "evidence", state, "ec2 CopySnapshot");
  Json made = state();
  ASSERT_EQ(made.size(), 1u);
  Json copy = aws_cli({"ec2", "describe-snapshots", "--region", "us-west-2", "--snapshot-ids",
                       made[0]})["Snapshots"][0];
  Json tags = Json::object();
  for (const Json& tag : copy["Tags"]) tags[tag["Key"].get<std::string>()] = tag["Value"];
  EXPECT_EQ(tags["case"], "ir-7");
  EXPECT_EQ(copy["Description"], "evidence");
  expect_undo_restores(records, state, Json::array());
}

TEST_F(CopyTest, AnImageIsCopiedToAnotherRegion) {
  std::string instance =
      aws_cli({"ec2", "run-instances", "--image-id", "ami-12c6146b"})["Instances"][0]["InstanceId"];
  std::string image =
      aws_cli({"ec2", "create-image", "--instance-id", instance, "--name", "golden"})["ImageId"];
  auto state = [&] { return copies("describe-images", "Images", "ImageId", image); };
  Json records = prove_action(
      "policies:\n  - name: keep\n    resource: ami\n    filters: "
      "[{ImageId: " +
          image +
          "}]\n    actions:\n"
          "      - {type: copy, region: us-west-2, name: golden-copy}\n",
      "keep", state, "ec2 CopyImage");
  ASSERT_EQ(state().size(), 1u);
  EXPECT_EQ(aws_cli({"ec2", "describe-images", "--region", "us-west-2", "--image-ids",
                     state()[0]})["Images"][0]["Name"],
            "golden-copy");
  expect_undo_restores(records, state, Json::array());
}

}  // namespace
}  // namespace custos::test
