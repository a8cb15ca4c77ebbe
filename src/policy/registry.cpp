#include "policy/registry.h"

#include <algorithm>
#include <set>
#include <stdexcept>

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

// Lookups fill a lazy registry: one recursive mutex keeps them apart (a group's function may
// look up another group's type, which loads it).
struct Registry::Lazy {
  explicit Lazy(const TypeGroups& groups) : groups(groups), loaded(groups.groups.size()) {}
  const TypeGroups& groups;
  std::vector<bool> loaded;
  std::recursive_mutex mutex;
};

Registry::Registry() = default;
Registry::Registry(const TypeGroups& groups) : lazy_(std::make_unique<Lazy>(groups)) {}
Registry::Registry(Registry&&) noexcept = default;
Registry& Registry::operator=(Registry&&) noexcept = default;
Registry::~Registry() = default;

std::unique_lock<std::recursive_mutex> Registry::lock_if_lazy() const {
  return lazy_ ? std::unique_lock(lazy_->mutex) : std::unique_lock<std::recursive_mutex>();
}

void Registry::load(std::string_view name) const {
  if (!lazy_ || scope_first_) return;
  const auto& names = lazy_->groups.names;
  auto found = std::lower_bound(
      names.begin(), names.end(), name,
      [](const TypeGroups::Name& entry, std::string_view wanted) { return entry.name < wanted; });
  if (found != names.end() && found->name == name) load_group(found->group);
}

// A group loads with the groups whose functions add to its types, in registration order (the
// order an eager registry runs them in, so that a later entry of the same name still wins).
void Registry::load_group(std::size_t group) const {
  if (lazy_->loaded[group]) return;
  lazy_->loaded[group] = true;
  std::set<std::size_t> order = {group};
  for (const auto& contribution : lazy_->groups.contributions)
    if (contribution.group == group) order.insert(contribution.from);
  // A lazy registry is never defined const (see the constructor): filling it is its lookups' job.
  auto& self = const_cast<Registry&>(*this);
  for (std::size_t each : order)
    if (each == group)
      self.add_group(lazy_->groups, group);
    else
      load_group(each);
}

void Registry::load_all() const {
  if (!lazy_ || scope_first_) return;
  for (std::size_t group = 0; group < lazy_->groups.groups.size(); ++group) load_group(group);
}

void Registry::add_group(const TypeGroups& groups, std::size_t group) {
  const std::size_t first = resources_.size();
  groups.groups[group](*this);
  if (!groups.derive) return;
  scope_first_ = first;
  try {
    groups.derive(*this);
  } catch (...) {
    scope_first_.reset();
    throw;
  }
  scope_first_.reset();
}

std::vector<std::string> Registry::names_with_entries() const {
  std::set<std::string, std::less<>> names;
  for (const auto& [name, unused] : type_filters_) names.insert(name);
  for (const auto& [name, unused] : actions_) names.insert(name);
  for (const auto& [name, unused] : deferred_filters_) names.insert(name);
  for (const auto& [name, unused] : deferred_actions_) names.insert(name);
  return {names.begin(), names.end()};
}

const ResourceType* Registry::registered(std::string_view name) const {
  auto found = by_name_.find(name);
  return found == by_name_.end() ? nullptr : found->second;
}

bool Registry::in_scope(std::string_view resource) const {
  if (!scope_first_) return true;
  const ResourceType* type = registered(resource);
  return type && std::any_of(resources_.begin() + static_cast<std::ptrdiff_t>(*scope_first_),
                             resources_.end(), [&](const auto& each) { return &each == type; });
}

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
  if (!in_scope(resource)) return;  // derived for a type of another group: added when it loads
  type_filters_[resource][std::move(name)] = std::move(info);
}

InfoByName<FilterInfo> Registry::filters(std::string_view resource) const {
  auto lock = lock_if_lazy();
  load(resource);
  InfoByName<FilterInfo> all = filters_;
  if (const auto* later = deferred(deferred_filters_, resource))
    for (const auto& [name, info] : *later) all[name] = info;
  if (auto own = type_filters_.find(resource); own != type_filters_.end())
    for (const auto& [name, info] : own->second) all[name] = info;
  return all;
}

const FilterInfo* Registry::find_filter(std::string_view resource, std::string_view name) const {
  auto lock = lock_if_lazy();
  load(resource);
  if (auto own = type_filters_.find(resource); own != type_filters_.end())
    if (auto found = own->second.find(name); found != own->second.end()) return &found->second;
  if (const auto* later = deferred(deferred_filters_, resource))
    if (auto found = later->find(name); found != later->end()) return &found->second;
  auto found = filters_.find(name);
  return found == filters_.end() ? nullptr : &found->second;
}

void Registry::add_action(const std::string& resource, std::string name, ActionInfo info) {
  if (!in_scope(resource)) return;
  actions_[resource][std::move(name)] = std::move(info);
}

const ResourceType* Registry::find_resource(std::string_view name) const {
  auto lock = lock_if_lazy();
  load(name);
  return in_scope(name) ? registered(name) : nullptr;
}

const ResourceType* Registry::table_type(std::string_view name) const {
  if (const ResourceType* type = find_resource(name)) return type;
  if (scope_first_) return nullptr;
  throw std::logic_error("internal: a registration table names " + std::string(name) +
                         ", which no resource type has");
}

std::vector<std::string> Registry::resource_names() const {
  if (lazy_) return {lazy_->groups.type_names.begin(), lazy_->groups.type_names.end()};
  std::vector<std::string> names;
  for (const auto& type : resources_) names.push_back(type.name);
  return names;
}

Registry::TypeRange Registry::resources() const {
  auto lock = lock_if_lazy();
  if (scope_first_)
    return {resources_.begin() + static_cast<std::ptrdiff_t>(*scope_first_), resources_.end()};
  load_all();
  return {resources_.begin(), resources_.end()};
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
  if (!in_scope(resource)) return;
  defer(deferred_actions_, resource, std::move(fill));
}

void Registry::add_filters_on_first_use(const std::string& resource, FiltersFiller fill) {
  if (!in_scope(resource)) return;
  defer(deferred_filters_, resource, std::move(fill));
}

InfoByName<ActionInfo> Registry::actions(std::string_view resource) const {
  auto lock = lock_if_lazy();
  load(resource);
  InfoByName<ActionInfo> all = common_actions_;
  if (const auto* later = deferred(deferred_actions_, resource))
    for (const auto& [name, info] : *later) all[name] = info;
  if (auto own = actions_.find(resource); own != actions_.end())
    for (const auto& [name, info] : own->second) all[name] = info;
  return all;
}

const ActionInfo* Registry::find_action(std::string_view resource, std::string_view name) const {
  auto lock = lock_if_lazy();
  load(resource);
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
