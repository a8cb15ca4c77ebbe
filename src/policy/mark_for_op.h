// Cloud Custodian's delayed actions: mark-for-op tags a resource "MESSAGE: OP@DATE" and the
// marked-for-op filter selects it once DATE (less a skew) has come. What both sides share.
#pragma once

#include <string>
#include <string_view>

#include "policy/dates.h"
#include "policy/registry.h"

namespace custos::policy {

inline constexpr const char* kDefaultMarkTag = "maid_status";  // Cloud Custodian's DEFAULT_TAG

// The `tz` option (default utc): one of Cloud Custodian's aliases or an IANA name.
TimeZone time_zone_option(const Spec& spec);

// The `op` option, which must name an action of the policy's resource type unless the spec
// says `custom: true` (then any op, default stop, as in Cloud Custodian).
std::string op_option(const Spec& spec, const BuildContext& context);

// The date mark-for-op writes: now in `zone` plus the days and hours, as "2026/11/30" or, with
// hours, "2026/11/30 1430 UTC".
std::string mark_date(const TimeZone& zone, double day_count, double hour_count, TimePoint now);

}  // namespace custos::policy
