// A filter decides whether one resource document matches; filters compose (and/or/not).
#pragma once

#include <memory>

#include "core/json.h"

namespace custos::policy {

// What a filter may look at besides the resource: the triggering event, if any.
struct FilterContext {
  const Json* event = nullptr;
};

class Filter {
 public:
  virtual ~Filter() = default;
  virtual bool match(const Json& resource, const FilterContext& context) const = 0;
};

using FilterPtr = std::unique_ptr<const Filter>;

}  // namespace custos::policy
