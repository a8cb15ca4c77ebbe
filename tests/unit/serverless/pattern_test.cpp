// Event patterns as Cloud Custodian's mu.py renders them, and where an event says it happened.
#include <gtest/gtest.h>

#include "policy/safety.h"
#include "resources/builtin.h"
#include "serverless/deploy.h"
#include "serverless/handler.h"

namespace custos::serverless {
namespace {

policy::Policy compiled(const std::string& text) {
  auto source = policy::SourceDocument::parse(text, "policy.yml");
  return std::move(policy::compile_policies(source, resources::builtin_registry()).front());
}

TEST(EventPatternTest, GuardDutyMatchesFindingsOfTheResourceType) {
  auto p = compiled(R"(policies:
  - name: contain
    resource: aws.ec2
    mode: {type: guard-duty, role: custos}
)");
  EXPECT_EQ(event_pattern(p), Json::parse(R"({"source": ["aws.guardduty"],
      "detail-type": ["GuardDuty Finding"],
      "detail": {"resource": {"resourceType": ["Instance"]}}})"));
}

TEST(EventPatternTest, CloudTrailMatchesItsEventsAndMergesThePattern) {
  auto p = compiled(R"(policies:
  - name: trail
    resource: aws.s3
    mode:
      type: cloudtrail
      events: [CreateBucket]
      pattern: {detail: {userIdentity: {type: [IAMUser]}}}
)");
  EXPECT_EQ(event_pattern(p), Json::parse(R"({"detail-type": ["AWS API Call via CloudTrail"],
      "detail": {"eventSource": ["s3.amazonaws.com"], "eventName": ["CreateBucket"],
                 "userIdentity": {"type": ["IAMUser"]}}})"));
}

TEST(EventAccountTest, GuardDutyFindingsNameTheMemberAccount) {
  Json finding = {{"source", "aws.guardduty"},
                  {"account", "111111111111"},
                  {"region", "eu-west-1"},
                  {"detail", {{"accountId", "222222222222"}}}};
  EXPECT_EQ(policy::event_account(finding), "222222222222");
  EXPECT_EQ(event_region(finding), "eu-west-1");
  Json call = {{"source", "aws.s3"}, {"account", "111111111111"}, {"detail", Json::object()}};
  EXPECT_EQ(policy::event_account(call), "111111111111");
  EXPECT_EQ(event_region(call), "");
}

}  // namespace
}  // namespace custos::serverless
