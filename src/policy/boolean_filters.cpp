#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "policy/core_filters.h"
#include "policy/registry.h"

namespace custos::policy {
namespace {

enum class Combine { kAll, kAny, kNone };

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
    annotates_ = std::any_of(children_.begin(), children_.end(),
                             [](const FilterPtr& f) { return f->annotates(); });
  }

  // A block that takes the set asks its parent for it too, a `not` around an annotating filter
  // included (it sweeps the annotations, but the filter still lists once per set).
  bool judges_set() const override { return by_set(); }
  bool annotates() const override { return annotates_ && combine_ != Combine::kNone; }
  std::vector<std::string> permissions() const override { return permissions_of(children_); }

  bool match(const Json& resource, const FilterContext& context) const override {
    if (by_set()) return !process({resource}, context).empty();
    return combine(combine_, children_, context,
                   [&](const FilterPtr& f) { return f->match(resource, context); });
  }

  StoredMatcherPtr stored_matcher(const DocStore& store) const override {
    if (by_set()) return nullptr;
    std::vector<StoredMatcherPtr> matchers;
    for (const FilterPtr& child : children_) {
      matchers.push_back(child->stored_matcher(store));
      if (!matchers.back()) return nullptr;
    }
    return std::make_unique<StoredBoolean>(combine_, std::move(matchers));
  }

  std::vector<Json> process(std::vector<Json> resources,
                            const FilterContext& context) const override {
    if (!by_set()) return Filter::process(std::move(resources), context);
    if (combine_ == Combine::kAll) return all_of(std::move(resources), context);
    if (combine_ == Combine::kAny) return any_of(std::move(resources), context);
    // not: the children work on copies, and what they wrote (c7n:MatchedFilters, matched
    // keys) is swept with them, as Cloud Custodian's AnnotationSweeper does.
    std::set<std::string> matched;
    for (const Json& r : all_of(resources, context)) matched.insert(id(r));
    std::erase_if(resources, [&](const Json& r) { return matched.count(id(r)) > 0; });
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

  // Each child judges the whole set in turn; a resource a child keeps comes back as that child
  // annotated it (c7n:MatchedFilters, matched keys), and the next child sees it so, as Cloud
  // Custodian's children annotate the same resource objects.
  std::vector<Json> any_of(std::vector<Json> resources, const FilterContext& context) const {
    std::map<std::string, std::size_t> position;
    for (std::size_t i = 0; i < resources.size(); ++i) position[id(resources[i])] = i;
    std::vector<char> kept(resources.size(), 0);
    for (const FilterPtr& child : children_) {
      for (Json& r : child->process(resources, context)) {
        std::size_t at = position.at(id(r));
        resources[at] = std::move(r);
        kept[at] = 1;
      }
    }
    std::vector<Json> out;
    for (std::size_t i = 0; i < resources.size(); ++i)
      if (kept[i]) out.push_back(std::move(resources[i]));
    return out;
  }

  // Resources go through process() (the whole set at a time) rather than match().
  bool by_set() const { return judges_set_ || annotates_; }

  std::string id(const Json& resource) const {
    auto found = resource.find(id_field_);
    return found == resource.end() ? std::string() : found->dump();
  }

  Combine combine_;
  std::vector<FilterPtr> children_;
  std::string id_field_;
  bool judges_set_ = false;
  bool annotates_ = false;
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
    BuildContext inner = context;
    inner.block = name;
    std::vector<FilterPtr> children;
    for (std::size_t i = 0; i < list.value().size(); ++i)
      children.push_back(context.registry.build_filter(list.element(i), inner));
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
