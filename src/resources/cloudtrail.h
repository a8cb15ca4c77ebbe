// aws.cloudtrail: trails with Cloud Custodian's status filter and the actions that turn logging
// back on after an attacker stopped it (set-logging, update-trail).
#pragma once

#include "aws/client.h"
#include "policy/registry.h"

namespace custos::resources {
void register_cloudtrail(policy::Registry& registry);

// GetTrailStatus and GetEventSelectors of a trail (DescribeTrails' document), asked in its home
// region.
Json trail_status(const Json& trail, const aws::Client& client);
Json event_selectors(const Json& trail, const aws::Client& client);
}  // namespace custos::resources
