#include "policy/event.h"
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

}  // namespace

Json parse_event(const std::string& text, const std::string& name) {
  Json event;
  try {
    event = Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw InputError(json_parse_message(name, text, e, "event"));
  }
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
  EventTarget target;
  if (policy.mode.type == "pull") {
    target.reason = "pull-mode policies do not react to events";
    return target;
  }
  // guard-duty: the only event mode so far.
  if (event.value("source", "") != "aws.guardduty") {
    target.reason =
        "mode guard-duty reacts to source aws.guardduty, not " + event.value("source", "");
    return target;
  }
  const ResourceType& type = *policy.resource;
  const Json& detail = event["detail"];
  std::string resource_type;
  if (auto r = detail.find("resource"); r != detail.end() && r->is_object())
    resource_type = r->value("resourceType", "");
  if (resource_type != type.guard_duty_resource_type) {
    target.reason = "the finding is about a resource of type '" + resource_type + "', not " +
                    type.guard_duty_resource_type;
    return target;
  }
  Json id = jmespath::Expression::compile(type.guard_duty_id_path).search(event);
  if (!id.is_string() || id.get<std::string>().empty())
    throw InputError("event: GuardDuty finding for " + type.guard_duty_resource_type + " has no " +
                     type.guard_duty_id_path + " (policy '" + policy.name + "' needs it)");
  target.applies = true;
  target.resource_ids.push_back(id.get<std::string>());
  return target;
}

}  // namespace custos::policy
