// The events a game day injects, shaped as EventBridge delivers them: GuardDuty findings and
// "AWS API Call via CloudTrail" events about what a scenario seeded, in the caller's account.
#pragma once

#include <string>

#include "aws/client.h"
#include "core/json.h"

namespace custos::gameday {

struct FindingSpec {
  std::string type;  // e.g. "Backdoor:EC2/C&CActivity.B!DNS"
  double severity = 8;
  Json resource;  // detail.resource: resourceType plus instanceDetails, accessKeyDetails, ...
  Json action;    // detail.service.action
  std::string title;
};

Json guardduty_finding(const aws::Client& client, const FindingSpec& spec);
// `event_source` as CloudTrail names it ("kms.amazonaws.com"); made by an IAM user "intruder".
Json cloudtrail_event(const aws::Client& client, const std::string& event_source,
                      const std::string& event_name, const Json& request_parameters);

// Now, as AWS writes times in events: 2026-12-05T10:00:00Z.
std::string iso_now();

}  // namespace custos::gameday
