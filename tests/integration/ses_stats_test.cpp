// aws.account's ses-agg-send-stats and ses-send-stats over real HTTP: against moto (which
// counts what it was asked to send, as one data point of now), and through a proxy answering
// GetSendStatistics with data points of past days, in SES's XML, for the daily bounce rates;
// Cloud Custodian's examples unchanged.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "integration/action_check.h"
#include "support/fault_proxy.h"
#include "support/paths.h"

namespace custos::test {
namespace {

// Midday UTC `days_ago` days before today, as SES writes timestamps.
std::string midday(int days_ago) {
  const auto day = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()) -
                   std::chrono::days(days_ago);
  const std::chrono::year_month_day date{day};
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT12:00:00Z", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

struct Point {
  int days_ago, attempts, bounces;
};

FaultProxy::Reply send_statistics(const std::vector<Point>& points) {
  std::string members;
  for (const Point& p : points)
    members += "<member><DeliveryAttempts>" + std::to_string(p.attempts) +
               "</DeliveryAttempts><Timestamp>" + midday(p.days_ago) +
               "</Timestamp><Rejects>1</Rejects><Bounces>" + std::to_string(p.bounces) +
               "</Bounces><Complaints>0</Complaints></member>";
  FaultProxy::Reply reply;
  reply.body =
      "<GetSendStatisticsResponse xmlns=\"http://ses.amazonaws.com/doc/2010-12-01/\">"
      "<GetSendStatisticsResult><SendDataPoints>" +
      members +
      "</SendDataPoints></GetSendStatisticsResult><ResponseMetadata><RequestId>recorded"
      "</RequestId></ResponseMetadata></GetSendStatisticsResponse>";
  return reply;
}

class SesStatsTest : public ActionTest {
 protected:
  Json account_matched(const std::string& example, const std::string& policy,
                       const std::vector<Point>& points) const {
    FaultProxy proxy(emulator().url());
    proxy.answer_action("GetSendStatistics", send_statistics(points));
    Json matched = matched_by(read_file(data_path("policies/c7n/account/" + example)), policy,
                              {{"AWS_ENDPOINT_URL", proxy.url()}});
    return matched.empty() ? Json() : matched[0];
  }
};

TEST_F(SesStatsTest, TheAggregateSumsWhatMotoCountsAsSent) {
  aws_cli({"ses", "verify-email-identity", "--email-address", "alerts@example.com"});
  for (int i = 0; i < 3; ++i)
    aws_cli({"ses", "send-email", "--from", "alerts@example.com", "--destination",
             "ToAddresses=soc@example.com", "--message",
             "Subject={Data=test},Body={Text={Data=hello}}"});
  Json matched =
      matched_by(read_file(data_path("policies/c7n/account/ses-aggregated-send-stats-policy.yml")),
                 "ses-aggregated-send-stats-policy");
  ASSERT_EQ(matched.size(), 1u);
  EXPECT_EQ(matched[0]["c7n:ses-send-agg"]["DeliveryAttempts"], 3);
  EXPECT_EQ(matched[0]["c7n:ses-send-agg"]["BounceRate"], 0);
}

TEST_F(SesStatsTest, TheAggregateSumsEveryDataPointWithItsBounceRate) {
  Json account =
      account_matched("ses-aggregated-send-stats-policy.yml", "ses-aggregated-send-stats-policy",
                      {{0, 10, 10}, {1, 100, 12}, {2, 50, 1}, {10, 40, 2}});
  ASSERT_FALSE(account.is_null());
  EXPECT_EQ(account["c7n:ses-send-agg"],
            Json::parse(R"({"DeliveryAttempts": 200, "Bounces": 25, "Complaints": 0,
                            "Rejects": 4, "BounceRate": 12})"));
}

TEST_F(SesStatsTest, DailyStatsFlagAnAccountWhoseWorstRecentDayBouncedTenPercent) {
  // Today's data point is left out, and so is the one of ten days ago (days: 5).
  Json account = account_matched("ses-send-stats.yml", "ses-send-stats",
                                 {{0, 10, 10}, {1, 100, 12}, {2, 50, 1}, {10, 40, 40}});
  ASSERT_FALSE(account.is_null());
  EXPECT_EQ(account["c7n:ses-max-bounce-rate"], 12);
  ASSERT_EQ(account["c7n:ses-send-stats"].size(), 2u);
  EXPECT_EQ(account["c7n:ses-send-stats"][0]["Date"], midday(2).substr(0, 10));
  EXPECT_EQ(account["c7n:ses-send-stats"][0]["BounceRate"], 2);
  EXPECT_EQ(account["c7n:ses-send-stats"][1]["Bounces"], 12);
  // Under 10% every recent day: not flagged.
  EXPECT_TRUE(account_matched("ses-send-stats.yml", "ses-send-stats",
                              {{0, 10, 10}, {1, 100, 3}, {2, 50, 1}, {10, 40, 40}})
                  .is_null());
}

}  // namespace
}  // namespace custos::test
