#include "resources/network_filters.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "aws/client.h"
#include "jmespath/jmespath.h"
#include "policy/describe.h"
#include "policy/list_item_filter.h"
#include "policy/related_filter.h"
#include "policy/set_filter.h"
#include "policy/value_filter.h"
#include "policy/value_type_python.h"
#include "resources/related_resource_filter.h"

namespace custos::resources {
namespace {

using policy::BuildContext;
using policy::FilterContext;
using policy::ResourceType;
using policy::Spec;

// A flow log's attribute equal to a value: the legacy options of flow-logs (status: active is
// FlowLogStatus == ACTIVE).
class FieldIs : public policy::Filter {
 public:
  FieldIs(std::string key, Json value) : key_(std::move(key)), value_(std::move(value)) {}
  bool match(const Json& item, const FilterContext&) const override {
    auto at = item.find(key_);
    return at != item.end() && policy::python::equal(*at, value_);
  }

 private:
  std::string key_;
  Json value_;
};

struct LegacyOption {
  const char* option;
  const char* key;
  std::vector<std::pair<std::string, std::string>> values;  // as written -> as AWS says; empty: any
};

const std::vector<LegacyOption>& legacy_options() {
  static const std::vector<LegacyOption> options = {
      {"status", "FlowLogStatus", {{"active", "ACTIVE"}}},
      {"deliver-status", "DeliverLogsStatus", {{"success", "SUCCESS"}, {"failure", "FAILED"}}},
      {"destination", "LogDestination", {}},
      {"destination-type",
       "LogDestinationType",
       {{"s3", "s3"}, {"cloud-watch-logs", "cloud-watch-logs"}}},
      {"traffic-type", "TrafficType", {{"accept", "ACCEPT"}, {"reject", "REJECT"}, {"all", "ALL"}}},
      {"log-format", "LogFormat", {}},
      {"log-group", "LogGroupName", {}},
  };
  return options;
}

// Cloud Custodian's FlowLogv2Filter: list-item over the resource's flow logs (kept on it as
// c7n:flow-logs), with `attrs`/`count`/`count_op`, or the legacy options it converts: the
// flow logs with every given attribute, at least one of them (enabled: true) or none (the
// default); set-op: and asks that all of the resource's flow logs have them.
class FlowLogsFilter : public policy::AnnotatingFilter {
 public:
  FlowLogsFilter(const Spec& spec, const BuildContext& context, std::string id_field)
      : id_field_(std::move(id_field)) {
    // As Cloud Custodian converts it: without attrs, the legacy options decide.
    if (spec.has("attrs")) {
      if (spec.has("enabled") || spec.has("op") || spec.has("set-op") ||
          std::any_of(legacy_options().begin(), legacy_options().end(),
                      [&](const LegacyOption& option) { return spec.has(option.option); }))
        spec.fail("flow-logs cannot combine the legacy keys (enabled, status, ...) with attrs");
      items_ = policy::ListItems::from_spec(spec, context);
      counted_ = spec.has("count");
      return;
    }
    for (const char* list_key : {"count", "count_op"})
      if (spec.has(list_key))
        spec.child(list_key).at_key().fail(std::string("'") + list_key +
                                           "' goes with attrs (Cloud Custodian ignores it "
                                           "without them)");
    enabled_ = spec.optional_bool("enabled", false);
    all_logs_ = spec.one_of("set-op", {"or", "and"}, "or") == "and";
    if (spec.has("op") && spec.one_of("op", {"equal", "not-equal"}) == "not-equal")
      spec.child("op").fail(
          "op: not-equal is not supported: Cloud Custodian compares each attribute with a "
          "mapping there and never matches; write attrs with {type: value, op: not-equal}");
    for (const auto& option : legacy_options()) {
      if (!spec.has(option.option)) continue;
      std::vector<std::string> allowed;
      for (const auto& [written, unused] : option.values) allowed.push_back(written);
      std::string value = allowed.empty() ? spec.required_string(option.option)
                                          : spec.one_of(option.option, allowed);
      for (const auto& [written, aws] : option.values)
        if (written == value) value = aws;
      items_.attrs.push_back(std::make_unique<FieldIs>(option.key, value));
    }
    legacy_ = true;
  }

