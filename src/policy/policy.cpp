#include "policy/policy.h"

#include <algorithm>
#include <set>

#include "policy/regex.h"

namespace custos::policy {
namespace {

// Keys of a Cloud Custodian policy that custos does not act on yet: refusing them beats
// silently running a policy differently from how it was written.
const std::set<std::string, std::less<>> kNotYetSupported = {
    "conditions", "query", "region", "max-resources", "max-resources-percent", "source"};
const std::set<std::string, std::less<>> kDescriptive = {"description", "comment", "comments",
                                                         "tags", "metadata"};
const std::set<std::string, std::less<>> kModes = {"pull", "guard-duty"};
const std::set<std::string, std::less<>> kFutureModes = {
    "periodic",    "cloudtrail",       "ec2-instance-state", "asg-instance-state",
    "config-rule", "config-poll-rule", "hub-action",         "hub-finding",
    "phd",         "schedule"};

void check_name(const Spec& spec) {
  if (!spec.has("name")) spec.fail("policy has no 'name'");
  const Json& name = spec.value()["name"];
  if (!name.is_string())
    spec.child("name").fail("'name' must be a string, not " + json_type_name(name));
  // Cloud Custodian's schema pattern "[A-z][A-z0-9]*(-*[A-z0-9]+)*$" (names become Lambda
  // function and folder names): A-z lets '_' through. Written without the nested repetition,
  // which backtracks exponentially on a long name with one bad character.
  static const Regex pattern("[A-Za-z_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?\\z", false);
  if (!pattern.match_start(name.get_ref<const std::string&>()))
    spec.child("name").fail(
        "the name must start with a letter or '_' and use only letters, digits, '_' and '-' "
        "(not ending with '-')");
}

Mode compile_mode(const Spec& policy, const ResourceType& resource) {
  Mode mode;
  if (!policy.has("mode")) return mode;
  Spec spec = policy.child("mode");
  if (!spec.value().is_object() || !spec.has("type") || !spec.value()["type"].is_string())
    spec.fail("'mode' must be a mapping with a 'type' (pull, guard-duty)");
  mode.type = spec.value()["type"].get<std::string>();
  mode.data = spec.value();
  if (kFutureModes.count(mode.type))
    spec.child("type").fail("mode '" + mode.type +
                            "' is not supported by custos yet (supported: pull, guard-duty)");
  if (!kModes.count(mode.type))
    spec.child("type").fail("unknown mode '" + mode.type + "' (supported: pull, guard-duty)");
  if (mode.type == "guard-duty" && resource.guard_duty_id_path.empty())
    spec.child("type").fail("mode guard-duty does not apply to " + resource.name +
                            " (GuardDuty findings name EC2 instances and IAM users)");
  // Deployment settings (role, memory, tags, ...) only matter for Lambda; accept them.
  return mode;
}

Spec list_at(const Spec& policy, std::string_view key) {
  Spec list = policy.child(key);
  if (!list.value().is_array())
    list.fail("'" + std::string(key) + "' must be a list, not " + json_type_name(list.value()));
  return list;
}

Policy compile_policy(const Spec& spec, const Registry& registry) {
  if (!spec.value().is_object()) spec.fail("each policy must be a mapping with name and resource");
  check_name(spec);
  Policy policy;
  policy.name = spec.value()["name"].get<std::string>();
  for (const auto& [key, unused] : spec.value().items()) {
    if (key == "name" || key == "resource" || key == "mode" || key == "filters" ||
        key == "actions" || kDescriptive.count(key))
      continue;
    if (kNotYetSupported.count(key))
      spec.child(key).at_key().fail("'" + key + "' is not supported by custos yet");
    spec.child(key).at_key().fail("unknown policy key '" + key + "'");
  }
  if (!spec.has("resource")) spec.fail("policy needs a 'resource' (e.g. aws.ec2)");
  if (!spec.value()["resource"].is_string())
    spec.child("resource")
        .fail("'resource' must be a string (e.g. aws.ec2), not " +
              json_type_name(spec.value()["resource"]));
  std::string resource_name = spec.value()["resource"].get<std::string>();
  policy.resource = registry.find_resource(resource_name);
  if (!policy.resource) {
    std::string known;
    for (const auto& n : registry.resource_names()) known += (known.empty() ? "" : ", ") + n;
    spec.child("resource")
        .fail("unknown resource type '" + resource_name + "' (known: " + known + ")");
  }
  policy.mode = compile_mode(spec, *policy.resource);
  BuildContext context{registry, *policy.resource, policy.mode.is_event()};
  if (spec.has("filters")) {
    Spec filters = list_at(spec, "filters");
    for (std::size_t i = 0; i < filters.value().size(); ++i)
      policy.filters.push_back(registry.build_filter(filters.element(i), context));
  }
  if (spec.has("actions")) {
    Spec actions = list_at(spec, "actions");
    for (std::size_t i = 0; i < actions.value().size(); ++i) {
      Spec action = actions.element(i);
      ActionPtr built = registry.build_action(action, context);  // validates the type first
      std::string name = action.value().is_string() ? action.value().get<std::string>()
                                                    : action.value()["type"].get<std::string>();
      policy.actions.emplace_back(name, std::move(built));
    }
  }
  policy.data = spec.value();
  policy.location = spec.location();
  return policy;
}

}  // namespace

bool Policy::matches(const Json& resource, const FilterContext& context) const {
  return std::all_of(filters.begin(), filters.end(),
                     [&](const FilterPtr& f) { return f->match(resource, context); });
}

std::vector<Policy> compile_policies(const SourceDocument& source, const Registry& registry) {
  Spec root(source, Json::json_pointer(), "");
  if (!root.value().is_object() || !root.has("policies"))
    root.fail("a policy file is a mapping with a 'policies:' list");
  root.allow_keys({"policies", "vars"}, "the policy file");
  Spec list = root.child("policies");
  if (!list.value().is_array()) list.fail("'policies' must be a list");
  std::vector<Policy> policies;
  std::set<std::string> names;
  for (std::size_t i = 0; i < list.value().size(); ++i) {
    Spec entry = list.element(i);
    const Json& value = entry.value();
    bool named_by_string = value.is_object() && value.contains("name") && value["name"].is_string();
    std::string name = named_by_string ? value["name"].get<std::string>() : "";
    Spec named(source, entry.pointer(), name);
    Policy policy = compile_policy(named, registry);
    if (!names.insert(policy.name).second)
      named.child("name").fail("duplicate policy name '" + policy.name + "'");
    policies.push_back(std::move(policy));
  }
  return policies;
}

}  // namespace custos::policy
