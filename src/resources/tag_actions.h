// The tag actions every taggable resource type gets (Cloud Custodian's c7n/tags.py): tag
// (alias mark), remove-tag (aliases unmark, untag), rename-tag and mark-for-op, each calling
// the tagging API its ResourceType names and recording the tag values it replaced.
#pragma once

#include <string>

#include "policy/registry.h"

namespace custos::resources {

// Registers them for `resource`, a type already in the registry.
void register_tag_actions(policy::Registry& registry, const std::string& resource);

}  // namespace custos::resources