  std::vector<Json> process(std::vector<Json> resources,
                            const FilterContext& context) const override {
    std::map<std::string, Json> logs = fetch(resources, context);
    std::vector<Json> kept;
    std::vector<std::size_t> matched;
    for (Json& resource : resources) {
      auto found = logs.find(resource.value(id_field_, ""));
      Json flow_logs = found == logs.end() ? Json::array() : found->second;
      resource["c7n:flow-logs"] = flow_logs;
      matched.clear();
      if (!keeps(flow_logs, context, matched)) continue;
      if (!counted_ && !legacy_)
        for (std::size_t i : matched) resource["c7n:ListItemMatches"].push_back(flow_logs[i]);
      kept.push_back(std::move(resource));
    }
    return kept;
  }

  std::vector<std::string> permissions() const override {
    std::vector<std::string> all = items_.permissions();
    all.push_back("ec2:DescribeFlowLogs");
    return all;
  }

 private:
  bool keeps(const Json& flow_logs, const FilterContext& context,
             std::vector<std::size_t>& matched) const {
    if (!legacy_) return items_.keeps(flow_logs, "c7n:flow-logs", context, &matched);
    items_.keeps(flow_logs, "c7n:flow-logs", context, &matched);
    std::size_t wanted = all_logs_ ? flow_logs.size() : (enabled_ ? 1 : 0);
    return enabled_ ? matched.size() >= wanted : matched.size() == wanted;
  }

  // The flow logs of every resource, by resource id, in one listing (200 ids a call).
  std::map<std::string, Json> fetch(const std::vector<Json>& resources,
                                    const FilterContext& context) const {
    std::map<std::string, Json> logs;
    std::vector<std::string> ids;
    for (const Json& resource : resources) ids.push_back(resource.value(id_field_, ""));
    if (ids.empty()) return logs;
    const aws::Client& client = policy::require_client(context, "c7n:flow-logs");
    for (std::size_t start = 0; start < ids.size(); start += 200) {
      Json some(std::vector<std::string>(ids.begin() + start,
                                         ids.begin() + std::min(ids.size(), start + 200)));
      client.paginate("ec2", "DescribeFlowLogs",
                      {{"Filter", Json::array({{{"Name", "resource-id"}, {"Values", some}}})}},
                      [&](const Json& page) {
                        for (const Json& log : page.value("FlowLogs", Json::array()))
                          logs[log.value("ResourceId", "")].push_back(log);
                        return true;
                      });
    }
    return logs;
  }

  std::string id_field_;
  policy::ListItems items_;
  bool counted_ = false;
  bool legacy_ = false;
  bool enabled_ = false;
  bool all_logs_ = false;
};

class DefaultVpcFilter : public policy::SetFilter {
 public:
  explicit DefaultVpcFilter(const std::string& vpc_path)
      : vpc_(jmespath::Expression::compile(vpc_path)) {}

  std::vector<Json> process(std::vector<Json> resources,
                            const FilterContext& context) const override {
    if (resources.empty()) return resources;
    Json vpcs =
        policy::require_client(context, "the default VPC")
            .call("ec2", "DescribeVpcs",
                  {{"Filters", Json::array({{{"Name", "isDefault"}, {"Values", {"true"}}}})}})
            .value("Vpcs", Json::array());
    Json default_vpc = vpcs.empty() ? Json() : vpcs[0].value("VpcId", Json());
    std::erase_if(resources, [&](const Json& resource) {
      return default_vpc.is_null() || vpc_.search(resource) != default_vpc;
    });
    return resources;
  }
  std::vector<std::string> permissions() const override { return {"ec2:DescribeVpcs"}; }

