// Registries of resource types, filters and actions by name: adding one is one file plus one
// registration call (see resources/builtin.cpp).
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
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

class Registry {
 public:
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

  // Accepts the full name ("aws.ec2") or an alias ("ec2"); nullptr when unknown.
  const ResourceType* find_resource(std::string_view name) const;
  std::vector<std::string> resource_names() const;
  const std::deque<ResourceType>& resources() const { return resources_; }
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
