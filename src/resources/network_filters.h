// Filters of network-attached resources (EC2 instances, network interfaces, VPCs): Cloud
// Custodian's security-group, subnet and vpc filters (a value filter over the related resources)
// and flow-logs (its FlowLogv2Filter: list-item over the resource's flow logs).
#pragma once

#include <string>

#include "policy/registry.h"

namespace custos::resources {

// Where a resource names its related resources (JMESPath): "NetworkInterfaces[].Groups[].GroupId".
struct NetworkPaths {
  std::string security_groups = "";  // "": the type has no such filter
  std::string subnets = "";
  std::string vpc = "";
};

// security-group, subnet and vpc on `resource` (those whose path is not empty); aws.security-group
// and aws.vpc must be registered before a policy is compiled.
void register_related_network_filters(policy::Registry& registry, const std::string& resource,
                                      const NetworkPaths& paths);

// network-location (Cloud Custodian's NetworkLocation) on `resource`, comparing it with its
// security groups and subnets found by `paths`. register_related_network_filters adds it to the
// types Cloud Custodian gives it whose groups and subnets custos can find.
void register_network_location_filter(policy::Registry& registry, const std::string& resource,
                                      const NetworkPaths& paths);

// The same on every other type Cloud Custodian gives them (load balancers, Lambda, databases,
// route tables...), from a table. The types must be registered first.
void register_related_network_filter_table(policy::Registry& registry);
// security-group, subnet, nat-gateway, internet-gateway, vpc-endpoint on aws.vpc and
// vpc-endpoint on aws.subnet (by what they contain), vpc-attributes on aws.vpc, and instance
// on aws.ebs and aws.elb (after the types).
void register_contained_network_filters(policy::Registry& registry);

// default-vpc (Cloud Custodian's DefaultVpcBase) on every type that has it: the resource is in
// its region's default VPC. The types must be registered first.
void register_default_vpc_filters(policy::Registry& registry);

// dhcp-options on aws.vpc: the VPC's DHCP option set (domain name, DNS and NTP servers).
void register_dhcp_options_filter(policy::Registry& registry);

// flow-logs on `resource`, whose id is the flow logs' ResourceId.
void register_flow_logs_filter(policy::Registry& registry, const std::string& resource);

}  // namespace custos::resources