 private:
  jmespath::Expression vpc_;
};

}  // namespace

void register_related_network_filters(policy::Registry& registry, const std::string& resource,
                                      const NetworkPaths& paths) {
  // Each as Cloud Custodian names it, the matched ids kept where modify-security-groups looks.
  const std::tuple<std::string, const std::string&, std::string> filters[] = {
      {"security-group", paths.security_groups, "DescribeSecurityGroups"},
      {"subnet", paths.subnets, "DescribeSubnets"},
      {"vpc", paths.vpc, "DescribeVpcs"}};
  for (const auto& [name, ids, describe] : filters)
    if (!ids.empty())
      add_related_resource_filter(registry, resource, name,
                                  {.type = "aws." + name,
                                   .ids = ids,
                                   .annotation = "c7n:matched-" + name + "s",
                                   .permissions = {"ec2:" + describe}});
  // Cloud Custodian 0.9.21 registers network-location on these (and on types whose groups or
  // subnets custos cannot find: asg, cache-cluster, emr, rds-cluster, redshift).
  static const std::set<std::string> located = {"aws.ec2", "aws.eni",    "aws.app-elb",
                                                "aws.elb", "aws.lambda", "aws.rds"};
  if (located.count(resource) && !paths.security_groups.empty() && !paths.subnets.empty())
    register_network_location_filter(registry, resource, paths);
}

// vpc-attributes (Cloud Custodian's AttributesFilter): VPCs whose DNS hostnames and DNS
// support are as given (DescribeVpcAttribute, one call per attribute asked about).
class VpcAttributes : public policy::Filter {
 public:
  explicit VpcAttributes(const Spec& spec) {
    for (const auto& [option, attribute] : {std::pair{"dnshostnames", "enableDnsHostnames"},
                                            std::pair{"dnssupport", "enableDnsSupport"}})
      if (spec.has(option)) wanted_.emplace_back(attribute, spec.optional_bool(option, false));
    if (wanted_.empty())
      spec.fail("vpc-attributes needs dnshostnames or dnssupport (true or false)");
  }
  bool match(const Json& vpc, const FilterContext& context) const override {
    const aws::Client& client = policy::require_client(context, "the VPC's attributes");
    for (const auto& [attribute, value] : wanted_) {
      Json answer = client.call("ec2", "DescribeVpcAttribute",
                                {{"VpcId", vpc.value("VpcId", "")}, {"Attribute", attribute}});
      std::string member = attribute;
      member[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(member[0])));
      if (answer.value(member, Json::object()).value("Value", !value) != value) return false;
    }
    return true;
  }
  std::vector<std::string> permissions() const override { return {"ec2:DescribeVpcAttribute"}; }

 private:
  std::vector<std::pair<std::string, bool>> wanted_;
};

// Cloud Custodian's filters of a VPC (or subnet) by what it contains: its security groups,
// subnets, NAT and internet gateways and endpoints (VpcSecurityGroupFilter, VpcSubnetFilter,
// VpcNatGatewayFilter, VpcInternetGatewayFilter, VPCEndpointFilter, SubnetEndpointFilter),
// each kept under Cloud Custodian's annotation.
void register_contained_network_filters(policy::Registry& registry) {
  struct Contained {
    const char* resource;
    const char* name;
    const char* type;
    const char* own_id;
    const char* container;
    const char* annotation;
    const char* describe;
  };
  const Contained table[] = {{"aws.vpc", "security-group", "aws.security-group", "VpcId", "VpcId",
                              "matched-vpcs", "DescribeSecurityGroups"},
                             {"aws.vpc", "subnet", "aws.subnet", "VpcId", "VpcId",
                              "MatchedVpcsSubnets", "DescribeSubnets"},
                             {"aws.vpc", "nat-gateway", "aws.nat-gateway", "VpcId", "VpcId",
                              "MatchedVpcsNatGateways", "DescribeNatGateways"},
                             {"aws.vpc", "internet-gateway", "aws.internet-gateway", "VpcId",
                              "Attachments[].VpcId", "MatchedVpcsIgws", "DescribeInternetGateways"},
                             {"aws.vpc", "vpc-endpoint", "aws.vpc-endpoint", "VpcId", "VpcId",
                              "matched-vpc-endpoint", "DescribeVpcEndpoints"},
                             {"aws.subnet", "vpc-endpoint", "aws.vpc-endpoint", "SubnetId",
                              "SubnetIds[]", "matched-vpc-endpoint", "DescribeVpcEndpoints"}};
  registry.add_filter("aws.vpc", "vpc-attributes",
                      policy::filter_info<VpcAttributes>(
                          {"dnshostnames", "dnssupport"},
                          "VPCs whose DNS hostnames and DNS support are on or off as given",
                          {"ec2:DescribeVpcAttribute"}));
  // Cloud Custodian's instance filters of volumes and classic load balancers.
  for (const auto& [resource, ids] : {std::pair{"aws.ebs", "Attachments[].InstanceId"},
                                      std::pair{"aws.elb", "Instances[].InstanceId"}})
    add_related_resource_filter(registry, resource, "instance",
                                {.type = "aws.ec2",
                                 .ids = ids,
                                 .annotation = "c7n:matched-instances",
                                 .permissions = {"ec2:DescribeInstances"}});
  for (const Contained& each : table)
    add_related_resource_filter(registry, each.resource, each.name,
                                {.type = each.type,
                                 .ids = each.own_id,
                                 .annotation = each.annotation,
                                 .permissions = {std::string("ec2:") + each.describe},
                                 .container = each.container});
}

