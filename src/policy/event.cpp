#include "policy/event.h"

#include <algorithm>

#include "core/file.h"
#include "core/json_text.h"

#include "jmespath/jmespath.h"

namespace custos::policy {
namespace {

void require_string(const Json& event, const char* key, const std::string& name) {
  if (!event.contains(key) || !event[key].is_string())
    throw InputError(name + ": not an EventBridge event: '" + key +
                     "' is missing or not a string (expected source, detail-type and detail)");
}

EventTarget skip(std::string reason) {
  EventTarget target;
  target.reason = std::move(reason);
  return target;
}

// The ids an expression finds: one string or a list of them; anything else is none.
std::vector<std::string> ids_in(const Json& found) {
  std::vector<std::string> ids;
  if (found.is_string() && !found.get_ref<const std::string&>().empty())
    ids.push_back(found.get<std::string>());
  if (found.is_array())
    for (const Json& item : found)
      if (item.is_string() && !item.get_ref<const std::string&>().empty())
        ids.push_back(item.get<std::string>());
  return ids;
}

std::string text_at(const Json& json, const Json::json_pointer& pointer) {
  return json.contains(pointer) && json[pointer].is_string() ? json[pointer].get<std::string>()
                                                             : std::string();
}

EventTarget guard_duty_target(const Policy& policy, const Json& event) {
  if (event.value("source", "") != "aws.guardduty")
    return skip("mode guard-duty reacts to source aws.guardduty, not " + event.value("source", ""));
  const Json& detail = event["detail"];
  if (!policy.mode.include_samples &&
      detail.contains(Json::json_pointer("/service/additionalInfo/sample")) &&
      detail[Json::json_pointer("/service/additionalInfo/sample")] == true)
    return skip("a GuardDuty sample finding (set include-samples: true in the mode to act on it)");
  std::string resource_type = text_at(detail, Json::json_pointer("/resource/resourceType"));
  const ResourceType& type = *policy.resource;
  for (const auto& spec : type.guard_duty) {
    if (spec.resource_type != resource_type) continue;
    if (!spec.when.empty() && jmespath::Expression::compile(spec.when).search(event) != true)
      continue;
    EventTarget target;
    target.resource_ids = ids_in(jmespath::Expression::compile(spec.ids).search(event));
    if (target.resource_ids.empty())
      throw InputError("event: GuardDuty finding for " + resource_type + " has no " + spec.ids +
                       " (policy '" + policy.name + "' needs it)");
    if (!spec.annotate.empty())
      target.annotation = jmespath::Expression::compile(spec.annotate).search(event);
    target.applies = true;
    return target;
  }
  std::string kinds;
  for (const auto& spec : type.guard_duty)
    kinds += (kinds.empty() ? "" : " or ") + spec.resource_type +
             (spec.when.empty() ? "" : " where " + spec.when);
  return skip("the finding is about a resource of type '" + resource_type + "', not one of " +
              type.name + "'s (" + kinds + ")");
}

bool is_cloudtrail_envelope(const Json& event) {
  const std::string kind = event.value("detail-type", "");
  return kind.ends_with("via CloudTrail") && event["detail"].contains("eventName") &&
         event["detail"].contains("eventSource");
}

EventTarget cloudtrail_target(const Policy& policy, const Json& event) {
  if (!is_cloudtrail_envelope(event))
    return skip(
        "mode cloudtrail reacts to CloudTrail calls (detail-type '... via CloudTrail' "
        "with detail.eventSource and detail.eventName), not '" +
        event.value("detail-type", "") + "'");
  const Json& detail = event["detail"];
  const std::string source = detail.value("eventSource", "");
  const std::string name = detail.value("eventName", "");
  for (const auto& trail : policy.mode.trail_events) {
    if (trail.source != source || trail.event != name) continue;
    // As Cloud Custodian: ids written without "detail." are read from the detail.
    bool whole = trail.ids.starts_with("detail.");
    EventTarget target;
    target.resource_ids =
        ids_in(jmespath::Expression::compile(trail.ids).search(whole ? event : detail));
    if (target.resource_ids.empty())
      return skip(name + " from " + source + " names no resource at " + trail.ids);
    target.applies = true;
    return target;
  }
  return skip("the call " + name + " from " + source + " is not one of the mode's events");
}

// ec2-instance-state: EC2's state-change notification of a state the mode's `events` name.
EventTarget instance_state_target(const Policy& policy, const Json& event) {
  if (event.value("source", "") != "aws.ec2" ||
      event.value("detail-type", "") != "EC2 Instance State-change Notification")
    return skip("mode ec2-instance-state reacts to EC2 Instance State-change Notifications, not '" +
                event.value("detail-type", "") + "'");
  const Json& detail = event["detail"];
  std::string state = detail.value("state", "");
  const auto& states = policy.mode.instance_states;
  if (!states.empty() && std::find(states.begin(), states.end(), state) == states.end())
    return skip("the instance is " + state + ", not a state the mode's events name");
  EventTarget target;
  target.resource_ids = ids_in(detail.value("instance-id", Json()));
  if (target.resource_ids.empty())
    throw InputError("event: EC2 state-change notification without detail.instance-id");
  target.applies = true;
  return target;
}

}  // namespace

Json parse_event(const std::string& text, const std::string& name) {
  Json event = parse_json_text(text, name, "event");
  if (!event.is_object()) throw InputError(name + ": an event must be a JSON object");
  require_string(event, "source", name);
  require_string(event, "detail-type", name);
  if (!event.contains("detail") || !event["detail"].is_object())
    throw InputError(name + ": not an EventBridge event: 'detail' is missing or not an object");
  return event;
}

Json load_event_file(const std::string& path) {
  auto text = read_file(path);
  if (!text) throw InputError(path + ": cannot read the event file (check the path)");
  return parse_event(*text, path);
}

EventTarget event_target(const Policy& policy, const Json& event) {
  if (policy.mode.type == "guard-duty") return guard_duty_target(policy, event);
  if (policy.mode.type == "cloudtrail") return cloudtrail_target(policy, event);
  if (policy.mode.type == "ec2-instance-state") return instance_state_target(policy, event);
  if (policy.mode.type == "periodic" && event.value("source", "") == "aws.events" &&
      event.value("detail-type", "") == "Scheduled Event") {
    EventTarget target;  // a pull run: every resource (dispatch passes no ids)
    target.applies = true;
    return target;
  }
  if (policy.mode.type == "pull") return skip("pull-mode policies do not react to events");
  return skip("mode " + policy.mode.type + " runs as a pull, not on events");
}

}  // namespace custos::policy
