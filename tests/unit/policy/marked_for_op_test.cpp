// The marked-for-op filter and what it shares with the mark-for-op action (the tag's date
// format, time zones, date parsing), against Cloud Custodian's c7n/tags.py.
#include <gtest/gtest.h>

#include <string>

#include "policy/dates.h"
#include "policy/mark_for_op.h"
#include "policy/python_text.h"
#include "unit/policy/filter_test_policies.h"

namespace custos::policy {
namespace {

using namespace std::chrono;

Json tagged(const std::string& key, const std::string& value) {
  return {{"Id", "i-1"},
          {"Tags", {{{"Key", "Name"}, {"Value", "web"}}, {{"Key", key}, {"Value", value}}}}};
}

bool match(const std::string& filter, const Json& resource) {
  return compile_one(filter).matches(resource, FilterContext{});
}

std::string in_days(int days, const std::string& zone = "utc") {
  return mark_date(*TimeZone::find(zone), days, 0, system_clock::now());
}

TEST(MarkedForOp, SelectsResourcesWhoseMarkIsDue) {
  const std::string filter = "{type: marked-for-op, op: stop}";
  EXPECT_TRUE(
      match(filter, tagged("maid_status", "Resource does not meet policy: stop@2020/01/01")));
  EXPECT_TRUE(
      match(filter, tagged("maid_status", "Resource does not meet policy: stop@" + in_days(0))));
  EXPECT_FALSE(
      match(filter, tagged("maid_status", "Resource does not meet policy: stop@" + in_days(2))));
  EXPECT_FALSE(
      match(filter, tagged("maid_status", "Resource does not meet policy: terminate@2020/01/01")));
  EXPECT_FALSE(match(filter, tagged("other", "Resource does not meet policy: stop@2020/01/01")));
  EXPECT_FALSE(match(filter, tagged("maid_status", "stop@2020/01/01")));          // no ':'
  EXPECT_FALSE(match(filter, tagged("maid_status", "policy: stop 2020/01/01")));  // no '@'
  EXPECT_FALSE(match(filter, tagged("maid_status", "policy: stop@someday")));
  EXPECT_FALSE(match(filter, Json{{"Id", "i-1"}}));
}

TEST(MarkedForOp, ReadsTheLastColonAndTheTimeOfDay) {
  const std::string filter = "{type: marked-for-op, op: stop}";
  EXPECT_TRUE(match(filter, tagged("maid_status", "a: b: c:  stop@2020/01/01 1430 UTC ")));
  std::string later = mark_date(*TimeZone::find("utc"), 0, 3, system_clock::now());
  EXPECT_FALSE(match(filter, tagged("maid_status", "x: stop@" + later)));
  EXPECT_TRUE(match("{type: marked-for-op, op: stop, skew_hours: 3.1}",
                    tagged("maid_status", "x: stop@" + later)));
}

TEST(MarkedForOp, SkewBringsTheDateForward) {
  Json in_three_days = tagged("maid_status", "x: stop@" + in_days(3));
  EXPECT_FALSE(match("{type: marked-for-op, op: stop, skew: 2}", in_three_days));
  EXPECT_TRUE(match("{type: marked-for-op, op: stop, skew: 3}", in_three_days));
  EXPECT_TRUE(match("{type: marked-for-op, op: stop, skew: 2, skew_hours: 24}", in_three_days));
  EXPECT_TRUE(match("{type: marked-for-op, op: stop, skew_hours: 72}", in_three_days));
}

TEST(MarkedForOp, CustomTagAndOp) {
  Json resource = tagged("custodian_cleanup", "x: snapshot-and-delete@2020/01/01");
  EXPECT_TRUE(
      match("{type: marked-for-op, tag: custodian_cleanup, op: snapshot-and-delete, "
            "custom: true}",
            resource));
  EXPECT_FALSE(match("{type: marked-for-op, op: stop}", resource));
}

TEST(MarkedForOp, RejectsOpsThatAreNotActions) {
  EXPECT_EQ(compile_error("{type: marked-for-op, op: explode}"),
            "f.yml:5:35: policy 't': op 'explode' is not an action of test.thing (set custom: "
            "true for an op custos does not run)");
  EXPECT_NE(compile_error("{type: marked-for-op}").find("'op' is required"), std::string::npos);
  EXPECT_EQ(compile_error("{type: marked-for-op, op: explode, custom: true}"), "");
  EXPECT_NE(compile_error("{type: marked-for-op, op: stop, tz: Mars/Olympus}")
                .find("unknown time zone 'Mars/Olympus'"),
            std::string::npos);
  EXPECT_NE(
      compile_error("{type: marked-for-op, op: stop, skew: -1}").find("'skew' must be at least 0"),
      std::string::npos);
  EXPECT_NE(compile_error("{type: marked-for-op, op: stop, days: 1}").find("unknown key 'days'"),
            std::string::npos);
}

TimePoint utc(int y, int m, int d, int h, int min) {
  return sys_days(year{y} / m / d) + hours(h) + minutes(min);
}

TEST(MarkDate, WritesTheDateInTheZone) {
  auto utc_zone = *TimeZone::find("utc");
  auto eastern = *TimeZone::find("et");
  TimePoint now = utc(2026, 11, 26, 9, 30);
  EXPECT_EQ(mark_date(utc_zone, 4, 0, now), "2026/11/30");
  EXPECT_EQ(mark_date(utc_zone, 0, 2, now), "2026/11/26 1130 UTC");
  EXPECT_EQ(mark_date(utc_zone, 0.5, 0, now), "2026/11/26");
  EXPECT_EQ(mark_date(eastern, 0, 2, now), "2026/11/26 0630 EST");
  EXPECT_EQ(mark_date(eastern, 0, 0, utc(2026, 11, 26, 3, 0)), "2026/11/25");  // still the 25th
  EXPECT_EQ(mark_date(eastern, 0, 1, utc(2026, 7, 1, 12, 0)), "2026/07/01 0900 EDT");
  EXPECT_EQ(mark_date(*TimeZone::find("Asia/Kolkata"), 0, 1, now), "2026/11/26 1600 IST");
}

TEST(Dates, ParsesTheFormsAwsAndMarksUse) {
  TimePoint expected = utc(2026, 11, 30, 14, 30);
  EXPECT_EQ(parse_datetime("2026-11-30T14:30:00Z"), expected);
  EXPECT_EQ(parse_datetime("2026-11-30T14:30:00.000Z"), expected);
  EXPECT_EQ(parse_datetime("2026-11-30T15:30:00+01:00"), expected);
  EXPECT_EQ(parse_datetime("2026-11-30T09:30:00-0500"), expected);
  EXPECT_EQ(parse_datetime("2026/11/30 1430 UTC"), expected);
  EXPECT_EQ(parse_datetime("2026/11/30 14:30 GMT"), expected);
  // Without a zone (or one dateutil does not know), local time: the same as the bare date.
  EXPECT_EQ(parse_datetime("2026/11/30 1430 EST"), parse_datetime("2026-11-30 14:30"));
  EXPECT_FALSE(parse_datetime("2026/13/01"));
  EXPECT_FALSE(parse_datetime("someday"));
  EXPECT_FALSE(parse_datetime("2026/11/30 later"));
  EXPECT_FALSE(parse_datetime("2026/11/30 UTC"));  // dateutil wants a time before a zone
  EXPECT_EQ(parse_datetime("2026/11/30"), parse_datetime("2026-11-30 00:00"));
}

TEST(PythonText, StrAndFormatAsPython) {
  EXPECT_EQ(python_str(Json(true)), "True");
  EXPECT_EQ(python_str(Json()), "None");
  EXPECT_EQ(python_str(Json(1.0)), "1.0");
  EXPECT_EQ(python_str(Json::parse(R"({"a": [1, "b", null]})")), "{'a': [1, 'b', None]}");
  auto fields = [](const std::string& name, const std::string& spec) {
    return name + (spec.empty() ? "" : "|" + spec);
  };
  EXPECT_EQ(python_format("{op}@{action_date} {{x}} {now:%Y}", fields),
            "op@action_date {x} now|%Y");
  EXPECT_THROW(python_format("{op", fields), InputError);
  EXPECT_THROW(python_format("op}", fields), InputError);
  EXPECT_THROW(python_format("{}", fields), InputError);
}

}  // namespace
}  // namespace custos::policy
