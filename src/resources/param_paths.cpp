#include "resources/param_paths.h"

namespace custos::resources {

void compile_into(ParamPaths& params,
                  const std::vector<std::pair<std::string, std::string>>& paths) {
  for (const auto& [param, path] : paths)
    params.emplace_back(param, jmespath::Expression::compile(path));
}

ParamPaths compiled(const std::vector<std::pair<std::string, std::string>>& paths) {
  ParamPaths params;
  compile_into(params, paths);
  return params;
}

Json evaluate(const ParamPaths& params, const Json& resource) {
  Json values = Json::object();
  for (const auto& [param, path] : params)
    if (Json value = path.search(resource); !value.is_null()) values[param] = std::move(value);
  return values;
}

}  // namespace custos::resources
