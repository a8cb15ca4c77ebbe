// What the resource types that are only data share: the detail call that reads tags through
// the Resource Groups Tagging API, and registering a type with the tag actions.
#pragma once

#include <string>

#include "policy/registry.h"

namespace custos::resources {

// The resource's tags from the Resource Groups Tagging API, by the ARN at `arn_path` in its
// document (Cloud Custodian's universal_taggable augment), stored as Tags.
policy::DetailCall tags_by_arn(const std::string& arn_path);

// A type's access when it is shared with the accounts `call` lists: its `select` gives account
// ids, organization ARNs or "all" (everyone), kept on the resource as c7n:SharedWith; `share`,
// when given, is how set-permissions changes that.
policy::ResourceType::Access shared_with(
    policy::DetailCall call, std::optional<policy::ResourceType::Access::Share> share = {});

// A call action's option that sets the parameter `field` and reads it back from the resource's
// field of that name (set-public-access's state: PubliclyAccessible): already so, nothing is
// called; undone with the value it had.
policy::ResourceType::CallAction::Option setting(std::string option, std::string field,
                                                 Json default_value = nullptr);

// Registers `type` and, when it is taggable, its tag actions (register_tag_actions).
void add_type(policy::Registry& registry, policy::ResourceType type, bool taggable = true);

// Cloud Custodian's age filter of a type (`filter`: age, image-age): the resource's date at
// `date_path` (JMESPath) against `days`, with `op` (default greater-than).
void add_age_filter(policy::Registry& registry, const std::string& resource,
                    const std::string& filter, const std::string& date_path);

}  // namespace custos::resources
