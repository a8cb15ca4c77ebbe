// Cloud Custodian's `missing` filter: a policy inside the filter (resource and filters, no mode
// or actions) whose resources must exist; the resource being filtered (the account) matches when
// that policy matches nothing.
#pragma once

#include "policy/registry.h"

namespace custos::policy {

FilterInfo missing_filter_info();

}  // namespace custos::policy
