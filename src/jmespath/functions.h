// Internal to src/jmespath: the built-in functions (abs ... values) of the JMESPath spec.
#pragma once

#include <string_view>
#include <vector>

#include "jmespath/ast.h"

namespace custos::jmespath::detail {

// The function `name` called with `arg_count` arguments; throws "unknown-function" or
// "invalid-arity" naming the column of the call in `expression`.
const Function* resolve_function(std::string_view name, std::size_t arg_count,
                                 std::string_view expression, std::size_t column);

// Evaluates the arguments against `current`, checks their types and applies `function`.
Value call_function(const Function& function, const std::vector<NodePtr>& args,
                    const Json& current);

}  // namespace custos::jmespath::detail
