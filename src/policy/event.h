// EventBridge events that trigger policies (GuardDuty findings, CloudTrail calls): reading
// them and deciding which resources of a policy they name.
#pragma once

#include <string>
#include <vector>

#include "core/json.h"
#include "policy/policy.h"

namespace custos::policy {

// Reads and checks an EventBridge event (source, detail-type, detail). Throws InputError
// naming the file and line:column for bad JSON, or the missing field.
Json load_event_file(const std::string& path);
Json parse_event(const std::string& text, const std::string& name);

// What an event means for one policy: whether its mode reacts to it, and the resource ids.
struct EventTarget {
  bool applies = false;
  std::string reason;  // why not, when !applies
  std::vector<std::string> resource_ids;
  // Merged into each resource the event names (the finding's access key, for remove-keys).
  Json annotation = nullptr;
};

// guard-duty: the first of the resource type's GuardDuty targets that fits the finding;
// cloudtrail: the first of the mode's events that is this call; ec2-instance-state: the
// instance of a state-change notification; periodic: an EventBridge Scheduled Event (a pull
// run, no ids). Throws InputError when the event is of the policy's kind but lacks the id.
EventTarget event_target(const Policy& policy, const Json& event);

}  // namespace custos::policy
