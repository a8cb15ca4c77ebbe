// Request parameters read from a resource: (parameter, JMESPath path) pairs compiled once a
// policy and evaluated for each resource, as the call actions and set-permissions send them.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/json.h"
#include "jmespath/jmespath.h"

namespace custos::resources {

using ParamPaths = std::vector<std::pair<std::string, jmespath::Expression>>;

// `paths` ((parameter, JMESPath text) pairs) compiled, appended to `params`.
void compile_into(ParamPaths& params,
                  const std::vector<std::pair<std::string, std::string>>& paths);
ParamPaths compiled(const std::vector<std::pair<std::string, std::string>>& paths);

// Each parameter that its path gives a value over `resource` (a null leaves it out).
Json evaluate(const ParamPaths& params, const Json& resource);

}  // namespace custos::resources
