#include "policy/registry.h"

namespace custos::policy {
namespace {

template <typename Map>
std::string known_names(const Map& map) {
  std::string names;
  for (const auto& [name, unused] : map) names += (names.empty() ? "" : ", ") + name;
  return names;
}

bool is_boolean_block(const Json& value) {
  if (!value.is_object() || value.size() != 1) return false;
  const auto& key = value.begin().key();
  return key == "and" || key == "or" || key == "not";
}

}  // namespace

void Registry::add_resource(ResourceType type) {
  resources_.push_back(std::move(type));
  const ResourceType& kept = resources_.back();
  by_name_.try_emplace(kept.name, &kept);
  for (const std::string& alias : kept.aliases) by_name_.try_emplace(alias, &kept);
}

void Registry::add_filter(std::string name, FilterFactory factory) {
  FilterInfo info;
  info.factory = std::move(factory);
  add_filter(std::move(name), std::move(info));
}

void Registry::add_filter(std::string name, FilterInfo info) {
  filters_[std::move(name)] = std::move(info);
}

void Registry::add_filter(const std::string& resource, std::string name, FilterInfo info) {
  type_filters_[resource][std::move(name)] = std::move(info);
}

InfoByName<FilterInfo> Registry::filters(std::string_view resource) const {
  InfoByName<FilterInfo> all = filters_;
  if (const auto* later = deferred(deferred_filters_, resource))
    for (const auto& [name, info] : *later) all[name] = info;
  if (auto own = type_filters_.find(resource); own != type_filters_.end())
    for (const auto& [name, info] : own->second) all[name] = info;
  return all;
}

const FilterInfo* Registry::find_filter(std::string_view resource, std::string_view name) const {
  if (auto own = type_filters_.find(resource); own != type_filters_.end())
    if (auto found = own->second.find(name); found != own->second.end()) return &found->second;
  if (const auto* later = deferred(deferred_filters_, resource))
    if (auto found = later->find(name); found != later->end()) return &found->second;
  auto found = filters_.find(name);
  return found == filters_.end() ? nullptr : &found->second;
}

void Registry::add_action(const std::string& resource, std::string name, ActionInfo info) {
  actions_[resource][std::move(name)] = std::move(info);
}

const ResourceType* Registry::find_resource(std::string_view name) const {
  auto found = by_name_.find(name);
  return found == by_name_.end() ? nullptr : found->second;
}

std::vector<std::string> Registry::resource_names() const {
  std::vector<std::string> names;
  for (const auto& type : resources_) names.push_back(type.name);
  return names;
}

void Registry::add_common_action(std::string name, ActionInfo info) {
  common_actions_[std::move(name)] = std::move(info);
}

template <typename Info, typename Filler>
void Registry::defer(DeferredByType<Info>& by_type, const std::string& resource, Filler fill) {
  auto& entry = by_type[resource];
  if (!entry) {
    entry = std::make_unique<Deferred<Info>>();
    entry->fill = std::move(fill);
    return;
  }
  entry->fill = [first = std::move(entry->fill), then = std::move(fill)](const Registry& registry,
                                                                         InfoByName<Info>& into) {
    first(registry, into);
    then(registry, into);
  };
}

template <typename Info>
const InfoByName<Info>* Registry::deferred(const DeferredByType<Info>& by_type,
                                           std::string_view resource) const {
  auto found = by_type.find(resource);
  if (found == by_type.end()) return nullptr;
  Deferred<Info>& entry = *found->second;
  std::call_once(entry.once, [&] { entry.fill(*this, entry.entries); });
  return &entry.entries;
}

void Registry::add_actions_on_first_use(const std::string& resource, ActionsFiller fill) {
  defer(deferred_actions_, resource, std::move(fill));
}

void Registry::add_filters_on_first_use(const std::string& resource, FiltersFiller fill) {
  defer(deferred_filters_, resource, std::move(fill));
}

InfoByName<ActionInfo> Registry::actions(std::string_view resource) const {
  InfoByName<ActionInfo> all = common_actions_;
  if (const auto* later = deferred(deferred_actions_, resource))
    for (const auto& [name, info] : *later) all[name] = info;
  if (auto own = actions_.find(resource); own != actions_.end())
    for (const auto& [name, info] : own->second) all[name] = info;
  return all;
}

const ActionInfo* Registry::find_action(std::string_view resource, std::string_view name) const {
  if (auto own = actions_.find(resource); own != actions_.end())
    if (auto found = own->second.find(name); found != own->second.end()) return &found->second;
  if (const auto* later = deferred(deferred_actions_, resource))
    if (auto found = later->find(name); found != later->end()) return &found->second;
  auto found = common_actions_.find(name);
  return found == common_actions_.end() ? nullptr : &found->second;
}

std::string Registry::entry_type(const Spec& spec, std::string_view what) const {
  const Json& value = spec.value();
  if (value.is_string()) return value.get<std::string>();
  if (!value.is_object())
    spec.fail(std::string(what) + " must be a name or a mapping with 'type', not " +
              json_type_name(value));
  if (!value.contains("type")) return {};
  if (!value["type"].is_string())
    spec.child("type").fail(std::string(what) + " type must be a string");
  return value["type"].get<std::string>();
}

FilterPtr Registry::build_filter(const Spec& spec, const BuildContext& context) const {
  const Json& value = spec.value();
  std::string type = entry_type(spec, "a filter");
  if (type.empty()) {
    if (is_boolean_block(value))
      type = value.begin().key();
    else if (value.size() == 1)
      type = "value";  // {KEY: VALUE} shorthand
    else
      spec.fail("filter has no 'type' (write {type: value, key: ..., value: ...} or {KEY: VALUE})");
  }
  const FilterInfo* info = find_filter(context.resource.name, type);
  if (!info)
    spec.fail("unknown filter '" + type + "' for " + context.resource.name +
              " (known filters: " + known_names(filters(context.resource.name)) + ")");
  return info->factory(spec, context);
}

ActionPtr Registry::build_action(const Spec& spec, const BuildContext& context) const {
  std::string type = entry_type(spec, "an action");
  if (type.empty()) spec.fail("action has no 'type' (write - stop, or - type: stop)");
  const ActionInfo* info = find_action(context.resource.name, type);
  if (!info) {
    const auto known_actions = actions(context.resource.name);
    std::string known = known_actions.empty() ? "none" : known_names(known_actions);
    spec.fail("unknown action '" + type + "' for " + context.resource.name +
              " (known actions: " + known + ")");
  }
  return info->factory(spec, context);
}

}  // namespace custos::policy
