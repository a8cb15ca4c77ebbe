// aws.cloudtrail: trails with Cloud Custodian's status filter and the actions that turn logging
// back on after an attacker stopped it (set-logging, update-trail).
#pragma once

#include "policy/registry.h"

namespace custos::resources {
void register_cloudtrail(policy::Registry& registry);
}
