// The network resource types: aws.security-group, aws.eni (network interfaces), aws.vpc (with
// its flow logs) and aws.network-addr (Elastic IPs), with Cloud Custodian's filters and the
// actions that cut a compromised workload off the network.
#pragma once

#include "policy/registry.h"

namespace custos::resources {
void register_security_group(policy::Registry& registry);
void register_vpc(policy::Registry& registry);
void register_eni(policy::Registry& registry);
void register_network_addr(policy::Registry& registry);
}  // namespace custos::resources
