#include "policy/core_filters.h"

namespace custos::policy {

void register_core_filters(Registry& registry) {
  register_value_filter(registry);
  register_boolean_filters(registry);
  register_event_filter(registry);
  register_reduce_filter(registry);
  register_list_item_filter(registry);
  register_marked_for_op_filter(registry);
}

}  // namespace custos::policy
