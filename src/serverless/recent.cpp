#include "serverless/recent.h"

#include <vector>

namespace custos::serverless {
namespace {

std::string text_at(const Json& event, const char* pointer) {
  Json::json_pointer at(pointer);
  return event.contains(at) && event[at].is_string() ? event[at].get<std::string>() : "";
}

// An event is known by its EventBridge id and by what it carries: a finding's version (GuardDuty
// sends a finding again, under a new event id, when it changes, and then it must be handled
// again) or a CloudTrail call.
std::vector<std::string> keys_of(const Json& event) {
  std::vector<std::string> keys;
  if (std::string id = text_at(event, "/id"); !id.empty()) keys.push_back("event id " + id);
  std::string finding = text_at(event, "/detail/id");
  if (event.value("source", "") == "aws.guardduty" && !finding.empty())
    keys.push_back("finding " + finding + " updated at " + text_at(event, "/detail/updatedAt"));
  if (std::string call = text_at(event, "/detail/eventID"); !call.empty())
    keys.push_back("call " + call);
  return keys;
}

}  // namespace

std::string RecentEvents::repeat_of(const Json& event) const {
  std::lock_guard lock(mutex_);
  for (const auto& key : keys_of(event))
    if (keys_.contains(key)) return key;
  return {};
}

void RecentEvents::remember(const Json& event) {
  std::lock_guard lock(mutex_);
  for (auto& key : keys_of(event)) {
    if (!keys_.insert(key).second) continue;
    order_.push_back(std::move(key));
    if (order_.size() > capacity_) {
      keys_.erase(order_.front());
      order_.pop_front();
    }
  }
}

}  // namespace custos::serverless
