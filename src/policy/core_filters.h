// The filters every resource type has (Cloud Custodian's core filters).
#pragma once

namespace custos::policy {

class Registry;

// All of the below: what every resource type gets.
void register_core_filters(Registry& registry);

void register_value_filter(Registry& registry);     // value, and the {KEY: VALUE} shorthand
void register_boolean_filters(Registry& registry);  // and, or, not
void register_event_filter(Registry& registry);     // event

}  // namespace custos::policy
