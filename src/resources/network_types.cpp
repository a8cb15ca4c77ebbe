// The VPC's other parts Cloud Custodian's examples name: subnets, route tables, internet and
// NAT gateways, network ACLs, peering connections, traffic mirror sessions, key pairs, VPC
// endpoints, customer and VPN gateways, VPN connections, transit gateways and prefix lists, all
// listed by EC2's Describe
// calls (with their ids parameter for event lookups) and tagged with CreateTags/DeleteTags.
#include "resources/services.h"
#include "resources/type_table.h"

namespace custos::resources {
namespace {

using policy::ResourceType;

// `kind` as EC2 spells it: "Subnet" lists with DescribeSubnets, answers Subnets, is named by
// SubnetId and fetched by SubnetIds; an unknown id is `not_found`.
ResourceType ec2_type(std::string name, const std::string& kind, std::string not_found,
                      const std::string& arn_kind) {
  return {
      .name = "aws." + name,
      .aliases = {name},
      .service = "ec2",
      .enumerate_operation = "Describe" + kind + "s",
      .result_path = kind + "s[]",
      .ids_param = kind + "Ids",
      .not_found_codes = {std::move(not_found)},
      .id_field = kind + "Id",
      .arn_format = "arn:{partition}:ec2:{region}:{account_id}:" + arn_kind + "/{id}",
  };
}

}  // namespace

void register_network_types(policy::Registry& registry) {
  ResourceType subnet = ec2_type("subnet", "Subnet", "InvalidSubnetID.NotFound", "subnet");
  // Cloud Custodian's modify, for the attributes DescribeSubnets says (its others are refused).
  subnet.actions.push_back({.name = "modify",
                            .operation = "ModifySubnetAttribute",
                            .params = {{"SubnetId", "SubnetId"}},
                            .options = {{.name = "MapPublicIpOnLaunch",
                                         .param = "MapPublicIpOnLaunch",
                                         .transform = "{Value: @}",
                                         .current = "{Value: MapPublicIpOnLaunch}"},
                                        {.name = "AssignIpv6AddressOnCreation",
                                         .param = "AssignIpv6AddressOnCreation",
                                         .transform = "{Value: @}",
                                         .current = "{Value: AssignIpv6AddressOnCreation}"}}});
  add_type(registry, std::move(subnet));
  add_type(registry,
           ec2_type("route-table", "RouteTable", "InvalidRouteTableID.NotFound", "route-table"));
  ResourceType gateway = ec2_type("internet-gateway", "InternetGateway",
                                  "InvalidInternetGatewayID.NotFound", "internet-gateway");
  gateway.actions.push_back(
      ResourceType::CallAction{.operation = "DeleteInternetGateway",
                               .params = {{"InternetGatewayId", "InternetGatewayId"}}});
  add_type(registry, std::move(gateway));
  ResourceType nat = ec2_type("nat-gateway", "NatGateway", "NatGatewayNotFound", "natgateway");
  nat.date_field = "CreateTime";
  add_type(registry, std::move(nat));
  add_type(registry,
           ec2_type("network-acl", "NetworkAcl", "InvalidNetworkAclID.NotFound", "network-acl"));
  add_type(registry, ec2_type("peering-connection", "VpcPeeringConnection",
                              "InvalidVpcPeeringConnectionID.NotFound", "vpc-peering-connection"));
  ResourceType key_pair = ec2_type("key-pair", "KeyPair", "InvalidKeyPair.NotFound", "key-pair");
  key_pair.name_field = "KeyName";
  // By name, which AWS and moto both take (Cloud Custodian names the id, which moto ignores).
  key_pair.actions.push_back({.operation = "DeleteKeyPair", .params = {{"KeyName", "KeyName"}}});
  add_type(registry, std::move(key_pair));
  ResourceType session =
      ec2_type("mirror-session", "TrafficMirrorSession", "InvalidTrafficMirrorSessionId.NotFound",
               "traffic-mirror-session");
  session.actions.push_back({.operation = "DeleteTrafficMirrorSession",
                             .params = {{"TrafficMirrorSessionId", "TrafficMirrorSessionId"}},
                             .gone_codes = {"InvalidTrafficMirrorSessionId.NotFound"}});
  add_type(registry, std::move(session));
  ResourceType endpoint =
      ec2_type("vpc-endpoint", "VpcEndpoint", "InvalidVpcEndpointId.NotFound", "vpc-endpoint");
  endpoint.date_field = "CreationTimestamp";
  add_type(registry, std::move(endpoint));
  // Site-to-site VPN's parts and transit gateways. The VPN ARNs are Cloud Custodian's
  // (arn_type vpc-gateway, vpc-connection), not AWS's vpn-gateway and vpn-connection.
  add_type(registry, ec2_type("customer-gateway", "CustomerGateway",
                              "InvalidCustomerGatewayID.NotFound", "customer-gateway"));
  add_type(registry,
           ec2_type("vpn-gateway", "VpnGateway", "InvalidVpnGatewayID.NotFound", "vpc-gateway"));
  add_type(registry, ec2_type("vpn-connection", "VpnConnection", "InvalidVpnConnectionID.NotFound",
                              "vpc-connection"));
  ResourceType transit = ec2_type("transit-gateway", "TransitGateway",
                                  "InvalidTransitGatewayID.NotFound", "transit-gateway");
  transit.arn_field = "TransitGatewayArn";
  add_type(registry, std::move(transit));
  // Customer-managed prefix lists (DescribeManagedPrefixLists, which also answers AWS's own).
  ResourceType prefix_list =
      ec2_type("prefix-list", "PrefixList", "InvalidPrefixListID.NotFound", "prefix-list");
  prefix_list.enumerate_operation = "DescribeManagedPrefixLists";
  prefix_list.name_field = "PrefixListName";
  add_type(registry, std::move(prefix_list));
}

}  // namespace custos::resources
