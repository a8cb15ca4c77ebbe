// A value filter over data fetched for each resource rather than over the resource itself:
// Cloud Custodian's access-key, has-specific-managed-policy, key-rotation-status and kin. The
// data is kept on the resource under an annotation key (fetched once however many filters
// read it); for a list, the resource matches when an item does, and the items that did are
// recorded (c7n:matched-keys) so that actions can act on those alone.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "policy/filter.h"
#include "policy/registry.h"
#include "policy/value_filter.h"

namespace custos::policy {

struct RelatedData {
  std::string annotation_key;  // "c7n:AccessKeys"
  std::string matched_key{};   // "c7n:matched-keys"; empty: matched items are not recorded
  std::string match_type{};    // written into each matched item as c7n:match-type
  // Fetches the data (a list or an object) for one resource; throws custos::Error when AWS
  // cannot be asked. Not called when the resource already carries the annotation.
  std::function<Json(const Json& resource, const aws::Client& client)> fetch;
  std::vector<std::string> permissions{};
  // Takes match-operator (Cloud Custodian's access-key does; most such filters do not).
  bool match_operator = false;
};

class RelatedValueFilter : public AnnotatingFilter {
 public:
  // `spec` is a value filter (with `options`); `match-operator: and` among options narrows a
  // list to the items an earlier filter matched, as Cloud Custodian's access-key does. `block`
  // is the boolean block the filter sits in (BuildContext::block).
  RelatedValueFilter(const Spec& spec, RelatedData related, const ValueMatcher::Options& options,
                     std::string block = "and");

  bool match(const Json& resource, const FilterContext& context) const override;
  std::vector<Json> process(std::vector<Json> resources,
                            const FilterContext& context) const override;
  // The annotations are written on the Json by process().
  std::vector<std::string> permissions() const override;

 private:
  // Fetches (when missing) and judges; with `annotate`, records what matched on `resource`.
  bool judge(Json& resource, const FilterContext& context, bool annotate) const;

  RelatedData related_;
  ValueMatcher matcher_;
  bool and_operator_ = false;
  std::string block_;
};

// Cloud Custodian's merge_annotation: `matched` (the items one filter matched) joins what earlier
// filters recorded under `key`: the items both matched inside and/not blocks (and at the top),
// either matched inside an or block.
void merge_matched(Json& resource, const std::string& key, Json matched, const std::string& block);

// The standard option list of a related filter: a value filter's, plus match-operator when it
// takes one.
ValueMatcher::Options related_options(std::string default_key = {}, bool match_operator = false);

// The registry entry of a related filter on one resource type.
FilterInfo related_filter_info(RelatedData related, std::string description,
                               std::string default_key = {});

}  // namespace custos::policy
