#include "serverless/recent.h"

#include <gtest/gtest.h>

namespace custos::serverless {
namespace {

Json finding(const std::string& event_id, const std::string& finding_id,
             const std::string& updated_at) {
  return {{"id", event_id},
          {"source", "aws.guardduty"},
          {"detail-type", "GuardDuty Finding"},
          {"detail", {{"id", finding_id}, {"updatedAt", updated_at}}}};
}

TEST(RecentEventsTest, TheSameEventAgainIsARepeat) {
  RecentEvents recent;
  Json event = finding("ev-1", "f-1", "2026-12-06T10:00:00Z");
  EXPECT_EQ(recent.repeat_of(event), "");
  recent.remember(event);
  EXPECT_EQ(recent.repeat_of(event), "event id ev-1");
}

TEST(RecentEventsTest, TheSameFindingVersionUnderANewEventIdIsARepeat) {
  RecentEvents recent;
  recent.remember(finding("ev-1", "f-1", "2026-12-06T10:00:00Z"));
  EXPECT_EQ(recent.repeat_of(finding("ev-2", "f-1", "2026-12-06T10:00:00Z")),
            "finding f-1 updated at 2026-12-06T10:00:00Z");
}

// GuardDuty sends a finding again when it changes (its count, its severity): that is handled.
TEST(RecentEventsTest, ANewerVersionOfAFindingIsNotARepeat) {
  RecentEvents recent;
  recent.remember(finding("ev-1", "f-1", "2026-12-06T10:00:00Z"));
  EXPECT_EQ(recent.repeat_of(finding("ev-2", "f-1", "2026-12-06T10:05:00Z")), "");
}

TEST(RecentEventsTest, TheSameCloudTrailCallIsARepeat) {
  RecentEvents recent;
  Json call = {{"id", "ev-1"},
               {"source", "aws.kms"},
               {"detail-type", "AWS API Call via CloudTrail"},
               {"detail", {{"eventID", "c-1"}}}};
  recent.remember(call);
  call["id"] = "ev-2";
  EXPECT_EQ(recent.repeat_of(call), "call c-1");
}

TEST(RecentEventsTest, TheOldestAreForgottenFirst) {
  RecentEvents recent(4);  // two events: each has an event id and a finding version
  for (int i = 0; i < 3; ++i)
    recent.remember(finding("ev-" + std::to_string(i), "f-" + std::to_string(i), "t"));
  EXPECT_EQ(recent.repeat_of(finding("ev-0", "f-0", "t")), "");
  EXPECT_EQ(recent.repeat_of(finding("ev-1", "f-1", "t")), "event id ev-1");
  EXPECT_EQ(recent.repeat_of(finding("ev-2", "f-2", "t")), "event id ev-2");
}

}  // namespace
}  // namespace custos::serverless
