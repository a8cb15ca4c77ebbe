// What opens an incident: a GuardDuty finding (keyed by its id, so that GuardDuty's repeated
// deliveries of a growing finding join it), a CloudTrail call (its eventID), another event, or a
// pull run; its id (INC-YYYYMMDD-<hash>) and the facts a report starts from.
#pragma once

#include <string>

#include "core/json.h"

namespace custos::incident {

struct Trigger {
  std::string key;         // "guardduty:<finding id>", "cloudtrail:<eventID>", "run:<uuid>"
  std::string updated_at;  // GuardDuty's detail.updatedAt (a newer one is a new delivery)
  // type, severity, resource, remote_ip, first_seen, last_seen, account, region: whatever the
  // event says of them.
  Json summary = Json::object();
  Json event = nullptr;  // the event itself (null for a pull run)
};

// The trigger an EventBridge event stands for.
Trigger trigger_of_event(const Json& event);
// A pull run's trigger: each run its own incident.
Trigger trigger_of_run(const std::string& policy_file);

// "INC-20261205-3fa4c2d1": the day (UTC) it was opened and the start of SHA-256(key).
std::string incident_id(const std::string& key, const std::string& opened_at);

// The current UTC time as ISO 8601 with milliseconds ("2026-12-05T10:00:00.123Z").
std::string now_iso();

}  // namespace custos::incident
