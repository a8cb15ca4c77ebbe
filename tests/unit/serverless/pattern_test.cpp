// Event patterns as Cloud Custodian's mu.py renders them, which events the modes react to, and
// where an event says it happened.
#include <gtest/gtest.h>

#include "policy/event.h"
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

const char* const kInstanceState = R"(policies:
  - name: started
    resource: aws.ec2
    mode: {type: ec2-instance-state, events: [running, pending]}
)";

Json state_change(const std::string& state) {
  return {{"source", "aws.ec2"},
          {"detail-type", "EC2 Instance State-change Notification"},
          {"detail", {{"instance-id", "i-0123"}, {"state", state}}}};
}

TEST(EventPatternTest, InstanceStateMatchesItsStates) {
  EXPECT_EQ(event_pattern(compiled(kInstanceState)), Json::parse(R"({"source": ["aws.ec2"],
      "detail-type": ["EC2 Instance State-change Notification"],
      "detail": {"state": ["running", "pending"]}})"));
}

TEST(ModeEventsTest, InstanceStateNamesTheInstanceOfItsStates) {
  auto p = compiled(kInstanceState);
  auto target = policy::event_target(p, state_change("running"));
  EXPECT_TRUE(target.applies) << target.reason;
  EXPECT_EQ(target.resource_ids, std::vector<std::string>{"i-0123"});
  target = policy::event_target(p, state_change("stopped"));
  EXPECT_FALSE(target.applies);
  EXPECT_EQ(target.reason, "the instance is stopped, not a state the mode's events name");
  EXPECT_FALSE(policy::event_target(p, {{"source", "aws.guardduty"},
                                        {"detail-type", "GuardDuty Finding"},
                                        {"detail", Json::object()}})
                   .applies);
}

// periodic, config-rule and config-poll-rule run as pull; periodic also on its schedule's event.
TEST(ModeEventsTest, ScheduledModesRunAsPull) {
  auto periodic = compiled(R"(policies:
  - name: hourly
    resource: aws.ec2
    mode: {type: periodic, schedule: rate(1 hour), role: custos}
)");
  EXPECT_FALSE(periodic.mode.is_event());
  EXPECT_EQ(periodic.mode.schedule, "rate(1 hour)");
  auto target = policy::event_target(
      periodic,
      {{"source", "aws.events"}, {"detail-type", "Scheduled Event"}, {"detail", Json::object()}});
  EXPECT_TRUE(target.applies) << target.reason;
  EXPECT_TRUE(target.resource_ids.empty());
  EXPECT_FALSE(policy::event_target(periodic, state_change("running")).applies);
  auto poll = compiled(R"(policies:
  - name: poll
    resource: aws.ec2
    mode: {type: config-poll-rule, schedule: Six_Hours, ignore-support-check: true}
)");
  EXPECT_FALSE(poll.mode.is_event());
  EXPECT_EQ(poll.mode.schedule, "Six_Hours");
  EXPECT_FALSE(compiled("policies: [{name: c, resource: aws.ec2, mode: {type: config-rule}}]")
                   .mode.is_event());
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
