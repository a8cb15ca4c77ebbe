// aws.event-rule: EventBridge rules (default bus) and their event-rule-target filter.
#pragma once

#include "policy/registry.h"

namespace custos::resources {
void register_event_rule(policy::Registry& registry);
}
