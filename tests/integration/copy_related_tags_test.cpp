// copy-instance-tags (ebs) and copy-cluster-tags (cache-snapshot) in moto, running Cloud
// Custodian's documented examples unchanged: the tags read back with the AWS CLI after each run;
// a dry run changes nothing, a repeat is unchanged, and the undo played by the CLI puts back
// the tags each resource had.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "support/paths.h"

namespace custos::test {
namespace {

Json tag_object(const Json& tags) {
  Json object = Json::object();
  for (const Json& tag : tags) object[tag["Key"].get<std::string>()] = tag["Value"];
  return object;
}

class CopyRelatedTagsTest : public ActionTest {};

TEST_F(CopyRelatedTagsTest, AnAttachedVolumeGetsItsInstancesNameAndAttachment) {
  std::string instance = aws_cli(
      {"ec2", "run-instances", "--image-id", "ami-12c6146b", "--placement",
       "AvailabilityZone=us-east-1a", "--tag-specifications",
       "ResourceType=instance,Tags=[{Key=Name,Value=web},{Key=Env,Value=prod}]"})["Instances"][0]
                                                                                 ["InstanceId"];
  std::string volume = aws_cli(
      {"ec2", "create-volume", "--size", "8", "--availability-zone", "us-east-1a"})["VolumeId"];
  aws_cli({"ec2", "create-tags", "--resources", volume, "--tags", "Key=Name,Value=old"});
  aws_cli({"ec2", "attach-volume", "--volume-id", volume, "--instance-id", instance, "--device",
           "/dev/sdf"});
  std::string loose = aws_cli(
      {"ec2", "create-volume", "--size", "8", "--availability-zone", "us-east-1a"})["VolumeId"];
  // Every volume's tags (aws: ones aside), by id.
  auto state = [&] {
    Json all = Json::object();
    const Json described = aws_cli({"ec2", "describe-volumes"});  // (not a temporary's member)
    for (const Json& v : described["Volumes"])
      all[v["VolumeId"].get<std::string>()] = tag_object(v.value("Tags", Json::array()));
    return all;
  };
  const Json before = state();
  ASSERT_EQ(before[volume], (Json{{"Name", "old"}}));
  Json records =
      prove_action(read_file(data_path("policies/c7n/ebs/ebs-1051-ebs-copy-instance-tags.yml")),
                   "ebs-copy-instance-tags", state, "ec2 CreateTags");
  const Json after = state();
  EXPECT_EQ(after[volume]["Name"], "web") << after.dump();
  EXPECT_EQ(after[volume]["LastAttachInstance"], instance) << after.dump();
  ASSERT_TRUE(after[volume].contains("LastAttachTime")) << after.dump();
  EXPECT_NE(after[volume]["LastAttachTime"].get<std::string>().find("+00:00"), std::string::npos);
  EXPECT_FALSE(after[volume].contains("Env")) << after.dump();  // only Name, as the policy says
  EXPECT_EQ(after[loose], Json::object()) << after.dump();      // not attached: not matched
  bool found = false;
  for (const Json& record : records)
    if (record["resource"] == volume) {
      found = true;
      EXPECT_EQ(record["before"]["Tags"]["Name"], "old") << record.dump();
      EXPECT_TRUE(record["before"]["Tags"]["LastAttachInstance"].is_null()) << record.dump();
    }
  EXPECT_TRUE(found) << records.dump();
  expect_undo_restores(records, state, before);
}

TEST_F(CopyRelatedTagsTest, ASnapshotGetsTheListedTagsOfItsCluster) {
  aws_cli({"elasticache", "create-cache-cluster", "--cache-cluster-id", "redis1", "--engine",
           "redis", "--cache-node-type", "cache.t3.micro", "--num-cache-nodes", "1", "--tags",
           "Key=tag1,Value=one", "Key=tag2,Value=two", "Key=tag3,Value=three"});
  Json snapshot = aws_cli({"elasticache", "create-snapshot", "--cache-cluster-id", "redis1",
                           "--snapshot-name", "test-tags-backup"})["Snapshot"];
  std::string arn = snapshot["ARN"];
  aws_cli({"elasticache", "add-tags-to-resource", "--resource-name", arn, "--tags",
           "Key=tag1,Value=stale"});
  auto state = [&] {
    return tag_object(
        aws_cli({"elasticache", "list-tags-for-resource", "--resource-name", arn})["TagList"]);
  };
  const Json before = state();
  ASSERT_EQ(before, (Json{{"tag1", "stale"}}));
  Json records = prove_action(
      read_file(data_path("policies/c7n/cache-snapshot/elasticache-371-elasticache-test.yml")),
      "elasticache-test", state, "elasticache AddTagsToResource");
  EXPECT_EQ(state(), (Json{{"tag1", "one"}, {"tag2", "two"}})) << state().dump();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["before"]["Tags"], (Json{{"tag1", "stale"}, {"tag2", nullptr}}));
  expect_undo_restores(records, state, before);
}

}  // namespace
}  // namespace custos::test
