// aws.hostedzone and aws.rrset: Route 53's hosted zones and, as their children, each zone's
// record sets, with the actions that take a hijacked name out of use (sinkhole, delete); and
// r53domain, resolver-logs, recovery-cluster, recovery-control-panel, readiness-check.
#pragma once

#include "policy/registry.h"

namespace custos::resources {
void register_route53(policy::Registry& registry);
// query-logging-enabled and set-query-logging on aws.hostedzone (route53_query_logging.cpp).
void register_route53_query_logging(policy::Registry& registry);
}  // namespace custos::resources
