// A filter that asks AWS once for a whole set of resources (the account's images, its default
// VPC, what uses its security groups) and judges them together in process().
#pragma once

#include "policy/filter.h"

namespace custos::policy {

class SetFilter : public Filter {
 public:
  bool match(const Json& resource, const FilterContext& context) const final {
    return !process({resource}, context).empty();
  }
  // Boolean blocks hand it the set, not one resource at a time: one listing, not one a resource.
  bool judges_set() const final { return true; }
  StoredMatcherPtr stored_matcher(const DocStore&) const final { return nullptr; }
};

}  // namespace custos::policy
