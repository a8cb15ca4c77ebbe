#include <algorithm>
#include <vector>

#include "policy/core_filters.h"
#include "policy/registry.h"

namespace custos::policy {
namespace {

enum class Combine { kAll, kAny, kNone };

// and: every child matches; or: any does; not: none does (Cloud Custodian's `not` over a
// list negates their conjunction, which for one child is the same).
class BooleanFilter : public Filter {
 public:
  BooleanFilter(Combine combine, std::vector<FilterPtr> children)
      : combine_(combine), children_(std::move(children)) {}

  bool match(const Json& resource, const FilterContext& context) const override {
    auto matches = [&](const FilterPtr& f) { return f->match(resource, context); };
    switch (combine_) {
      case Combine::kAll:
        return std::all_of(children_.begin(), children_.end(), matches);
      case Combine::kAny:
        return std::any_of(children_.begin(), children_.end(), matches);
      case Combine::kNone:
        return !std::all_of(children_.begin(), children_.end(), matches);
    }
    return false;
  }

 private:
  Combine combine_;
  std::vector<FilterPtr> children_;
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
    return std::make_unique<BooleanFilter>(combine, std::move(children));
  };
}

}  // namespace

void register_boolean_filters(Registry& registry) {
  registry.add_filter("and", boolean_factory("and", Combine::kAll));
  registry.add_filter("or", boolean_factory("or", Combine::kAny));
  registry.add_filter("not", boolean_factory("not", Combine::kNone));
}

}  // namespace custos::policy
