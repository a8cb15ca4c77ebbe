// offhour/onhour: the tag schedule parser and the hour decisions, on the cases of Cloud
// Custodian's tests/test_offhours.py (its dates, tags and verdicts).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "policy/offhours.h"
#include "unit/policy/filter_test_policies.h"

namespace custos::policy {
namespace {

using namespace std::chrono;

// The instant the New York wall clock shows y-m-d h:min.
TimePoint new_york(int y, unsigned m, unsigned d, int h, int min = 0) {
  sys_seconds wall = sys_days(year_month_day(year(y), month(m), day(d))) + hours(h) + minutes(min);
  TimeZone zone = *TimeZone::find("America/New_York");
  seconds guess(zone.at(wall).offset);
  return wall - seconds(zone.at(wall - guess).offset);
}

Json tagged(const std::string& value, const std::string& key = "maid_offhours") {
  return {{"InstanceId", "i-1"}, {"Tags", {{{"Key", key}, {"Value", value}}}}};
}

const Json kUntagged = {{"InstanceId", "i-1"}, {"Tags", Json::array()}};

// A filter built from its YAML text, kept with the document it was written in.
class Hours {
 public:
  Hours(const std::string& yaml, HourFilter::Kind kind)
      : source_(SourceDocument::parse(yaml, "f.yml")),
        filter_(Spec(source_, Json::json_pointer(""), "t"), kind) {}
  bool at(const Json& resource, TimePoint now) const { return filter_.match_at(resource, now, {}); }

