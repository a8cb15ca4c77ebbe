// aws.account's enable-cloudtrail over real HTTP against moto, Cloud Custodian's example
// unchanged: an account without a trail gets the bucket, its policy for CloudTrail and a
// logging multi-region trail; a trail an attacker stopped logs again; each undo (played with
// the AWS CLI) puts back what was there.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class EnableCloudTrailTest : public ActionTest {
 protected:
  const std::string example_ = read_file(data_path("policies/c7n/account/trail-test.yml"));

  // {trail: its name, logging and multi-region flag or null; bucket: its policy's Sids or null}
  Json state() const {
    // The trail's status says whether it exists (moto keeps listing a deleted multi-region
    // trail in describe-trails).
    Json trail;
    ProcessResult status = aws_try({"cloudtrail", "get-trail-status", "--name", "mytrail"});
    if (status.exit_code == 0) {
      const Json trails = aws_cli({"cloudtrail", "describe-trails"})["trailList"];
      for (const Json& each : trails)
        if (each["Name"] == "mytrail")
          trail = {{"logging", Json::parse(status.out)["IsLogging"]},
                   {"multi-region", each["IsMultiRegionTrail"]}};
    }
    Json bucket;
    if (aws_try({"s3api", "head-bucket", "--bucket", "trails"}).exit_code == 0) {
      ProcessResult policy = aws_try({"s3api", "get-bucket-policy", "--bucket", "trails"});
      Json sids = Json::array();
      if (policy.exit_code == 0) {
        const Json document = Json::parse(std::string(Json::parse(policy.out)["Policy"]));
        for (const Json& statement : document["Statement"])
          sids.push_back(statement.value("Sid", ""));
      }
      bucket = {{"policy", sids}};
    }
    return {{"trail", trail}, {"bucket", bucket}};
  }
};

TEST_F(EnableCloudTrailTest, AnAccountWithoutATrailGetsOneThatLogs) {
  const Json before = state();
  ASSERT_EQ(before, Json::parse(R"({"trail": null, "bucket": null})"));
  Json records = prove_action(example_, "trail-test", [&] { return state(); }, "s3 CreateBucket",
                              {}, {"--no-journal"});
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(state(), Json::parse(R"({"trail": {"logging": true, "multi-region": true},
      "bucket": {"policy": ["AWSCloudTrailAclCheck20150319", "AWSCloudTrailWrite20150319"]}})"));
  Json policy = Json::parse(
      std::string(aws_cli({"s3api", "get-bucket-policy", "--bucket", "trails"})["Policy"]));
  EXPECT_EQ(policy["Statement"][1]["Resource"], "arn:aws:s3:::trails/AWSLogs/123456789012/*");
  expect_undo_restores(
      records, [&] { return state(); }, before);
}

TEST_F(EnableCloudTrailTest, ATrailAnAttackerStoppedLogsAgain) {
  aws_cli({"s3api", "create-bucket", "--bucket", "trails"});
  aws_cli({"s3api", "put-bucket-policy", "--bucket", "trails", "--policy",
           R"({"Version": "2012-10-17", "Statement": [{"Sid": "Mine", "Effect": "Allow",
               "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:GetBucketAcl",
               "Resource": "arn:aws:s3:::trails"}]})"});
  aws_cli({"cloudtrail", "create-trail", "--name", "mytrail", "--s3-bucket-name", "trails",
           "--is-multi-region-trail"});
  aws_cli({"cloudtrail", "start-logging", "--name", "mytrail"});
  aws_cli({"cloudtrail", "stop-logging", "--name", "mytrail"});  // the attacker
  const Json before = state();
  ASSERT_EQ(before, Json::parse(R"({"trail": {"logging": false, "multi-region": true},
      "bucket": {"policy": ["Mine"]}})"));
  Json records = prove_action(example_, "trail-test", [&] { return state(); },
                              "cloudtrail StartLogging", {}, {"--no-journal"});
  ASSERT_EQ(records.size(), 1u);
  // The bucket's own statement allowing GetBucketAcl stays; only the write one is added.
  EXPECT_EQ(state(), Json::parse(R"({"trail": {"logging": true, "multi-region": true},
      "bucket": {"policy": ["Mine", "AWSCloudTrailWrite20150319"]}})"));
  EXPECT_TRUE(check_holds(records[0]["check"]));
  expect_undo_restores(
      records, [&] { return state(); }, before);
}

}  // namespace
}  // namespace custos::test
