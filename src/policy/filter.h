// A filter decides whether one resource document matches; filters compose (and/or/not).
#pragma once

#include <memory>

#include <string>
#include <vector>

#include "core/json.h"

namespace custos::aws {
class Client;
}

namespace custos::policy {

// What a filter may look at besides the resource.
struct FilterContext {
  const Json* event = nullptr;          // the triggering event, if any
  const aws::Client* client = nullptr;  // for filters that fetch data (value_from s3://)
  // When set, value filters append their key here as they match: the resource's
  // c7n:MatchedFilters, as Cloud Custodian records it.
  std::vector<std::string>* matched_keys = nullptr;
};

class Filter {
 public:
  virtual ~Filter() = default;
  virtual bool match(const Json& resource, const FilterContext& context) const = 0;
};

using FilterPtr = std::unique_ptr<const Filter>;

}  // namespace custos::policy
