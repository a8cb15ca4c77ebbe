#include "policy/policy.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include <fmt/format.h>

#include "jmespath/jmespath.h"
#include "policy/describe.h"
#include "policy/query.h"
#include "policy/regex.h"
#include "policy/trail_events.h"

namespace custos::policy {
namespace {

// Keys of a Cloud Custodian policy that custos does not act on yet: refusing them beats
// silently running a policy differently from how it was written.
const std::set<std::string, std::less<>> kNotYetSupported = {"source"};
const std::set<std::string, std::less<>> kKnown = {
    "name",        "resource",      "mode",
    "filters",     "actions",       "conditions",
    "region",      "max-resources", "max-resources-percent",
    "description", "comment",       "comments",
    "tags",        "metadata",      "query"};
const std::set<std::string, std::less<>> kModes = {
    "pull",     "guard-duty",  "cloudtrail",      "ec2-instance-state",
    "periodic", "config-rule", "config-poll-rule"};
const char* const kSupportedModes =
    "supported: pull, guard-duty, cloudtrail, ec2-instance-state, periodic, config-rule, "
    "config-poll-rule";
const std::set<std::string, std::less<>> kFutureModes = {"asg-instance-state", "hub-action",
                                                         "hub-finding", "phd", "schedule"};
// Cloud Custodian's LambdaMode options (deployment settings), then each mode's own.
const std::vector<std::string> kLambdaOptions = {"execution-options",
                                                 "function-prefix",
                                                 "member-role",
                                                 "packages",
                                                 "layers",
                                                 "concurrency",
                                                 "runtime",
                                                 "role",
                                                 "handler",
                                                 "pattern",
                                                 "timeout",
                                                 "memory",
                                                 "environment",
                                                 "tags",
                                                 "dead_letter_config",
                                                 "kms_key_arn",
                                                 "tracing_config",
                                                 "security_groups",
                                                 "subnets"};

std::vector<std::string> mode_options(const std::string& type) {
  std::vector<std::string> options = kLambdaOptions;
  options.push_back("kill-switch");  // custos's own
  if (type == "guard-duty") options.push_back("include-samples");
  if (type == "cloudtrail") options.insert(options.end(), {"events", "delay"});
  if (type == "ec2-instance-state") options.push_back("events");
  if (type == "periodic") options.push_back("schedule");
  if (type == "config-poll-rule")
    options.insert(options.end(), {"schedule", "ignore-support-check"});
  return options;
}

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

// One entry of a cloudtrail mode's `events:`: a shortcut name or {source, event, ids}.
TrailEvent compile_trail_event(const Spec& spec) {
  const Json& value = spec.value();
  if (value.is_string()) {
    const TrailEvent* shortcut = trail_shortcut(value.get<std::string>());
    if (!shortcut) {
      std::string known;
      for (const auto& name : trail_shortcut_names()) known += (known.empty() ? "" : ", ") + name;
      spec.fail("unknown cloudtrail event shortcut '" + value.get<std::string>() +
                "' (shortcuts: " + known + "; or write {source, event, ids})");
    }
    return *shortcut;
  }
  if (!value.is_object())
    spec.fail("a cloudtrail event must be a shortcut name or {source, event, ids}");
  spec.allow_keys({"source", "event", "ids"}, "a cloudtrail event");
  TrailEvent event;
  for (const char* key : {"source", "event", "ids"}) {
    if (!spec.has(key)) spec.fail(std::string("a cloudtrail event needs '") + key + "'");
  }
  event.source = spec.optional_string("source");
  event.event = spec.optional_string("event");
  event.ids = spec.optional_string("ids");
  try {
    jmespath::Expression::compile(event.ids);
  } catch (const jmespath::Error& e) {
    spec.child("ids").fail("'ids' is not a valid JMESPath expression: " + std::string(e.what()));
  }
  return event;
}

// The modes Cloud Custodian runs on a schedule or for AWS Config, and ec2-instance-state.
void compile_scheduled_modes(const Spec& spec, const ResourceType& resource, Mode& mode) {
  if ((mode.type == "config-rule" || mode.type == "config-poll-rule") && spec.has("pattern"))
    spec.child("pattern").at_key().fail("AWS Config does not support event pattern filtering");
  if (mode.type == "periodic" && spec.has("schedule")) {
    mode.schedule = spec.optional_string("schedule");
    if (!(mode.schedule.starts_with("rate(") || mode.schedule.starts_with("cron(")) ||
        !mode.schedule.ends_with(")"))
      spec.child("schedule")
          .fail(
              "'schedule' is an EventBridge schedule expression: rate(1 day) or cron(0 12 * * ? "
              "*)");
  }
  if (mode.type == "config-poll-rule") {
    if (!spec.has("schedule")) spec.fail("mode config-poll-rule needs a 'schedule'");
    mode.schedule = spec.one_of(
        "schedule", {"One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours"});
    spec.optional_bool("ignore-support-check", false);
  }
  if (mode.type == "ec2-instance-state") {
    if (resource.name != "aws.ec2")
      spec.child("type").fail("mode ec2-instance-state applies to aws.ec2, not " + resource.name);
    mode.instance_states = spec.string_list("events");
    static const std::set<std::string, std::less<>> kStates = {
        "pending", "running", "shutting-down", "stopped", "stopping", "terminated"};
    for (std::size_t i = 0; i < mode.instance_states.size(); ++i)
      if (!kStates.count(mode.instance_states[i]))
        spec.child("events").element(i).fail(
            "'" + mode.instance_states[i] +
            "' is not an instance state (pending, running, shutting-down, stopped, stopping, "
            "terminated)");
  }
}

Mode compile_mode(const Spec& policy, const ResourceType& resource) {
  Mode mode;
  if (!policy.has("mode")) return mode;
  Spec spec = policy.child("mode");
  if (!spec.value().is_object() || !spec.has("type") || !spec.value()["type"].is_string())
    spec.fail(std::string("'mode' must be a mapping with a 'type' (") + kSupportedModes + ")");
  mode.type = spec.value()["type"].get<std::string>();
  mode.data = spec.value();
  if (kFutureModes.count(mode.type))
    spec.child("type").fail("mode '" + mode.type + "' is not supported by custos yet (" +
                            kSupportedModes + ")");
  if (!kModes.count(mode.type))
    spec.child("type").fail("unknown mode '" + mode.type + "' (" + kSupportedModes + ")");
  if (mode.type == "pull") return mode;
  // Deployment settings (role, memory, tags, ...) only matter where the policy is deployed.
  spec.allow_keys(mode_options(mode.type), "mode " + mode.type);
  if (spec.has("kill-switch")) {
    mode.kill_switch = spec.optional_string("kill-switch");
    if (mode.kill_switch.empty() || mode.kill_switch == "ssm:")
      spec.child("kill-switch")
          .fail("'kill-switch' names a file or an SSM parameter (ssm:/NAME) that stops actions");
  }
  if (mode.type == "guard-duty") {
    if (resource.guard_duty.empty()) {
      spec.child("type").fail("mode guard-duty does not apply to " + resource.name +
                              " (GuardDuty findings name EC2 instances, IAM users and roles, S3 "
                              "buckets)");
    }
    mode.include_samples = spec.optional_bool("include-samples", false);
  }
  if (mode.type == "cloudtrail") {
    if (!spec.has("events") || !spec.value()["events"].is_array() || spec.value()["events"].empty())
      spec.fail(
          "mode cloudtrail needs 'events': a list of shortcuts (e.g. StopLogging) or "
          "{source, event, ids}");
    Spec events = spec.child("events");
    for (std::size_t i = 0; i < events.value().size(); ++i)
      mode.trail_events.push_back(compile_trail_event(events.element(i)));
  }
  compile_scheduled_modes(spec, resource, mode);
  return mode;
}

Spec list_at(const Spec& policy, std::string_view key) {
  Spec list = policy.child(key);
  if (!list.value().is_array())
    list.fail("'" + std::string(key) + "' must be a list, not " + json_type_name(list.value()));
  return list;
}

// Cloud Custodian's schema for the keys that only describe a policy.
void check_descriptive(const Spec& policy) {
  for (const char* key : {"description", "comment", "comments"}) policy.optional_string(key);
  if (policy.has("tags")) {
    const Json& tags = policy.value()["tags"];
    if (!tags.is_array() ||
        !std::all_of(tags.begin(), tags.end(), [](const Json& tag) { return tag.is_string(); }))
      policy.child("tags").fail("'tags' must be a list of strings");
  }
  if (policy.has("metadata") && !policy.value()["metadata"].is_object())
    policy.child("metadata")
        .fail("'metadata' must be a mapping, not " + json_type_name(policy.value()["metadata"]));
}

std::string shown(const Json& value) {
  return value.is_number() ? value.dump() : json_type_name(value);
}

bool whole_number_from_one(const Json& value) {
  return value.is_number_integer() && (value.is_number_unsigned() || value.get<long long>() >= 1);
}

Json percentage(const Spec& spec, const std::string& what) {
  const Json& value = spec.value();
  if (!value.is_number() || value.get<double>() < 0 || value.get<double>() > 100)
    spec.fail("'" + what + "' must be a percentage from 0 to 100, not " + shown(value));
  return value;
}

// max-resources: N | {amount: N, percent: P, op: and|or}, and max-resources-percent: P.
ResourceLimit compile_limit(const Spec& policy) {
  ResourceLimit limit;
  if (policy.has("max-resources")) {
    Spec max = policy.child("max-resources");
    const Json& value = max.value();
    if (whole_number_from_one(value)) {
      limit.amount = value.get<long long>();
    } else if (value.is_object()) {
      max.allow_keys({"amount", "percent", "op"}, "max-resources");
      if (max.has("type")) max.child("type").at_key().fail("max-resources takes no 'type'");
      if (max.has("amount")) {
        if (!whole_number_from_one(value["amount"]))
          max.child("amount").fail("'amount' must be a whole number of at least 1, not " +
                                   shown(value["amount"]));
        limit.amount = value["amount"].get<long long>();
      }
      if (max.has("percent")) limit.percent = percentage(max.child("percent"), "percent");
      limit.op = max.optional_string("op", "or");
      if (limit.op != "and" && limit.op != "or")
        max.child("op").fail("'op' must be 'and' or 'or', not '" + limit.op + "'");
    } else {
      max.fail(
          "'max-resources' must be a whole number of at least 1 or a mapping {amount, percent, "
          "op}, not " +
          shown(value));
    }
  }
  if (policy.has("max-resources-percent"))
    limit.percent = percentage(policy.child("max-resources-percent"), "max-resources-percent");
  return limit;
}

Policy compile_policy(const Spec& spec, const Registry& registry) {
  if (!spec.value().is_object()) spec.fail("each policy must be a mapping with name and resource");
  check_name(spec);
  Policy policy;
  policy.name = spec.value()["name"].get<std::string>();
  for (const auto& [key, unused] : spec.value().items()) {
    if (kKnown.count(key)) continue;
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
  check_descriptive(spec);
  policy.mode = compile_mode(spec, *policy.resource);
  if (spec.has("query")) {
    Query query = compile_query(spec.child("query"), *policy.resource);
    policy.query = std::move(query.params);
    policy.narrowed = with_augment_keys(*policy.resource, query.augment_keys,
                                        spec.value().value("filters", Json()));
    if (policy.narrowed) policy.resource = policy.narrowed.get();
  }
  BuildContext context{registry, *policy.resource, policy.mode.is_event(), "and", &spec.value()};
  policy.conditions = Conditions::compile(spec, context);
  policy.limit = compile_limit(spec);
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

void ResourceLimit::check(const std::string& policy, std::size_t selected,
                          std::size_t population) const {
  std::string how = op;
  if (how.empty()) {
    const char* env = std::getenv("C7N_MAXRES_OP");
    how = env ? env : "or";
  }
  double percentage_amount = percent.is_number() ? population * (percent.get<double>() / 100) : 0;
  bool over_amount = amount && *amount && selected > static_cast<std::size_t>(*amount);
  bool over_percent = percentage_amount && selected > percentage_amount;
  std::string found = fmt::format("found:{} total:", selected);
  if (over_amount && over_percent && how == "and")
    throw ResourceLimitExceeded(
        fmt::format("policy:{} exceeded resource-limit:{} and percentage-limit:{}% {}{}", policy,
                    *amount, percent.dump(), found, population));
  if (over_amount && how != "and")  // Cloud Custodian's message has this space after total:
    throw ResourceLimitExceeded(fmt::format("policy:{} exceeded resource-limit:{} {} {}", policy,
                                            *amount, found, population));
  if (over_percent && how != "and")
    throw ResourceLimitExceeded(fmt::format("policy:{} exceeded resource-limit:{}% {}{}", policy,
                                            percent.dump(), found, population));
}

std::vector<Json> Policy::filter_resources(std::vector<Json> resources,
                                           const FilterContext& context) const {
  DocStore store;
  std::vector<DocStore::Value> documents;
  documents.reserve(resources.size());
  for (const Json& resource : resources) documents.push_back(store.add(resource));
  resources.clear();
  for (DocStore::Value kept : filter_stored(store, std::move(documents), context))
    resources.push_back(store.to_json(kept));
  return resources;
}

namespace {

// Keeps the documents every matcher accepts, in order, with the keys each added to `keys`.
// Document by document, each while it is in cache: the verdicts are those of filtering the set
// matcher by matcher, since none of them judges the set.
void keep_matching(const std::vector<StoredMatcherPtr>& matchers,
                   std::vector<DocStore::Value>& documents,
                   std::vector<std::vector<std::string>>& keys, const FilterContext& context) {
  std::vector<std::string> added;
  FilterContext local = context;
  local.matched_keys = context.annotate ? &added : nullptr;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < documents.size(); ++i) {
    added.clear();
    auto accepts = [&](const StoredMatcherPtr& matcher) {
      return matcher->match(documents[i], local);
    };
    if (!std::all_of(matchers.begin(), matchers.end(), accepts)) continue;
    documents[kept] = documents[i];
    if (context.annotate) keys[kept] = std::move(added);
    ++kept;
  }
  documents.resize(kept);
  if (context.annotate) keys.resize(kept);
}

// `documents` of `store` with the keys each earned appended to its c7n:MatchedFilters: new
// documents of the store (sharing all else with the originals).
void annotate(DocStore& store, std::vector<DocStore::Value>& documents,
              std::vector<std::vector<std::string>>& keys) {
  constexpr std::string_view kMatched = "c7n:MatchedFilters";
  for (std::size_t i = 0; i < documents.size(); ++i) {
    if (keys[i].empty()) continue;
    Json matched = store.to_json(store.get(documents[i], kMatched));  // null when absent
    for (auto& key : keys[i]) matched.push_back(std::move(key));
    documents[i] = store.with_member(documents[i], kMatched, store.add(matched));
  }
}

}  // namespace

std::vector<DocStore::Value> Policy::filter_stored(DocStore& store,
                                                   std::vector<DocStore::Value> documents,
                                                   const FilterContext& context) const {
  std::vector<StoredList::Batch> kept = filter_stored({{&store, std::move(documents)}}, context);
  return kept.empty() ? std::vector<DocStore::Value>() : std::move(kept.front().documents);
}

std::vector<StoredList::Batch> Policy::filter_stored(std::vector<StoredList::Batch> batches,
                                                     const FilterContext& context) const {
  if (batches.empty()) return batches;
  // The filters up to the first that judges the set read each store directly: their matchers
  // are made once a store.
  std::size_t next = filters.size();
  std::map<const DocStore*, std::vector<StoredMatcherPtr>> matchers_by_store;
  for (StoredList::Batch& batch : batches) {
    auto [found, added] = matchers_by_store.try_emplace(batch.store);
    std::vector<StoredMatcherPtr>& matchers = found->second;
    if (added) {
      for (std::size_t i = 0; i < filters.size(); ++i) {
        StoredMatcherPtr matcher = filters[i]->stored_matcher(*batch.store);
        if (!matcher) {
          next = i;
          break;
        }
        matchers.push_back(std::move(matcher));
      }
    }
    std::vector<std::vector<std::string>> keys(context.annotate ? batch.documents.size() : 0);
    keep_matching(matchers, batch.documents, keys, context);
    if (context.annotate) annotate(*batch.store, batch.documents, keys);
  }
  if (next == filters.size()) return batches;
  // From there on the documents go on as Json, all batches' at once.
  std::vector<Json> resources;
  for (const StoredList::Batch& batch : batches)
    for (DocStore::Value document : batch.documents)
      resources.push_back(batch.store->to_json(document));
  for (; next < filters.size() && !resources.empty(); ++next)
    resources = filters[next]->process(std::move(resources), context);
  StoredList::Batch kept{batches.front().store, {}};
  for (const Json& resource : resources) kept.documents.push_back(kept.store->add(resource));
  return {std::move(kept)};
}

bool Policy::matches(const Json& resource, const FilterContext& context) const {
  return filter_resources({resource}, context).size() == 1;
}

std::vector<Policy> compile_policies(const SourceDocument& source, const Registry& registry) {
  Spec root(source, Json::json_pointer(), "");
  if (!root.value().is_object() || !root.has("policies"))
    root.fail("a policy file is a mapping with a 'policies:' list");
  root.allow_keys({"policies", "vars"}, "the policy file");
  Json vars = Json::object();
  if (root.has("vars")) {
    vars = root.value()["vars"];
    if (!vars.is_object())
      root.child("vars").fail(
          "'vars' must be a mapping (NAME: VALUE, for {NAME} in policies), not " +
          json_type_name(vars));
  }
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
    policy.vars = vars;
    policies.push_back(std::move(policy));
  }
  return policies;
}

std::set<std::string> permissions_of(const Policy& policy, const Registry& registry) {
  std::set<std::string> actions;
  for (const auto& needed : describe_permissions(*policy.resource)) actions.insert(needed);
  for (const auto& needed : permissions_of(policy.filters)) actions.insert(needed);
  for (const auto& [name, unused] : policy.actions) {
    const auto* info = registry.find_action(policy.resource->name, name);
    if (info) actions.insert(info->permissions.begin(), info->permissions.end());
  }
  return actions;
}

std::optional<Policy> expand_variables(const Policy& policy, const Variables& vars,
                                       const Registry& registry) {
  Json expanded;
  try {
    expanded = format_string_values(policy.data, vars);
  } catch (const InputError& e) {
    throw PolicyError(policy.location, "policy '" + policy.name + "': " + e.what());
  }
  const Json& mode = policy.data.contains("mode") ? policy.data["mode"] : Json::object();
  if (mode.is_object() && mode.contains("member-role"))  // assumed per event, at run time
    expanded["mode"]["member-role"] = mode["member-role"];
  if (expanded == policy.data) return std::nullopt;
  // Compiled from the expanded text: positions then point into that text, named as such.
  auto source = std::make_shared<const SourceDocument>(
      SourceDocument::parse(Json{{"policies", Json::array({expanded})}}.dump(2),
                            policy.location.file + " (after variable expansion)"));
  std::string name = expanded.contains("name") && expanded["name"].is_string()
                         ? expanded["name"].get<std::string>()
                         : policy.name;
  Policy result = compile_policy(Spec(*source, "/policies/0"_json_pointer, name), registry);
  result.vars = policy.vars;
  result.location = policy.location;
  result.expanded = std::move(source);
  return result;
}

}  // namespace custos::policy
