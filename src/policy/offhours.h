// Cloud Custodian's offhour/onhour filters (c7n/filters/offhours.py): a resource matches in the
// hour its schedule says to stop (offhour) or start (onhour) it, the schedule read from a tag
// ("off=[(M-F,19),(U,18)];on=(M-F,7);tz=pt") or the policy's defaults. Every type gets them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/dates.h"
#include "policy/filter.h"
#include "policy/registry.h"
#include "policy/value_from.h"

namespace custos::policy {

// One (days, hour) pair of a schedule; days are Python's weekday() numbers (Monday 0).
struct HourRule {
  std::vector<int> days;
  int hour = 0;
  bool operator==(const HourRule&) const = default;
};

// A parsed tag value: the rules by key ("off", "on"; c7n keeps any key it split off) and the
// zone name as written.
struct HourSchedule {
  std::map<std::string, std::vector<HourRule>> rules;
  std::string tz;
  bool operator==(const HourSchedule&) const = default;
};

// c7n's ScheduleParser.parse: nullopt for a value it refuses; `default_tz` when none is given.
std::optional<HourSchedule> parse_hour_schedule(std::string_view value,
                                                const std::string& default_tz);

// c7n's Time.get_tz: an alias (et, pt, ...), else an IANA name in any case
// ("america/los_angeles").
std::optional<TimeZone> schedule_zone(const std::string& name);

class HourFilter : public Filter {
 public:
  enum class Kind { kOff, kOn };
  // With `origin_states`, only resources in one of them (State.Name) match unless the policy
  // says `state-filter: false` (c7n's EC2 offhour takes running instances, onhour stopped ones).
  HourFilter(const Spec& spec, Kind kind, std::vector<std::string> origin_states = {});

  bool match(const Json& resource, const FilterContext& context) const override;
  // The verdict at `now` (match() asks the clock).
  bool match_at(const Json& resource, TimePoint now, const FilterContext& context) const;

 private:
  // The resource's lowercased, unescaped schedule text; nullopt when it has none.
  std::optional<std::string> tag_value(const Json& resource) const;
  std::optional<HourSchedule> schedule_for(const std::string& value) const;
  bool skipped(const std::string& day, const FilterContext& context) const;

  std::string key_;  // "off" or "on"
  std::string tag_;
  std::optional<std::string> fallback_;
  bool opt_out_;
  HourSchedule default_;
  std::vector<std::string> skip_days_;
  std::optional<ValuesFrom> skip_days_from_;
  std::vector<std::string> origin_states_;
};

// The registry entry of offhour or onhour; with origin states it also takes `state-filter`.
FilterInfo hour_filter_info(HourFilter::Kind kind, std::vector<std::string> origin_states = {});

void register_offhours_filters(Registry& registry);  // offhour, onhour for every type

}  // namespace custos::policy