void register_related_network_filter_table(policy::Registry& registry) {
  // Cloud Custodian 0.9.21's RelatedIdsExpression of each type's filters (one left out needs
  // another look-up there, such as a subnet group's, and is not offered).
  const std::pair<const char*, NetworkPaths> table[] = {
      {"aws.app-elb",
       {.security_groups = "SecurityGroups[]",
        .subnets = "AvailabilityZones[].SubnetId",
        .vpc = "VpcId"}},
      {"aws.elb", {.security_groups = "SecurityGroups[]", .subnets = "Subnets[]", .vpc = "VPCId"}},
      {"aws.lambda",
       {.security_groups = "VpcConfig.SecurityGroupIds[]",
        .subnets = "VpcConfig.SubnetIds[]",
        .vpc = "VpcConfig.VpcId"}},
      {"aws.batch-compute",
       {.security_groups = "computeResources.securityGroupIds[]",
        .subnets = "computeResources.subnets[]"}},
      {"aws.codebuild",
       {.security_groups = "vpcConfig.securityGroupIds[]",
        .subnets = "vpcConfig.subnets[]",
        .vpc = "vpcConfig.vpcId"}},
      {"aws.directory",
       {.security_groups = "VpcSettings.SecurityGroupId",
        .subnets = "VpcSettings.SubnetIds",
        .vpc = "VpcSettings.VpcId"}},
      {"aws.dms-instance",
       {.security_groups = "VpcSecurityGroups[].VpcSecurityGroupId",
        .subnets = "ReplicationSubnetGroup.Subnets[].SubnetIdentifier",
        .vpc = "ReplicationSubnetGroup.VpcId"}},
      {"aws.dax", {.security_groups = "SecurityGroups[].SecurityGroupIdentifier"}},
      {"aws.elasticsearch",
       {.security_groups = "VPCOptions.SecurityGroupIds[]",
        .subnets = "VPCOptions.SubnetIds[]",
        .vpc = "VPCOptions.VPCId"}},
      {"aws.cache-cluster", {.security_groups = "SecurityGroups[].SecurityGroupId"}},
      {"aws.kafka",
       {.security_groups = "BrokerNodeGroupInfo.SecurityGroups[]",
        .subnets = "BrokerNodeGroupInfo.ClientSubnets[]"}},
      {"aws.fsx", {.subnets = "SubnetIds[]"}},
      {"aws.glue-connection",
       {.security_groups = "PhysicalConnectionRequirements.SecurityGroupIdList[]",
        .subnets = "PhysicalConnectionRequirements.SubnetId"}},
      {"aws.glue-dev-endpoint", {.subnets = "SubnetId"}},
      {"aws.message-broker", {.security_groups = "SecurityGroups[]", .subnets = "SubnetIds[]"}},
      {"aws.rds",
       {.security_groups = "VpcSecurityGroups[].VpcSecurityGroupId",
        .subnets = "DBSubnetGroup.Subnets[].SubnetIdentifier",
        .vpc = "DBSubnetGroup.VpcId"}},
      {"aws.rds-cluster", {.security_groups = "VpcSecurityGroups[].VpcSecurityGroupId"}},
      {"aws.redshift", {.security_groups = "VpcSecurityGroups[].VpcSecurityGroupId"}},
      {"aws.sagemaker-notebook", {.security_groups = "SecurityGroups[]", .subnets = "SubnetId"}},
      {"aws.route-table", {.subnets = "Associations[].SubnetId", .vpc = "VpcId"}},
      {"aws.network-acl", {.subnets = "Associations[].SubnetId"}},
      {"aws.subnet", {.vpc = "VpcId"}},
      {"aws.emr", {.subnets = "Ec2InstanceAttributes.RequestedEc2SubnetIds[]"}},
      {"aws.workspaces-directory", {.subnets = "SubnetIds[]"}},
      {"aws.ecs-task", {.subnets = "attachments[].details[?name == 'subnetId'].value[]"}},
      {"aws.ecs-container-instance", {.subnets = "attributes[?name == 'ecs.subnet-id'].value[]"}},
  };

  for (const auto& [resource, paths] : table) {
    if (registry.table_type(resource)) register_related_network_filters(registry, resource, paths);
  }
}

