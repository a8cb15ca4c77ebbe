// The filters every resource type has (Cloud Custodian's core filters).
#pragma once

namespace custos::policy {

class Registry;

// All of the below: what every resource type gets.
void register_core_filters(Registry& registry);

void register_value_filter(Registry& registry);          // value, and the {KEY: VALUE} shorthand
void register_boolean_filters(Registry& registry);       // and, or, not
void register_event_filter(Registry& registry);          // event
void register_reduce_filter(Registry& registry);         // reduce: group, sort, limit the set
void register_list_item_filter(Registry& registry);      // list-item: filters on a list's items
void register_marked_for_op_filter(Registry& registry);  // marked-for-op: due mark-for-op tags

}  // namespace custos::policy
