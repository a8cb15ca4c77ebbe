#include "incident/trigger.h"

#include <chrono>
#include <ctime>

#include "core/digest.h"
#include "core/uuid.h"
#include "jmespath/jmespath.h"

namespace custos::incident {
namespace {

Json at(const Json& event, const char* path) {
  return jmespath::Expression::compile(path).search(event);
}

// What GuardDuty says of the finding, as a responder reads it first.
Json guardduty_summary(const Json& event) {
  Json summary = {
      {"source", "GuardDuty"},
      {"id", at(event, "detail.id")},
      {"type", at(event, "detail.type")},
      {"title", at(event, "detail.title")},
      {"severity", at(event, "detail.severity")},
      {"account", at(event, "detail.accountId || account")},
      {"region", at(event, "detail.region || region")},
      {"resource_type", at(event, "detail.resource.resourceType")},
      {"resource", at(event,
                      "detail.resource.instanceDetails.instanceId || "
                      "detail.resource.accessKeyDetails.accessKeyId || "
                      "detail.resource.s3BucketDetails[0].name")},
      {"principal", at(event, "detail.resource.accessKeyDetails.userName")},
      {"remote_ip",
       at(event,
          "detail.service.action.networkConnectionAction.remoteIpDetails.ipAddressV4 || "
          "detail.service.action.awsApiCallAction.remoteIpDetails.ipAddressV4 || "
          "detail.service.action.portProbeAction.portProbeDetails[0].remoteIpDetails.ipAddressV4")},
      {"first_seen", at(event, "detail.service.eventFirstSeen")},
      {"last_seen", at(event, "detail.service.eventLastSeen")},
      {"count", at(event, "detail.service.count")}};
  return summary;
}

Json cloudtrail_summary(const Json& event) {
  return {{"source", "CloudTrail"},
          {"id", at(event, "detail.eventID")},
          {"type", at(event, "join(' ', [detail.eventSource, detail.eventName])")},
          {"account", at(event, "detail.recipientAccountId || account")},
          {"region", at(event, "detail.awsRegion || region")},
          {"principal", at(event, "detail.userIdentity.arn")},
          {"remote_ip", at(event, "detail.sourceIPAddress")},
          {"first_seen", at(event, "detail.eventTime")},
          {"last_seen", at(event, "detail.eventTime")}};
}

std::string string_or_empty(const Json& value) {
  return value.is_string() ? value.get<std::string>() : "";
}

}  // namespace

std::string now_iso() {
  using namespace std::chrono;
  auto now = system_clock::now();
  std::time_t t = system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buffer[40];
  std::size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
  auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::snprintf(buffer + n, sizeof buffer - n, ".%03dZ", static_cast<int>(millis));
  return buffer;
}

std::string incident_id(const std::string& key, const std::string& opened_at) {
  std::string day;
  for (char c : opened_at.substr(0, 10))
    if (c != '-') day += c;
  return "INC-" + day + "-" + sha256_hex(key).substr(0, 8);
}

Trigger trigger_of_event(const Json& event) {
  Trigger trigger;
  trigger.event = event;
  const std::string source = event.value("source", "");
  std::string finding = string_or_empty(at(event, "detail.id"));
  std::string call = string_or_empty(at(event, "detail.eventID"));
  if (source == "aws.guardduty" && !finding.empty()) {
    trigger.key = "guardduty:" + finding;
    trigger.updated_at = string_or_empty(at(event, "detail.updatedAt"));
    trigger.summary = guardduty_summary(event);
  } else if (!call.empty()) {
    trigger.key = "cloudtrail:" + call;
    trigger.summary = cloudtrail_summary(event);
  } else {
    // No finding or call id: the EventBridge envelope's id is all there is.
    std::string id = event.value("id", "");
    trigger.key = "event:" + (id.empty() ? random_uuid() : id);
    trigger.summary = {{"source", source},
                       {"type", event.value("detail-type", "")},
                       {"first_seen", event.value("time", "")}};
  }
  return trigger;
}

Trigger trigger_of_run(const std::string& policy_file) {
  Trigger trigger;
  trigger.key = "run:" + random_uuid();
  trigger.summary = {
      {"source", "pull run"}, {"type", "policies of " + policy_file}, {"first_seen", now_iso()}};
  return trigger;
}

}  // namespace custos::incident
