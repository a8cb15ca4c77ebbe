// The notifications every resource type has (Cloud Custodian's notify, webhook and
// invoke-lambda): who to tell about what a policy matched, in Cloud Custodian's formats.
#pragma once

#include "policy/registry.h"

namespace custos::resources {

// Registers them as common actions: every resource type has them, whenever it is registered.
void register_notifications(policy::Registry& registry);

// webhook's registry entry (resources/webhook.cpp).
policy::ActionInfo webhook_action_info();

}  // namespace custos::resources
