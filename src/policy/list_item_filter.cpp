// Cloud Custodian's list-item filter (c7n/filters/core.py ListItemFilter): filters applied to
// each item of a list inside the resource (a security group's rules, a task's containers).
#include "policy/list_item_filter.h"

#include <limits>
#include <memory>

#include "policy/core_filters.h"
#include "policy/set_filter.h"
#include "policy/spec_numbers.h"
#include "policy/value_filter.h"
#include "policy/value_type_python.h"

namespace custos::policy {

ListItems ListItems::from_spec(const Spec& spec, const BuildContext& context) {
  ListItems items;
  if (spec.has("attrs")) {
    Spec attrs = spec.child("attrs");
    if (!attrs.value().is_array())
      attrs.fail("'attrs' must be a list of filters, not " + json_type_name(attrs.value()));
    for (std::size_t i = 0; i < attrs.value().size(); ++i)
      items.attrs.push_back(context.registry.build_filter(attrs.element(i), context));
  }
  if (spec.has("count")) {
    number_option(spec, "count", 0, -std::numeric_limits<double>::infinity());
    Spec op_spec = spec.has("count_op") ? spec.child("count_op") : spec;
    auto test = std::make_shared<ValueCondition>(spec.child("count"), op_spec,
                                                 spec.optional_string("count_op", "eq"));
    items.count = [test](std::size_t n) {
      const Json count = n;
      return test->test(&count);
    };
  } else if (spec.has("count_op")) {
    spec.child("count_op").at_key().fail("'count_op' needs a 'count' to compare with");
  }
  return items;
}

bool ListItems::keeps(Json list, const std::string& what, const FilterContext& context,
                      std::vector<std::size_t>* matched) const {
  if (!python::truthy(&list)) return count && count(0);
  if (!list.is_array())
    throw Error("list-item filter: '" + what + "' is " + json_type_name(list) +
                ", not a list; point 'key' at a list");
  std::vector<std::size_t> passed = matching_items(std::move(list), what, context);
  if (count) return count(passed.size());
  bool any = !passed.empty();
  if (matched) *matched = std::move(passed);
  return any;
}

// The items every filter in attrs keeps, each filter judging the items as a set (so a
// reduce works in attrs). The filters see items, not the resource: nothing is annotated.
std::vector<std::size_t> ListItems::matching_items(Json list, const std::string& what,
                                                   const FilterContext& context) const {
  std::vector<Json> items;
  items.reserve(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_object())
      throw Error("list-item filter: item " + std::to_string(i) + " of '" + what + "' is " +
                  json_type_name(list[i]) + "; attrs can only test mappings");
    items.push_back(std::move(list[i]));
    items.back()["c7n:_id"] = i;
  }
  FilterContext inner = context;
  inner.annotate = false;
  inner.matched_keys = nullptr;
  for (const FilterPtr& filter : attrs) {
    if (items.empty()) break;
    items = filter->process(std::move(items), inner);
  }
  std::vector<std::size_t> passed;
  for (const Json& item : items) passed.push_back(item["c7n:_id"].get<std::size_t>());
  return passed;
}

namespace {

class ListItemFilter : public Filter {
 public:
  ListItemFilter(const Spec& spec, const BuildContext& context)
      : key_text_(spec.child("key").value().get<std::string>()),
        key_(compile_key(spec.child("key"))),
        items_(ListItems::from_spec(spec, context)) {}

  bool match(const Json& resource, const FilterContext& context) const override {
    return items_.keeps(key_.search(resource), key_text_, context, nullptr);
  }

  std::vector<std::string> permissions() const override { return items_.permissions(); }

  // c7n:ListItemMatches is written on the Json by process().
  StoredMatcherPtr stored_matcher(const DocStore&) const override { return nullptr; }

