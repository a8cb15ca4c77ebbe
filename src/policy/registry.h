// Registries of resource types, filters and actions by name: adding one is one file plus one
// registration call (see resources/builtin.cpp).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "policy/action.h"
#include "policy/filter.h"
#include "policy/resource_type.h"
#include "policy/spec.h"

namespace custos::policy {

class Registry;

// What a factory sees while compiling a policy.
struct BuildContext {
  const Registry& registry;
  const ResourceType& resource;
  bool event_mode = false;  // the policy runs on events (filters like `event` need one)
  // The boolean block the filter being built sits in ("and" at the top, "or", "not"): Cloud
  // Custodian merges matched items (c7n:matched-keys) by it.
  std::string block = "and";
  const Json* policy = nullptr;  // the policy as written (actions that check its filters)
};

using FilterFactory = std::function<FilterPtr(const Spec&, const BuildContext&)>;
using ActionFactory = std::function<ActionPtr(const Spec&, const BuildContext&)>;

// A filter as the registry keeps it; description and options are what `custos schema` shows.
struct FilterInfo {
  FilterFactory factory;
  std::string description;
  std::vector<std::string> options;      // the keys it takes besides `type`
  std::vector<std::string> permissions;  // IAM actions it calls (for `custos schema`)
};

struct ActionInfo {
  ActionFactory factory;
  std::vector<std::string> permissions;  // IAM actions it calls, e.g. "ec2:StopInstances"
  std::string description;
  std::vector<std::string> options;  // the keys it takes besides `type`
};

template <typename Info>
using InfoByName = std::map<std::string, Info, std::less<>>;

// How a registry finds a type it has not loaded: the functions that register types (one per
// service area, a "group"), and an index generated at build time by running each group
// (resources/type_index_main.cpp), so that a lookup runs only the groups it needs.
struct TypeGroups {
  using Add = void (*)(Registry&);
  struct Name {
    std::string_view name;  // a type's full name or an alias
    std::uint16_t group;    // the group that defines it
  };
  struct Contribution {
    std::uint16_t group;  // whose types get filters or actions from...
    std::uint16_t from;   // ...this group's function: loading `group` loads `from` too
  };
  std::span<const Add> groups;
  // What types get from their data (kms-key, finding, delete...): run after each group, while
  // the registry sees only that group's types (Registry::resources(), find_resource()).
  Add derive = nullptr;
  std::span<const Name> names;                   // sorted by name
  std::span<const std::string_view> type_names;  // every type, in registration order
  std::span<const Contribution> contributions;
};

class Registry {
 public:
  Registry();
  // A registry that loads types on first lookup, from `groups` (which must outlive it). Must
  // not be defined const: a lookup fills it (builtin_registry() makes it on the heap).
  explicit Registry(const TypeGroups& groups);
  Registry(Registry&&) noexcept;
  Registry& operator=(Registry&&) noexcept;
  ~Registry();

  void add_resource(ResourceType type);
  // A filter available on every resource type.
  void add_filter(std::string name, FilterFactory factory);
  void add_filter(std::string name, FilterInfo info);
  // A filter of one resource type (by full name), e.g. aws.iam-user's `credential`.
  void add_filter(const std::string& resource, std::string name, FilterInfo info);
  void add_action(const std::string& resource, std::string name, ActionInfo info);
  // An action every resource type has (notify, webhook): kept once, not once per type, so
  // start-up does not grow with the number of types.
  void add_common_action(std::string name, ActionInfo info);
  // Actions of `resource` built when the type is first used (the tag actions of a taggable
  // type), so that start-up does not grow with the number of types: `fill` adds them.
  using ActionsFiller = std::function<void(const Registry&, InfoByName<ActionInfo>&)>;
  void add_actions_on_first_use(const std::string& resource, ActionsFiller fill);
  // The same for filters a type gets from its data (finding, security-group...). A type's own
  // filters (add_filter) come first when both name one.
  using FiltersFiller = std::function<void(const Registry&, InfoByName<FilterInfo>&)>;
  void add_filters_on_first_use(const std::string& resource, FiltersFiller fill);