void register_flow_logs_filter(policy::Registry& registry, const std::string& resource) {
  const ResourceType* type = registry.find_resource(resource);
  if (!type) throw Error("internal: " + resource + " is not registered");
  policy::FilterInfo info;
  info.factory = [id_field = type->id_field](const Spec& spec,
                                             const BuildContext& context) -> policy::FilterPtr {
    if (spec.value().is_object()) {
      std::vector<std::string> options = {"attrs", "count", "count_op", "enabled", "op", "set-op"};
      for (const auto& option : legacy_options()) options.push_back(option.option);
      spec.allow_keys(options, "filter 'flow-logs'");
    }
    return std::make_unique<FlowLogsFilter>(spec, context, id_field);
  };
  info.description =
      "Resources by their flow logs (kept as c7n:flow-logs): attrs/count/count_op as list-item, "
      "or enabled, status, deliver-status, destination, destination-type, traffic-type, "
      "log-format, log-group, set-op";
  info.options = {"attrs",      "count",          "count_op",    "enabled",          "set-op",
                  "status",     "deliver-status", "destination", "destination-type", "traffic-type",
                  "log-format", "log-group"};
  info.permissions = {"ec2:DescribeFlowLogs"};
  registry.add_filter(resource, "flow-logs", std::move(info));
}

void register_default_vpc_filters(policy::Registry& registry) {
  // Where each type names its VPC, as Cloud Custodian's DefaultVpc filters read it.
  const std::pair<const char*, const char*> vpc_paths[] = {
      {"aws.ec2", "VpcId"},
      {"aws.security-group", "VpcId"},
      {"aws.rds", "DBSubnetGroup.VpcId"},
      {"aws.redshift", "VpcId"},
      {"aws.elb", "VPCId"},
      {"aws.app-elb", "VpcId"},
      {"aws.app-elb-target-group", "VpcId"},
  };
  for (const auto& [resource, vpc_path] : vpc_paths) {
    policy::FilterInfo info;
    info.factory = [path = std::string(vpc_path)](const Spec& spec,
                                                  const BuildContext&) -> policy::FilterPtr {
      if (spec.value().is_object()) spec.allow_keys({}, "filter 'default-vpc'");
      return std::make_unique<DefaultVpcFilter>(path);
    };
    info.description = "In the region's default VPC (by " + std::string(vpc_path) + ")";
    info.permissions = {"ec2:DescribeVpcs"};
    registry.add_filter(resource, "default-vpc", std::move(info));
  }
}

}  // namespace custos::resources
