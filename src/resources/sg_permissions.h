// Cloud Custodian's SGPermission: how the ingress and egress filters of aws.security-group
// judge a group's rules (Ports, OnlyPorts, Cidr, CidrV6, SelfReference, Description,
// SGReferences and value filters on the rule's own keys), rule by rule.
#pragma once

#include <string>

#include "core/json.h"
#include "policy/registry.h"

namespace custos::resources {

// A group's permissions with each range (IpRanges, Ipv6Ranges, PrefixListIds,
// UserIdGroupPairs) made a permission of its own, the others empty, as AWS adds and revokes
// them one at a time.
Json expand_permissions(const Json& permissions);

// The ingress (list_key IpPermissions) or egress (IpPermissionsEgress) filter: a group matches
// when one of its expanded rules does; the rules that did are kept on it as
// Matched<list_key> for remove-permissions.
policy::FilterInfo permission_filter_info(const std::string& list_key);

}  // namespace custos::resources
