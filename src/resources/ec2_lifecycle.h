// aws.ec2's actions on the instance itself, beyond containment's stop and snapshot: terminate,
// start, set-termination-protection, preserve-volumes, set-metadata-access, set-monitoring,
// reboot and autorecover-alarm.
#pragma once

#include "policy/registry.h"

namespace custos::resources {
void register_ec2_lifecycle_actions(policy::Registry& registry);
}
