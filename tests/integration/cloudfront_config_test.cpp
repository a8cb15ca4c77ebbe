// disable and set-attributes on aws.distribution over real HTTP against moto, Cloud Custodian's
// examples unchanged: the configuration read back with the AWS CLI, written with its ETag, left
// alone when already so, and put back by the undo.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class CloudFrontConfigTest : public ActionTest {
 protected:
  void SetUp() override {
    ActionTest::SetUp();
    Json config = Json::parse(R"({"CallerReference": "custos", "Comment": "web", "Enabled": true,
      "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": "example.s3.amazonaws.com",
                                           "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
      "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "redirect-to-https",
        "MinTTL": 0, "ForwardedValues": {"QueryString": false, "Cookies": {"Forward": "none"}},
        "TrustedSigners": {"Enabled": false, "Quantity": 0}},
      "CacheBehaviors": {"Quantity": 1, "Items": [{"PathPattern": "/img/*", "TargetOriginId": "o",
        "ViewerProtocolPolicy": "allow-all", "MinTTL": 0,
        "ForwardedValues": {"QueryString": false, "Cookies": {"Forward": "none"}},
        "TrustedSigners": {"Enabled": false, "Quantity": 0}}]}})");
    id_ = aws_cli({"cloudfront", "create-distribution", "--distribution-config",
                   config.dump()})["Distribution"]["Id"];
  }

  Json config() const {
    return aws_cli({"cloudfront", "get-distribution-config", "--id", id_})["DistributionConfig"];
  }
  std::string example(const std::string& name) const {
    return read_file(data_path("policies/c7n/distribution/" + name + ".yml"));
  }

  std::string id_;
};

// Cloud Custodian's distribution-delete: a distribution serving plain HTTP is disabled. moto
// 5.2.1 lists distributions without their behaviours, so the policy finds it by its Id.
TEST_F(CloudFrontConfigTest, ADistributionServingPlainHttpIsDisabled) {
  auto enabled = [&] { return config()["Enabled"]; };
  std::string policy = example("cloudfront-589-distribution-delete");
  const std::string filter = R"(      - type: value
        key: CacheBehaviors.Items[].ViewerProtocolPolicy
        value: allow-all
        op: contains
)";
  ASSERT_NE(policy.find(filter), std::string::npos);
  policy.replace(policy.find(filter), filter.size(), "      - Id: " + id_ + "\n");
  Json records =
      prove_action(policy, "distribution-delete", enabled, "cloudfront UpdateDistribution");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["resource"], id_);
  EXPECT_EQ(enabled(), false);
  expect_undo_restores(records, enabled, true);
}

// Cloud Custodian's enforce-distribution-logging: logging on, the rest of the configuration
// as it was (the origin, the behaviours); the comment and Enabled as the attributes say.
TEST_F(CloudFrontConfigTest, LoggingIsTurnedOnAndTheRestKept) {
  const Json before = config();
  auto logging = [&] {
    Json now = config();
    return Json::array({now["Logging"].value("Enabled", false), now["Logging"].value("Bucket", ""),
                        now["Comment"]});
  };
  Json records =
      prove_action(example("cloudfront-799-enforce-distribution-logging"),
                   "enforce-distribution-logging", logging, "cloudfront UpdateDistribution");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(logging(), Json::parse(R"([true, "test-enable-logging-c7n.s3.amazonaws.com", ""])"));
  Json after = config();
  EXPECT_EQ(after["Origins"], before["Origins"]);
  EXPECT_EQ(after["CacheBehaviors"], before["CacheBehaviors"]);
  EXPECT_EQ(after["DefaultCacheBehavior"], before["DefaultCacheBehavior"]);
  expect_undo_restores(records, logging,
                       Json::array({before["Logging"].value("Enabled", false),
                                    before["Logging"].value("Bucket", ""), "web"}));
}

TEST_F(CloudFrontConfigTest, AttributesOutsideTheConfigurationAreRefused) {
  write("bad.yml", R"(policies:
  - name: bad
    resource: distribution
    actions:
      - type: set-attributes
        attributes:
          CallerReference: new
)");
  ProcessResult caller = custos({"validate", path("bad.yml")});
  EXPECT_EQ(caller.exit_code, 2);
  EXPECT_NE(caller.err.find("bad.yml:7:11: "), std::string::npos) << caller.err;
  EXPECT_NE(caller.err.find("CallerReference cannot be updated"), std::string::npos) << caller.err;
  write("bad.yml", R"(policies:
  - name: bad
    resource: distribution
    actions:
      - type: set-attributes
        attributes:
          Loging: {Enabled: true}
)");
  ProcessResult unknown = custos({"validate", path("bad.yml")});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("Loging"), std::string::npos) << unknown.err;
}

}  // namespace
}  // namespace custos::test