 private:
  SourceDocument source_;
  HourFilter filter_;
};

Hours off(const std::string& more = "") {
  return Hours("{type: offhour, default_tz: et, offhour: 19" + more + "}", HourFilter::Kind::kOff);
}
Hours on(const std::string& more = "", int hour = 7) {
  return Hours("{type: onhour, default_tz: et, onhour: " + std::to_string(hour) + more + "}",
               HourFilter::Kind::kOn);
}

std::vector<bool> week(const Hours& filter, const Json& resource, TimePoint start, int count) {
  std::vector<bool> verdicts;
  for (int n = 0; n < count; ++n) verdicts.push_back(filter.at(resource, start + days(n)));
  return verdicts;
}

TEST(ScheduleParser, ParsesCloudCustodiansTable) {
  using Rules = std::vector<HourRule>;
  const std::vector<int> weekdays{0, 1, 2, 3, 4};
  EXPECT_EQ(parse_hour_schedule("off=(m-f,10);on=(m-f,7);tz=et", "et"),
            (HourSchedule{{{"off", Rules{{weekdays, 10}}}, {"on", Rules{{weekdays, 7}}}}, "et"}));
  EXPECT_EQ(parse_hour_schedule("off=[(m-f,9)];on=(m-s,10);tz=pt", "et"),
            (HourSchedule{{{"off", Rules{{weekdays, 9}}}, {"on", Rules{{{0, 1, 2, 3, 4, 5}, 10}}}},
                          "pt"}));
  // Wrapping around the week; the default zone when none is written.
  EXPECT_EQ(
      parse_hour_schedule("on=[(s-m,10)];off=(s-m,19)", "et"),
      (HourSchedule{{{"on", Rules{{{5, 6, 0}, 10}}}, {"off", Rules{{{5, 6, 0}, 19}}}}, "et"}));
  EXPECT_EQ(parse_hour_schedule("on=[(m,9),(t,10),(w,7)];off=(m-u,19)", "ct"),
            (HourSchedule{{{"on", Rules{{{0}, 9}, {{1}, 10}, {{2}, 7}}},
                           {"off", Rules{{{0, 1, 2, 3, 4, 5, 6}, 19}}}},
                          "ct"}));
  EXPECT_EQ(parse_hour_schedule("off=[m-f,20];on=[m-f,5];tz=est", "et"),
            (HourSchedule{{{"off", Rules{{weekdays, 20}}}, {"on", Rules{{weekdays, 5}}}}, "est"}));
  for (const char* refused :
       {"", "off=(1-2,12);on=(m-f,10);tz=est", "off=(m-f,a);on=(m-f,10);tz=est",
        "off=(m-f,99);on=(m-f,7);tz=pst", "off=(x-f,10);on=(m-f,10);tz=est",
        "off=(m-f);on=(m-f,10);tz=est", "off=(m-t-f,12);on=(m-f,10);tz=est",
        "off=(m-f,5);zebra=blue,on=(t-w,5)", "off=(m-f,5);zebra=blue;on=(t-w,5)",
        "off=(m-f,5);zebrablue,on=(t-w,5)", "bar;off=(m-f,5);zebrablue,on=(t-w,5)"})
    EXPECT_EQ(parse_hour_schedule(refused, "et"), std::nullopt) << refused;
}

TEST(ScheduleParser, ResolvesZonesAsCloudCustodianDoes) {
  for (const char* name : {"america/los_angeles", "pst", "pacific/auckland", "gmt",
                           "chile/easterisland", "etc/gmt+5", "Europe/Paris"})
    EXPECT_TRUE(schedule_zone(name)) << name;
  EXPECT_FALSE(schedule_zone("evt"));
  EXPECT_FALSE(schedule_zone("zmta"));
}

TEST(OffHours, DefaultScheduleOnWeekdays) {
  TimePoint tuesday_evening = new_york(2015, 12, 1, 19, 5);
  EXPECT_TRUE(off().at(tagged("tz=est"), tuesday_evening));
  EXPECT_FALSE(off().at(tagged("tz=est"), tuesday_evening - hours(1)));
  EXPECT_TRUE(on().at(tagged("tz=est"), new_york(2015, 12, 1, 7, 5)));
  EXPECT_FALSE(on("", 8).at(tagged("tz=est"), new_york(2015, 12, 1, 7, 5)));
  // Friday evening stops, the weekend does not, Monday evening does again.
  EXPECT_EQ(week(off(), tagged("tz=est"), new_york(2016, 2, 26, 19, 20), 4),
            (std::vector<bool>{true, false, false, true}));
}

TEST(OffHours, WeekendsAndWeekendsOnly) {
  TimePoint sunday = new_york(2016, 8, 14, 7, 20);
  EXPECT_EQ(week(on(", weekends: false"), tagged("tz=est"), sunday, 7), std::vector<bool>(7, true));
  EXPECT_EQ(week(off(", weekends: false"), tagged("tz=est"), sunday + hours(12), 7),
            std::vector<bool>(7, true));
  // Only for the weekend: on Monday morning, off Friday evening.
  EXPECT_EQ(week(on(", weekends-only: true"), tagged("tz=est"), sunday, 7),
            (std::vector<bool>{false, true, false, false, false, false, false}));
  EXPECT_EQ(week(off(", weekends-only: true"), tagged("tz=est"), new_york(2016, 2, 14, 19, 20), 7),
            (std::vector<bool>{false, false, false, false, false, true, false}));
}

TEST(OffHours, OptInAndOptOut) {
  TimePoint evening = new_york(2015, 12, 1, 19, 5);
  EXPECT_FALSE(off().at(kUntagged, evening));
  EXPECT_TRUE(off().at(tagged(""), evening));
  EXPECT_TRUE(off().at(tagged("on"), evening));
  EXPECT_FALSE(off().at(tagged("off"), evening));
  EXPECT_TRUE(off(", opt-out: true").at(kUntagged, evening));
  EXPECT_FALSE(off(", opt-out: true").at(tagged("off"), evening));
  EXPECT_FALSE(off(", opt-out: true").at(tagged("off=(m-f,5);zebrablue,on=(t-w,5)"), evening));
  EXPECT_TRUE(on().at(tagged(""), new_york(2015, 12, 1, 7, 5)));
}

TEST(OffHours, TagSchedulesAndZones) {
  TimePoint thursday = new_york(2016, 5, 26, 19);
  EXPECT_TRUE(off().at(tagged("off=(m-f,19);on=(m-f,7);tz=et"), thursday));
  EXPECT_FALSE(off().at(tagged("off=(m-f,20);on=(m-f,7);tz=et"), thursday));
  EXPECT_TRUE(on().at(tagged("off=(m-f,19);on=(m-f,7);tz=et"), thursday - hours(12)));
  EXPECT_FALSE(on().at(tagged("off=(m-f,20);on=(m-f,9);tz=et"), thursday - hours(12)));
  // Arizona keeps no daylight saving time: 7:00 in New York in May is 4:00 there.
  EXPECT_FALSE(on().at(tagged("off=(m-f,19);on=(m-f,7);tz=at"), thursday - hours(12)));
  EXPECT_TRUE(on().at(tagged("off=(m-f,19);on=(m-f,4);tz=at"), thursday - hours(12)));
  EXPECT_FALSE(on().at(tagged("off=(m-f,20);on=(m-f,7);tz=abc"), thursday - hours(12)));
  EXPECT_FALSE(off().at(tagged("off=();tz=et"), thursday));
  EXPECT_FALSE(off().at(tagged("off=(m-f,90);on=(m-f,7);tz=et"), thursday));
  // Case, quotes, trailing semicolons and the escapes of characters AWS tags refuse.
  EXPECT_TRUE(off().at(tagged("\"Offhours tz=ET\""), new_york(2015, 12, 1, 19, 5)));
  EXPECT_TRUE(off().at(tagged("OFF=(M-F,19);"), thursday));
  EXPECT_TRUE(off().at(tagged("off=u28M-Fu2c19u29u3btz=America/New_York"), thursday));
  EXPECT_TRUE(off().at(tagged("off=(m-f,19)", "MAID_OFFHOURS"), thursday));
}

TEST(OffHours, CustomTagFallbackAndSkipDays) {
  TimePoint evening = new_york(2015, 12, 1, 19, 5);
  EXPECT_FALSE(off(", tag: downtime").at(tagged("tz=est"), evening));
  EXPECT_TRUE(off(", tag: downtime").at(tagged("tz=est", "Downtime"), evening));
  EXPECT_TRUE(off(", fallback-schedule: 'off=(t,19)'").at(kUntagged, evening));
  EXPECT_FALSE(off(", fallback-schedule: 'off=(w,19)'").at(kUntagged, evening));
  EXPECT_FALSE(off(", skip-days: ['2015-12-01']").at(tagged("tz=est"), evening));
  EXPECT_FALSE(off(", skip-days: ['2017-01-01', '2015-12-01']").at(tagged("tz=est"), evening));
  EXPECT_TRUE(off(", skip-days: ['2015-12-02']").at(tagged("tz=est"), evening));
}

TEST(OffHours, RefusesBadOptionsWhereWritten) {
  EXPECT_EQ(compile_error("{type: offhour, offhour: 19}"),
            "f.yml:5:9: policy 't': 'default_tz' is required (Cloud Custodian's schema)");
  EXPECT_EQ(compile_error("{type: onhour, default_tz: et}"),
            "f.yml:5:9: policy 't': 'onhour' is required (Cloud Custodian's schema)");
  EXPECT_EQ(compile_error("{type: offhour, default_tz: zmta, offhour: 19}"),
            "f.yml:5:37: policy 't': unknown time zone 'zmta' (use an alias such as et, pt, utc, "
            "or an IANA name such as Europe/Paris)");
  EXPECT_EQ(compile_error("{type: offhour, default_tz: et, offhour: 25}"),
            "f.yml:5:50: policy 't': 'offhour' must be a whole hour from 0 to 23, not 25");
  EXPECT_NE(compile_error("{type: offhour, default_tz: et, offhour: 19, skip-days: ['2017-01-01'], "
                          "skip-days-from: {url: 'file:///dev/null', format: txt}}")
                .find("write skip-days or skip-days-from, not both"),
            std::string::npos);
  EXPECT_NE(compile_error("{type: offhour, default_tz: et, offhour: 19, skip-days: ['Jan 1']}")
                .find("skip-days are dates written YYYY-MM-DD"),
            std::string::npos);
  EXPECT_NE(compile_error("{type: offhour, default_tz: et, offhour: 19, skew: 1}")
                .find("unknown key 'skew'"),
            std::string::npos);
  EXPECT_EQ(compile_error("{type: onhour, default_tz: pt, onhour: 6, weekends: false}"), "");
}

}  // namespace
}  // namespace custos::policy