  // Accepts the full name ("aws.ec2") or an alias ("ec2"); nullptr when unknown (or, while a
  // group loads, outside it).
  const ResourceType* find_resource(std::string_view name) const;
  // The type a registration table names: nullptr while a group that does not define it loads;
  // std::logic_error when no type has that name (a typo in the table).
  const ResourceType* table_type(std::string_view name) const;
  std::vector<std::string> resource_names() const;
  // Not std::ranges::subrange: clang 14 (the fuzzing build) cannot use libstdc++ 12's ranges.
  struct TypeRange {
    std::deque<ResourceType>::const_iterator first, last;
    auto begin() const { return first; }
    auto end() const { return last; }
  };
  // Every type (a lazy registry loads them all), or while a group loads only its types.
  TypeRange resources() const;
  // Runs one group's function, then `groups.derive` seeing only that group's types: what a
  // lazy lookup does (public for the index generator).
  void add_group(const TypeGroups& groups, std::size_t group);
  // The names filters or actions were added for (the index generator's contributions).
  std::vector<std::string> names_with_entries() const;
  const InfoByName<FilterInfo>& filters() const { return filters_; }
  // The filters of one resource type: every type's and its own.
  InfoByName<FilterInfo> filters(std::string_view resource) const;
  // nullptr when the resource type has no such filter.
  const FilterInfo* find_filter(std::string_view resource, std::string_view name) const;
  // The actions of one resource type (by full name): every type's and its own.
  InfoByName<ActionInfo> actions(std::string_view resource) const;
  // nullptr when the resource type has no such action.
  const ActionInfo* find_action(std::string_view resource, std::string_view name) const;

  // Compiles a filter entry in any of Cloud Custodian's forms: {type: NAME, ...}, a bare
  // NAME, a single-key shorthand {KEY: VALUE} or {and|or|not: [...]}.
  FilterPtr build_filter(const Spec& spec, const BuildContext& context) const;
  // Compiles an action entry: {type: NAME, ...} or a bare NAME.
  ActionPtr build_action(const Spec& spec, const BuildContext& context) const;

 private:
  std::string entry_type(const Spec& spec, std::string_view what) const;
  struct Lazy;
  std::unique_lock<std::recursive_mutex> lock_if_lazy() const;
  void load(std::string_view name) const;
  void load_group(std::size_t group) const;
  void load_all() const;
  const ResourceType* registered(std::string_view name) const;
  bool in_scope(std::string_view resource) const;

  std::unique_ptr<Lazy> lazy_;
  // While a group loads: where its types start in resources_.
  std::optional<std::size_t> scope_first_;

  // A deque: types never move once added (filters made later keep pointers to them), and
  // adding one does not move the others.
  std::deque<ResourceType> resources_;
  std::map<std::string, const ResourceType*, std::less<>> by_name_;  // names and aliases
  InfoByName<FilterInfo> filters_;
  std::map<std::string, InfoByName<FilterInfo>, std::less<>> type_filters_;
  // Built once, by the first thread to look (std::call_once), then only read.
  template <typename Info>
  struct Deferred {
    std::once_flag once;
    std::function<void(const Registry&, InfoByName<Info>&)> fill;
    InfoByName<Info> entries;
  };
  template <typename Info>
  using DeferredByType = std::map<std::string, std::unique_ptr<Deferred<Info>>, std::less<>>;
  template <typename Info, typename Filler>
  static void defer(DeferredByType<Info>& by_type, const std::string& resource, Filler fill);
  template <typename Info>
  const InfoByName<Info>* deferred(const DeferredByType<Info>& by_type,
                                   std::string_view resource) const;

  std::map<std::string, InfoByName<ActionInfo>, std::less<>> actions_;
  InfoByName<ActionInfo> common_actions_;
  DeferredByType<ActionInfo> deferred_actions_;
  DeferredByType<FilterInfo> deferred_filters_;
};

// An ActionInfo whose factory checks the options (a bare name has none) and builds ActionType
// from the Spec (or with no arguments when it takes none).
template <typename ActionType>
ActionInfo action_info(std::vector<std::string> options, std::vector<std::string> permissions,
                       std::string description) {
  ActionInfo info;
  info.factory = [options](const Spec& spec, const BuildContext& context) -> ActionPtr {
    if (spec.value().is_object())
      spec.allow_keys(options, "action '" + spec.value().value("type", "") + "'");
    if constexpr (std::is_constructible_v<ActionType, const Spec&, const BuildContext&>)
      return std::make_unique<ActionType>(spec, context);
    else if constexpr (std::is_constructible_v<ActionType, const Spec&>)
      return std::make_unique<ActionType>(spec);
    else
      return std::make_unique<ActionType>();
  };
  info.permissions = std::move(permissions);
  info.description = std::move(description);
  info.options = std::move(options);
  return info;
}

// The same for filters: FilterType is built from (Spec, BuildContext) or (Spec).
template <typename FilterType>
FilterInfo filter_info(std::vector<std::string> options, std::string description,
                       std::vector<std::string> permissions = {}) {
  FilterInfo info;
  info.factory = [options](const Spec& spec, const BuildContext& context) -> FilterPtr {
    if (spec.value().is_object())
      spec.allow_keys(options, "filter '" + spec.value().value("type", "") + "'");
    if constexpr (std::is_constructible_v<FilterType, const Spec&, const BuildContext&>)
      return std::make_unique<FilterType>(spec, context);
    else
      return std::make_unique<FilterType>(spec);
  };
  info.description = std::move(description);
  info.options = std::move(options);
  info.permissions = std::move(permissions);
  return info;
}

}  // namespace custos::policy