  std::vector<Json> process(std::vector<Json> resources,
                            const FilterContext& context) const override {
    std::vector<Json> kept;
    std::vector<std::size_t> matched;
    for (Json& resource : resources) {
      matched.clear();
      if (!items_.keeps(key_.search(resource), key_text_, context,
                        context.annotate ? &matched : nullptr))
        continue;
      if (!matched.empty()) {
        Json& notes = resource["c7n:ListItemMatches"];
        for (std::size_t i : matched) notes.push_back(key_text_ + "[" + std::to_string(i) + "]");
      }
      kept.push_back(std::move(resource));
    }
    return kept;
  }

 private:
  static jmespath::Expression compile_key(const Spec& key) {
    try {
      return jmespath::Expression::compile(key.value().get<std::string>());
    } catch (const jmespath::Error& e) {
      key.fail("invalid key '" + key.value().get<std::string>() + "': " + e.what());
    }
  }

  std::string key_text_;
  jmespath::Expression key_;
  ListItems items_;
};

class FetchedListFilter : public SetFilter {
 public:
  FetchedListFilter(const Spec& spec, const BuildContext& context,
                    std::shared_ptr<const FetchedList> list)
      : list_(std::move(list)), items_(ListItems::from_spec(spec, context)) {}

  std::vector<Json> process(std::vector<Json> resources,
                            const FilterContext& context) const override {
    std::vector<Json> kept;
    std::vector<std::size_t> matched;
    const std::string& what =
        list_->annotation_key.empty() ? list_->item_label : list_->annotation_key;
    for (Json& resource : resources) {
      Json fetched;
      if (list_->annotation_key.empty() || !resource.contains(list_->annotation_key)) {
        fetched = list_->fetch(resource, require_client(context, what));
        if (fetched.is_null()) fetched = Json::array();
        if (!list_->annotation_key.empty()) resource[list_->annotation_key] = std::move(fetched);
      }
      const Json& items = list_->annotation_key.empty() ? fetched : resource[list_->annotation_key];
      matched.clear();
      if (!items_.keeps(items, what, context, &matched)) continue;
      for (std::size_t i : matched)
        resource["c7n:ListItemMatches"].push_back(
            list_->item_label.empty() ? items[i]
                                      : Json(list_->item_label + "[" + std::to_string(i) + "]"));
      kept.push_back(std::move(resource));
    }
    return kept;
  }

  bool annotates() const override { return true; }
  std::vector<std::string> permissions() const override {
    std::vector<std::string> all = list_->permissions;
    for (auto& permission : items_.permissions()) all.push_back(std::move(permission));
    return all;
  }

 private:
  std::shared_ptr<const FetchedList> list_;
  ListItems items_;
};

}  // namespace

FilterInfo fetched_list_filter_info(FetchedList list, std::string description) {
  FilterInfo info;
  info.description = std::move(description);
  info.options = {"attrs", "count", "count_op"};
  info.permissions = list.permissions;
  auto shared = std::make_shared<const FetchedList>(std::move(list));
  info.factory = [shared, options = info.options](const Spec& spec,
                                                  const BuildContext& context) -> FilterPtr {
    if (spec.value().is_object())
      spec.allow_keys(options, "filter '" + spec.optional_string("type") + "'");
    return std::make_unique<FetchedListFilter>(spec, context, shared);
  };
  return info;
}

void register_list_item_filter(Registry& registry) {
  FilterInfo info;
  info.description = "Resources with items in a list (at key) that the attrs filters match";
  info.options = {"key", "attrs", "count", "count_op"};
  info.factory = [options = info.options](const Spec& spec,
                                          const BuildContext& context) -> FilterPtr {
    if (!spec.value().is_object())
      spec.fail("write list-item as {type: list-item, key: ..., attrs: [...]}");
    spec.allow_keys(options, "the list-item filter");
    if (!spec.has("key")) spec.fail("list-item needs a 'key': the list in the resource to test");
    if (!spec.child("key").value().is_string())
      spec.child("key").fail("'key' must be a string, not " +
                             json_type_name(spec.child("key").value()));
    return std::make_unique<ListItemFilter>(spec, context);
  };
  registry.add_filter("list-item", std::move(info));
}

}  // namespace custos::policy
