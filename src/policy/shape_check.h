// Cloud Custodian's shape_validate: options that are an AWS call's parameters (update-trail's
// attributes) are checked against the operation's input shape in botocore's model when the
// policy compiles, not when the call is made.
#pragma once

#include <string_view>

#include "core/json.h"
#include "policy/spec.h"

namespace custos::policy {

// Fails at `spec` (naming the member) when `params` do not fit `operation`'s input shape: an
// unknown member or a value of the wrong type.
void check_input_shape(const Spec& spec, std::string_view service, std::string_view operation,
                       const Json& params);

// The same for part of the parameters (those an action's options give; the rest come from
// each resource): only the members given are checked, so missing required ones are not errors.
void check_given_members(const Spec& spec, std::string_view service, std::string_view operation,
                         const Json& params);

}  // namespace custos::policy
