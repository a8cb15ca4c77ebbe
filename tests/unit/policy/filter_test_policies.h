// Filter tests compile one-filter policies from YAML text against a small registry: the core
// filters and two test resource types, so they depend on no real resource.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "policy/core_filters.h"
#include "policy/policy.h"
#include "policy/registry.h"
#include "policy/source.h"

namespace custos::policy {

// An action that does nothing, so mark-for-op has an op to name.
class NoAction : public Action {
 public:
  std::vector<ActionRecord> process(const std::vector<Json>&, ActionContext&) const override {
    return {};
  }
};

// test.thing (alias thing, id Id, GuardDuty instance paths, action stop) and
// test.security-group (id GroupId).
inline const Registry& test_registry() {
  static const Registry registry = [] {
    Registry r;
    register_core_filters(r);
    ResourceType thing;
    thing.name = "test.thing";
    thing.aliases = {"thing"};
    thing.id_field = "Id";
    thing.guard_duty = {
        {.resource_type = "Instance", .ids = "detail.resource.instanceDetails.instanceId"}};
    r.add_resource(thing);
    ResourceType group;
    group.name = "test.security-group";
    group.id_field = "GroupId";
    r.add_resource(group);
    ActionInfo stop;
    stop.factory = [](const Spec&, const BuildContext&) { return std::make_unique<NoAction>(); };
    r.add_action("test.thing", "stop", stop);
    return r;
  }();
  return registry;
}

// The filter entry is written on line 5 (or 6 with a mode), after "      - ".
inline std::string policy_text(const std::string& filter, bool event_mode,
                               const std::string& resource) {
  return "policies:\n  - name: t\n    resource: " + resource + "\n" +
         (event_mode ? "    mode: {type: guard-duty}\n" : "") + "    filters:\n      - " + filter +
         "\n";
}

inline Policy compile_one(const std::string& filter, bool event_mode = false,
                          const std::string& resource = "test.thing") {
  auto source = SourceDocument::parse(policy_text(filter, event_mode, resource), "f.yml");
  auto policies = compile_policies(source, test_registry());
  EXPECT_EQ(policies.size(), 1u);
  return std::move(policies.at(0));
}

// The message of the PolicyError that compiling `filter` throws ("" when none).
inline std::string compile_error(const std::string& filter, bool event_mode = false,
                                 const std::string& resource = "test.thing") {
  try {
    compile_one(filter, event_mode, resource);
  } catch (const PolicyError& e) {
    return e.what();
  }
  return "";
}

}  // namespace custos::policy
