#include "policy/mark_for_op.h"

#include <cstdio>

#include "policy/core_filters.h"
#include "policy/spec_numbers.h"

namespace custos::policy {
namespace {

using namespace std::chrono;

// Whether a mark-for-op tag value ("Resource does not meet policy: stop@2026/11/30") names
// `op` with a date that, less the skew, has come (Cloud Custodian's TagActionFilter).
bool is_due(const std::string& value, const std::string& op, duration<double> skew) {
  if (value.find(':') == std::string::npos || value.find('@') == std::string::npos) return false;
  std::string target = value.substr(value.rfind(':') + 1);
  auto first = target.find_first_not_of(" \t\n\r\f\v");
  if (first == std::string::npos) return false;
  target = target.substr(first, target.find_last_not_of(" \t\n\r\f\v") - first + 1);
  auto at = target.find('@');
  if (at == std::string::npos || target.substr(0, at) != op) return false;
  auto date = parse_datetime(target.substr(at + 1));
  return date && system_clock::now() >= *date - duration_cast<system_clock::duration>(skew);
}

class MarkedForOp : public Filter {
 public:
  MarkedForOp(const Spec& spec, const BuildContext& context)
      : tag_(spec.optional_string("tag", kDefaultMarkTag)),
        op_(op_option(spec, context)),
        skew_(number_option(spec, "skew", 0) * 86400 +
              number_option(spec, "skew_hours", 0) * 3600) {
    time_zone_option(spec);  // only checked: dates with a zone compare as instants
  }

  bool match(const Json& resource, const FilterContext&) const override {
    auto tags = resource.find("Tags");
    if (tags == resource.end() || !tags->is_array()) return false;
    for (const Json& tag : *tags) {
      if (tag.value("Key", Json()) != tag_) continue;
      auto value = tag.find("Value");
      return value != tag.end() && value->is_string() && is_due(*value, op_, skew_);
    }
    return false;
  }

 private:
  std::string tag_;
  std::string op_;
  duration<double> skew_;
};

}  // namespace

TimeZone time_zone_option(const Spec& spec) {
  std::string name = spec.optional_string("tz", "utc");
  auto zone = TimeZone::find(name);
  if (!zone)
    spec.child("tz").fail("unknown time zone '" + name +
                          "' (use an alias such as utc, et, pt, or an IANA name such as "
                          "Europe/Paris)");
  return *zone;
}

std::string op_option(const Spec& spec, const BuildContext& context) {
  std::string op = spec.optional_string("op", "stop");
  if (spec.optional_bool("custom", false)) return op;
  if (!spec.has("op"))
    spec.fail("'op' is required: the action the mark is for (e.g. op: stop), or set custom: true");
  if (!context.registry.find_action(context.resource.name, op))
    spec.child("op").fail("op '" + op + "' is not an action of " + context.resource.name +
                          " (set custom: true for an op custos does not run)");
  return op;
}

std::string mark_date(const TimeZone& zone, double day_count, double hour_count, TimePoint now) {
  TimeZone::Local local = zone.at(now);
  // Python adds a timedelta to the wall clock; the zone's name is the one in force then.
  auto wall =
      local.wall + duration_cast<seconds>(duration<double>(day_count * 86400 + hour_count * 3600));
  auto midnight = floor<days>(wall);
  year_month_day date{midnight};
  char text[64];
  int n = std::snprintf(text, sizeof text, "%04d/%02u/%02u", static_cast<int>(date.year()),
                        static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  if (hour_count > 0) {
    hh_mm_ss clock{wall - midnight};
    std::string name = zone.at(TimePoint(wall - seconds(local.offset))).abbreviation;
    std::snprintf(text + n, sizeof text - n, " %02ld%02ld %s",
                  static_cast<long>(clock.hours().count()),
                  static_cast<long>(clock.minutes().count()), name.c_str());
  }
  return text;
}

void register_marked_for_op_filter(Registry& registry) {
  FilterInfo info;
  info.description = "Resources whose mark-for-op tag names op and a date that has come";
  info.options = {"tag", "op", "skew", "skew_hours", "tz", "custom"};
  info.factory = [options = info.options](const Spec& spec,
                                          const BuildContext& context) -> FilterPtr {
    if (!spec.value().is_object())
      spec.fail("write marked-for-op as {type: marked-for-op, op: ACTION, ...}");
    spec.allow_keys(options, "the marked-for-op filter");
    return std::make_unique<MarkedForOp>(spec, context);
  };
  registry.add_filter("marked-for-op", std::move(info));
}

}  // namespace custos::policy
