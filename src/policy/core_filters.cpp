#include "policy/core_filters.h"

#include "policy/metrics_filter.h"
#include "policy/offhours.h"
#include "policy/tag_count.h"

namespace custos::policy {

void register_core_filters(Registry& registry) {
  register_value_filter(registry);
  register_boolean_filters(registry);
  register_event_filter(registry);
  register_reduce_filter(registry);
  register_list_item_filter(registry);
  register_marked_for_op_filter(registry);
  register_offhours_filters(registry);
  register_tag_count_filter(registry);
  register_metrics_filter(registry);
}

}  // namespace custos::policy
