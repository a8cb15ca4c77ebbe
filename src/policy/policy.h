// A compiled policy: which resources (resource type and mode), which of them (filters), and
// what to do to them (actions). Compiling validates everything before anything runs.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "policy/registry.h"
#include "policy/source.h"

namespace custos::policy {

struct Mode {
  std::string type = "pull";  // pull, guard-duty
  Json data = Json::object();
  bool is_event() const { return type != "pull"; }
};

struct Policy {
  std::string name;
  const ResourceType* resource = nullptr;
  Mode mode;
  std::vector<FilterPtr> filters;  // all must match
  std::vector<std::pair<std::string, ActionPtr>> actions;
  Json data;  // the policy as written
  Location location;

  bool matches(const Json& resource, const FilterContext& context) const;
};

// Compiles every policy in `source` (a document with a `policies:` list). Throws PolicyError
// at the first problem, naming file:line:col and the policy.
std::vector<Policy> compile_policies(const SourceDocument& source, const Registry& registry);

}  // namespace custos::policy
