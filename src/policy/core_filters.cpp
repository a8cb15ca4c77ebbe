#include "policy/core_filters.h"

namespace custos::policy {

void register_core_filters(Registry& registry) {
  register_value_filter(registry);
  register_boolean_filters(registry);
  register_event_filter(registry);
}

}  // namespace custos::policy
