#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "policy/core_filters.h"
#include "policy/registry.h"

namespace custos::policy {
namespace {

enum class Combine { kAll, kAny, kNone };

constexpr const char* kMatched = "c7n:MatchedFilters";

// Whether `children` match together as `how` says, asking `matches(child)`: and stops at the
// first miss; or asks every child when c7n:MatchedFilters is recorded (each adds its keys);
// not sweeps the keys its children added.
template <typename Children, typename Matches>
bool combine(Combine how, const Children& children, const FilterContext& context, Matches matches) {
  switch (how) {
    case Combine::kAll:
      return std::all_of(children.begin(), children.end(), matches);
    case Combine::kAny:
      if (!context.matched_keys) return std::any_of(children.begin(), children.end(), matches);
      return std::count_if(children.begin(), children.end(), matches) > 0;
    case Combine::kNone: {
      std::size_t keys_before = context.matched_keys ? context.matched_keys->size() : 0;
      bool all = std::all_of(children.begin(), children.end(), matches);
      if (context.matched_keys) context.matched_keys->resize(keys_before);
      return !all;
    }
  }
  return false;
}

class StoredBoolean : public StoredMatcher {
 public:
  StoredBoolean(Combine how, std::vector<StoredMatcherPtr> children)
      : how_(how), children_(std::move(children)) {}
  bool match(DocStore::Value document, const FilterContext& context) override {
    return combine(how_, children_, context,
                   [&](const StoredMatcherPtr& m) { return m->match(document, context); });
  }

 private:
  Combine how_;
  std::vector<StoredMatcherPtr> children_;
};

// and: every child matches; or: any does; not: none does (Cloud Custodian's `not` over a
// list negates their conjunction, which for one child is the same).
//
// Resource by resource when every child judges resources alone (the fast path); over the
// whole set, as Cloud Custodian's process_set does, when a child judges the set (reduce).
// Either way c7n:MatchedFilters comes out as Cloud Custodian writes it: every `or` child is
// asked, and keys matched inside a `not` are swept.
class BooleanFilter : public Filter {
 public:
  BooleanFilter(Combine combine, std::vector<FilterPtr> children, std::string id_field)
      : combine_(combine), children_(std::move(children)), id_field_(std::move(id_field)) {
    judges_set_ = std::any_of(children_.begin(), children_.end(),
                              [](const FilterPtr& f) { return f->judges_set(); });
  }

  bool judges_set() const override { return judges_set_; }
  std::vector<std::string> permissions() const override { return permissions_of(children_); }

  bool match(const Json& resource, const FilterContext& context) const override {
    if (judges_set_) return !process({resource}, context).empty();
    return combine(combine_, children_, context,
                   [&](const FilterPtr& f) { return f->match(resource, context); });
  }

  StoredMatcherPtr stored_matcher(const DocStore& store) const override {
    if (judges_set_) return nullptr;
    std::vector<StoredMatcherPtr> matchers;
    for (const FilterPtr& child : children_) {
      matchers.push_back(child->stored_matcher(store));
      if (!matchers.back()) return nullptr;
    }
    return std::make_unique<StoredBoolean>(combine_, std::move(matchers));
  }

  std::vector<Json> process(std::vector<Json> resources,
                            const FilterContext& context) const override {
    if (!judges_set_) return Filter::process(std::move(resources), context);
    if (combine_ == Combine::kAll) return all_of(std::move(resources), context);
    // Children work on copies; what they matched is carried back by id, with the keys they
    // added to c7n:MatchedFilters (a `not` sweeps them, so it carries back none).
    std::map<std::string, Json> kept;
    auto carry = [&](const std::vector<Json>& results) {
      for (const Json& r : results) {
        Json& added = kept[id(r)];
        if (combine_ == Combine::kAny && r.contains(kMatched)) added.push_back(r[kMatched]);
      }
    };
    if (combine_ == Combine::kAny) {
      for (const FilterPtr& child : children_) carry(child->process(resources, context));
    } else {
      carry(all_of(resources, context));
    }
    bool keep_listed = combine_ == Combine::kAny;
    std::erase_if(resources, [&](const Json& r) { return kept.count(id(r)) != keep_listed; });
    if (keep_listed)
      for (Json& r : resources) append_new_keys(r, kept[id(r)]);
    return resources;
  }

 private:
  std::vector<Json> all_of(std::vector<Json> resources, const FilterContext& context) const {
    for (const FilterPtr& child : children_) {
      if (resources.empty()) break;
      resources = child->process(std::move(resources), context);
    }
    return resources;
  }

  // `annotated` holds each child's copy of the resource's keys: the original's keys followed by
  // what that child added.
  static void append_new_keys(Json& resource, const Json& annotated) {
    if (!annotated.is_array()) return;
    std::size_t original = resource.contains(kMatched) ? resource[kMatched].size() : 0;
    for (const Json& keys : annotated)
      for (std::size_t i = original; i < keys.size(); ++i) resource[kMatched].push_back(keys[i]);
  }

  std::string id(const Json& resource) const {
    auto found = resource.find(id_field_);
    return found == resource.end() ? std::string() : found->dump();
  }

  Combine combine_;
  std::vector<FilterPtr> children_;
  std::string id_field_;
  bool judges_set_ = false;
};

FilterFactory boolean_factory(std::string name, Combine combine) {
  return [name, combine](const Spec& spec, const BuildContext& context) -> FilterPtr {
    if (!spec.value().is_object())
      spec.fail("write '" + name + "' as {" + name + ": [FILTER, ...]}");
    // Both {or: [...]} and {type: or, filters: [...]} are accepted.
    std::string key = spec.has("type") ? "filters" : name;
    if (spec.has("type")) spec.allow_keys({"filters"}, "the '" + name + "' filter");
    if (!spec.has(key)) spec.fail("'" + name + "' needs a non-empty list of filters");
    Spec list = spec.child(key);
    if (!list.value().is_array() || list.value().empty())
      list.fail("'" + name + "' needs a non-empty list of filters");
    std::vector<FilterPtr> children;
    for (std::size_t i = 0; i < list.value().size(); ++i)
      children.push_back(context.registry.build_filter(list.element(i), context));
    return std::make_unique<BooleanFilter>(combine, std::move(children), context.resource.id_field);
  };
}

}  // namespace

void register_boolean_filters(Registry& registry) {
  registry.add_filter("and", boolean_factory("and", Combine::kAll));
  registry.add_filter("or", boolean_factory("or", Combine::kAny));
  registry.add_filter("not", boolean_factory("not", Combine::kNone));
}

}  // namespace custos::policy
