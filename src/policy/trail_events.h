// Cloud Custodian's cloudtrail-mode shortcuts (c7n/cwe.py's trail_events), plus the calls an
// incident responder watches for: `events: [StopLogging]` instead of {source, event, ids}.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "policy/policy.h"

namespace custos::policy {

// The shortcut's source, event and ids; nullptr when `name` is not one.
const TrailEvent* trail_shortcut(std::string_view name);
std::vector<std::string> trail_shortcut_names();

}  // namespace custos::policy
