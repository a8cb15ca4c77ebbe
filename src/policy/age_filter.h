// Cloud Custodian's AgeFilter (c7n/filters/core.py): a resource by the age of one of its dates
// (`op`, default greater-than, and `days`, `hours`, `minutes`), for the types' own age filters
// (instance-age, image-age, ebs-snapshot's age, ...).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "policy/dates.h"
#include "policy/registry.h"

namespace custos::policy {

// The date a resource is aged by; nullopt: the resource does not match.
using DateOf = std::function<std::optional<TimePoint>(const Json&, const FilterContext&)>;

// The instant a date value holds (an ISO string as botocore's JSON gives it), if it does.
std::optional<TimePoint> date_of(const Json& value);

// The registry entry of an age filter taking `options` (from op, days, hours, minutes).
FilterInfo age_filter_info(DateOf date_of, std::string description,
                           std::vector<std::string> options,
                           std::vector<std::string> permissions = {});

}  // namespace custos::policy
