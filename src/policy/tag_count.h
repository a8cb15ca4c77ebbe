// Cloud Custodian's tag-count filter, for every resource type.
#pragma once

#include "policy/registry.h"

namespace custos::policy {
void register_tag_count_filter(Registry& registry);
}
