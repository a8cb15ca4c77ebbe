// aws.account's SES sending filters (Cloud Custodian's account.py): ses-agg-send-stats (all of
// GetSendStatistics' data points summed, with the bounce rate) and ses-send-stats (the last
// `days` whole days, summed a day, and the worst day's bounce rate). A high bounce rate is how
// a leaked SES credential sending spam shows, and what gets an account's sending suspended.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

#include "aws/client.h"
#include "policy/dates.h"
#include "policy/spec_numbers.h"
#include "policy/value_filter.h"
#include "resources/account.h"

namespace custos::resources {
namespace {

using policy::FilterContext;
using policy::Spec;

struct SendCounts {
  long long attempts = 0, bounces = 0, complaints = 0, rejects = 0;

  void add(const Json& point) {
    attempts += point.value("DeliveryAttempts", 0LL);
    bounces += point.value("Bounces", 0LL);
    complaints += point.value("Complaints", 0LL);
    rejects += point.value("Rejects", 0LL);
  }
  // Cloud Custodian's round(bounces / attempts * 100) (Python rounds half to even); 0 when
  // nothing was sent (c7n divides by zero).
  long long bounce_rate() const {
    if (attempts == 0) return 0;
    return static_cast<long long>(std::nearbyint(100.0 * bounces / attempts));
  }
  Json json() const {
    return {{"DeliveryAttempts", attempts},
            {"Bounces", bounces},
            {"Complaints", complaints},
            {"Rejects", rejects},
            {"BounceRate", bounce_rate()}};
  }
};

std::string iso_date(std::chrono::sys_days day) {
  const std::chrono::year_month_day date{day};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

Json send_data_points(const FilterContext& context, const char* filter) {
  return policy::require_client(context, filter)
      .call("ses", "GetSendStatistics", Json::object())
      .value("SendDataPoints", Json::array());
}

// ses-agg-send-stats: the account, annotated c7n:ses-send-agg, when SES has sent anything in
// the two weeks GetSendStatistics covers; a value filter (key, value...) then judges the
// annotation (Cloud Custodian takes the options and ignores them).
class SesAggregateStats : public policy::AnnotatingFilter {
 public:
  explicit SesAggregateStats(const Spec& spec) {
    if (spec.has("key") || spec.has("value")) matcher_.emplace(spec);
  }
  bool match(const Json& account, const FilterContext& context) const override {
    return !process({account}, context).empty();
  }
  std::vector<Json> process(std::vector<Json> accounts,
                            const FilterContext& context) const override {
    Json points = send_data_points(context, "ses-agg-send-stats");
    if (points.empty() || accounts.empty()) return {};
    SendCounts total;
    for (const Json& point : points) total.add(point);
    Json& account = accounts.front();
    account["c7n:ses-send-agg"] = total.json();
    if (matcher_ && !matcher_->matches(account["c7n:ses-send-agg"], context)) return {};
    return accounts;
  }
  std::vector<std::string> permissions() const override { return {"ses:GetSendStatistics"}; }

 private:
  std::optional<policy::ValueMatcher> matcher_;
};

// ses-send-stats: the account, annotated with the last `days` days' sending (c7n:ses-send-stats,
// one entry a day, today left out) and the worst day's bounce rate (c7n:ses-max-bounce-rate),
// when SES has sent anything; a value filter after it judges those.
class SesDailyStats : public policy::AnnotatingFilter {
 public:
  explicit SesDailyStats(const Spec& spec)
      : days_(static_cast<int>(policy::number_option(spec, "days", 2, 2))) {
    if (!spec.has("days")) spec.fail("ses-send-stats needs 'days' (2 or more)");
  }
  bool match(const Json& account, const FilterContext& context) const override {
    return !process({account}, context).empty();
  }
  std::vector<Json> process(std::vector<Json> accounts,
                            const FilterContext& context) const override {
    Json points = send_data_points(context, "ses-send-stats");
    if (points.empty() || accounts.empty()) return {};
    const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
    std::map<std::string, SendCounts> by_day;
    for (const Json& point : points) {
      auto when = policy::parse_datetime(point.value("Timestamp", ""));
      if (!when) continue;
      const auto day = std::chrono::floor<std::chrono::days>(*when);
      if (day >= today || day < today - std::chrono::days(days_)) continue;
      by_day[iso_date(day)].add(point);
    }
    Json daily = Json::array();
    long long worst = 0;
    for (const auto& [date, counts] : by_day) {
      Json entry = counts.json();
      entry["Date"] = date;
      worst = std::max(worst, counts.bounce_rate());
      daily.push_back(std::move(entry));
    }
    accounts.front()["c7n:ses-send-stats"] = std::move(daily);
    accounts.front()["c7n:ses-max-bounce-rate"] = worst;
    return accounts;
  }
  std::vector<std::string> permissions() const override { return {"ses:GetSendStatistics"}; }

 private:
  int days_;
};

}  // namespace

void register_ses_stats_filters(policy::Registry& registry) {
  registry.add_filter(
      "aws.account", "ses-agg-send-stats",
      policy::filter_info<SesAggregateStats>(
          policy::value_filter_options({}),
          "The account when SES has sent mail, with the last two weeks summed as "
          "c7n:ses-send-agg (DeliveryAttempts, Bounces, Complaints, Rejects, BounceRate %); "
          "key/value judge that sum",
          {"ses:GetSendStatistics"}));
  registry.add_filter("aws.account", "ses-send-stats",
                      policy::filter_info<SesDailyStats>(
                          {"days"},
                          "The account when SES has sent mail, with the last `days` whole days "
                          "summed a day as c7n:ses-send-stats and the worst day's bounce rate "
                          "as c7n:ses-max-bounce-rate (judge them with a value filter after it)",
                          {"ses:GetSendStatistics"}));
}

}  // namespace custos::resources
