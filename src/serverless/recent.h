// The events one process handled lately, so that a redelivery (the same EventBridge event
// again, or the same version of a finding sent again under a new event id) is dropped before
// any AWS call. Bounded: the oldest are forgotten first, and a forgotten one is still kept from
// repeating anything by the journal, only at the cost of reading the resources again.
#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <unordered_set>

#include "core/json.h"

namespace custos::serverless {

class RecentEvents {
 public:
  explicit RecentEvents(std::size_t capacity = 16384) : capacity_(capacity) {}

  // What `event` repeats ("event id X", "finding F updated at T", "call C"), or empty.
  std::string repeat_of(const Json& event) const;
  // Remembers a handled event. Only what succeeded: a failed one must be tried again.
  void remember(const Json& event);

 private:
  mutable std::mutex mutex_;
  std::size_t capacity_;
  std::unordered_set<std::string> keys_;
  std::deque<std::string> order_;  // oldest first
};

}  // namespace custos::serverless
