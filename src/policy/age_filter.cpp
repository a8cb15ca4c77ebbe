#include "policy/age_filter.h"

#include <chrono>
#include <limits>

#include "policy/spec_numbers.h"

namespace custos::policy {
namespace {

using namespace std::chrono;

// c7n's schema takes any number of days, negative ones too.
constexpr double kAnyNumber = std::numeric_limits<double>::lowest();

// op(now - age, date): `op: ge, days: 30` keeps what is at least 30 days old.
class AgeFilter : public Filter {
 public:
  AgeFilter(const Spec& spec, DateOf date_of)
      : compare_(comparison_option(spec, "op", "greater-than")),
        age_(number_option(spec, "days", 0, kAnyNumber) * 86400 +
             number_option(spec, "hours", 0, kAnyNumber) * 3600 +
             number_option(spec, "minutes", 0, kAnyNumber) * 60),
        date_of_(std::move(date_of)) {}

  bool match(const Json& resource, const FilterContext& context) const override {
    auto date = date_of_(resource, context);
    return date && compare_(seconds_of(system_clock::now()) - age_, seconds_of(*date));
  }

 private:
  static double seconds_of(TimePoint when) {
    return duration<double>(when.time_since_epoch()).count();
  }

  std::function<bool(double, double)> compare_;
  double age_;  // seconds
  DateOf date_of_;
};

}  // namespace

std::optional<TimePoint> date_of(const Json& value) {
  return value.is_string() ? parse_datetime(value.get<std::string>()) : std::nullopt;
}

FilterInfo age_filter_info(DateOf date_of, std::string description,
                           std::vector<std::string> options, std::vector<std::string> permissions) {
  FilterInfo info;
  info.factory = [date_of, options](const Spec& spec, const BuildContext&) -> FilterPtr {
    if (spec.value().is_object()) spec.allow_keys(options, "this age filter");
    return std::make_unique<AgeFilter>(spec, date_of);
  };
  info.description = std::move(description);
  info.options = std::move(options);
  info.permissions = std::move(permissions);
  return info;
}

}  // namespace custos::policy
