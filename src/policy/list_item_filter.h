// The heart of Cloud Custodian's list-item filter, for filters that judge a list they fetch
// themselves (a VPC's flow logs): which items the attrs filters keep, and the count test.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "aws/client.h"
#include "policy/filter.h"
#include "policy/registry.h"

namespace custos::policy {

struct ListItems {
  std::vector<FilterPtr> attrs;  // every item they keep matched; none: every item
  // Whether the number of matched items makes the resource match; empty: any item does.
  std::function<bool(std::size_t)> count;

  // `attrs`, `count` and `count_op` of a list-item-shaped spec.
  static ListItems from_spec(const Spec& spec, const BuildContext& context);

  // Whether a resource whose list is `list` (null or empty: no items) matches; `matched` (when
  // given, without count) receives the indices of the items that did. `what` names the list
  // in errors.
  bool keeps(Json list, const std::string& what, const FilterContext& context,
             std::vector<std::size_t>* matched) const;
  std::vector<std::string> permissions() const { return permissions_of(attrs); }

 private:
  std::vector<std::size_t> matching_items(Json list, const std::string& what,
                                          const FilterContext& context) const;
};

// A list-item filter over a list AWS gives for each resource (Cloud Custodian's ListItemFilters
// that call AWS, intelligent-tiering): `fetch` returns the list (null: none), kept on the
// resource at `annotation_key` (and not fetched again when there; empty: not kept), and the
// items attrs matched are kept as c7n:ListItemMatches: the items themselves, or, where
// `item_label` is set, "LABEL[i]" (Cloud Custodian's ListItemFilter without annotate_items).
struct FetchedList {
  std::string annotation_key;
  std::function<Json(const Json& resource, const aws::Client& client)> fetch;
  std::vector<std::string> permissions{};
  std::string item_label{};
};
FilterInfo fetched_list_filter_info(FetchedList list, std::string description);

}  // namespace custos::policy
