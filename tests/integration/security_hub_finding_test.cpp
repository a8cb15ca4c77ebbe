// finding on IAM roles and EC2 instances over real HTTP: moto serves the resources; its
// GetFindings ignores filters, so a proxy in front of it answers GetFindings from a fixed set
// of findings by the ResourceId filter custos sends, and the test reads the query off the proxy.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "integration/action_check.h"
#include "support/fault_proxy.h"
#include "support/paths.h"

namespace custos::test {
namespace {

// Security Hub's findings, each about one resource id.
Json findings_about(const std::vector<std::string>& ids) {
  Json findings = Json::array();
  for (const auto& id : ids)
    findings.push_back({{"Id", "finding-" + std::to_string(findings.size())},
                        {"Title", "KMS.2 IAM principals should not have IAM inline policies"},
                        {"Resources", Json::array({{{"Id", id}, {"Type", "AwsIamRole"}}})}});
  return findings;
}

class SecurityHubFindingTest : public ActionTest {
 protected:
  void SetUp() override {
    ActionTest::SetUp();
    proxy_ = std::make_unique<FaultProxy>(emulator().url());
    proxy_->answer_with(
        [this](const FaultProxy::Arrival& arrival) -> std::optional<FaultProxy::Reply> {
          if (arrival.target.rfind("/findings", 0) != 0 || arrival.method != "POST")
            return std::nullopt;
          Json asked = Json::parse(arrival.body)["Filters"];
          Json found = Json::array();
          for (const Json& finding : known_)
            for (const Json& id : asked.value("ResourceId", Json::array()))
              if (finding["Resources"][0]["Id"] == id["Value"]) found.push_back(finding);
          FaultProxy::Reply reply;
          reply.content_type = "application/json";
          reply.body = Json{{"Findings", found}}.dump();
          return reply;
        });
  }
  Json run(const std::string& resource, const std::string& filter) const {
    return matched_by(
        "policies:\n  - name: found\n    resource: " + resource + "\n    filters:\n" + filter,
        "found", {{"AWS_ENDPOINT_URL", proxy_->url()}});
  }
  Json queries() const {
    Json bodies = Json::array();
    for (const auto& arrival : proxy_->arrivals())
      if (arrival.target.rfind("/findings", 0) == 0) bodies.push_back(Json::parse(arrival.body));
    return bodies;
  }

  Json known_;
  std::unique_ptr<FaultProxy> proxy_;
};

// Cloud Custodian's iam-roles-with-global-kms-decrypt: the role with a finding, the query's
// filters ({region} and {account_id} expanded) sent with the role's ARN.
TEST_F(SecurityHubFindingTest, RolesWithFindings) {
  const std::string trust = R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})";
  for (const char* role : {"suspect", "clean"})
    aws_cli({"iam", "create-role", "--role-name", role, "--assume-role-policy-document", trust});
  known_ = findings_about({"arn:aws:iam::123456789012:role/suspect"});
  Json found = run("iam-role", R"(      - type: finding
        query:
          Id:
            - Comparison: PREFIX
              Value: 'arn:aws:securityhub:{region}:{account_id}:subscription/aws-foundational-security-best-practices/v/1.0.0/KMS.2'
          RecordState: [{Comparison: EQUALS, Value: ACTIVE}]
)");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["RoleName"], "suspect");
  EXPECT_EQ(found[0]["c7n:finding-filter"][0]["Id"], "finding-0");
  Json asked = queries();
  ASSERT_EQ(asked.size(), 2u);
  for (const Json& query : asked) {
    EXPECT_EQ(query["Filters"]["Id"][0]["Value"],
              "arn:aws:securityhub:us-east-1:123456789012:subscription/"
              "aws-foundational-security-best-practices/v/1.0.0/KMS.2");
    EXPECT_EQ(query["Filters"]["RecordState"][0]["Value"], "ACTIVE");
  }
}

// An instance is asked for by its ARN (made from the account) and by its id.
TEST_F(SecurityHubFindingTest, InstancesByArnOrId) {
  std::string id = aws_cli({"ec2", "run-instances", "--image-id", "ami-12c6146b", "--instance-type",
                            "t3.micro"})["Instances"][0]["InstanceId"];
  known_ = findings_about({id});
  Json found = run("ec2", "      - finding\n");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["InstanceId"], id);
  Json ids = queries()[0]["Filters"]["ResourceId"];
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(ids[0]["Value"], "arn:aws:ec2:us-east-1:123456789012:instance/" + id);
  EXPECT_EQ(ids[1]["Value"], id);
}

}  // namespace
}  // namespace custos::test
