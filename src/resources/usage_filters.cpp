#include "resources/usage_filters.h"

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <memory>
#include <set>

#include "jmespath/jmespath.h"
#include "policy/describe.h"
#include "policy/set_filter.h"

namespace custos::resources {
namespace {

using policy::FilterContext;
using policy::Spec;

// A listing that shows what is in use: every page of one call, and the ids it names. Where it
// takes more than one call (the roles of the instance profiles instances use), `gather` makes
// them and answers in a shape of its own for `ids`.
struct UsageSource {
  std::string service{};
  std::string operation{};
  Json params = Json::object();
  std::string ids{};  // JMESPath over the merged answer: the ids in use (a list, or lists of them)
  std::function<Json(const aws::Client&)> gather{};
  std::vector<std::string> permissions{};  // what `gather` calls
};

// One type's used/unused: where its resources' ids are, who uses them, and the option that
// turns `unused` into `used` (c7n's `value` or `state`, default true; empty: none).
struct Usage {
  std::string resource;
  std::string id;  // JMESPath over the resource: an id or a list of names it goes by
  std::vector<UsageSource> sources;
  std::string flag{};
  bool has_used = false;  // c7n has a `used` filter too
  // Writes what c7n's filter annotates on every resource, from the sources' answers in order.
  std::function<void(std::vector<Json>& resources, const std::vector<Json>& answers)> annotate{};
};

void collect(const Json& ids, std::set<std::string>& into) {
  if (ids.is_string()) into.insert(ids.get<std::string>());
  if (ids.is_array())
    for (const Json& id : ids) collect(id, into);
}

class UsageFilter : public policy::SetFilter {
 public:
  UsageFilter(const Spec& spec, std::shared_ptr<const Usage> usage, bool used)
      : usage_(std::move(usage)),
        id_(jmespath::Expression::compile(usage_->id)),
        // The flag (default true) asks for what the filter's name says; false turns it around.
        keep_used_(usage_->flag.empty() ? used : used == spec.optional_bool(usage_->flag, true)) {}

  std::vector<Json> process(std::vector<Json> resources,
                            const FilterContext& context) const override {
    if (resources.empty()) return resources;
    std::vector<Json> answers = listings(policy::require_client(context, "what uses them"));
    std::set<std::string> in_use;
    for (std::size_t i = 0; i < answers.size(); ++i)
      collect(jmespath::Expression::compile(usage_->sources[i].ids).search(answers[i]), in_use);
    if (usage_->annotate) usage_->annotate(resources, answers);
    std::erase_if(resources, [&](const Json& resource) {
      std::set<std::string> names;
      collect(id_.search(resource), names);
      bool used = std::any_of(names.begin(), names.end(),
                              [&](const std::string& name) { return in_use.count(name); });
      return used != keep_used_;
    });
    return resources;
  }
  std::vector<std::string> permissions() const override {
    std::vector<std::string> actions;
    for (const auto& source : usage_->sources) {
      if (!source.gather) actions.push_back(policy::iam_action(source.service, source.operation));
      actions.insert(actions.end(), source.permissions.begin(), source.permissions.end());
    }
    return actions;
  }

 private:
  std::vector<Json> listings(const aws::Client& client) const {
    std::vector<Json> answers;
    for (const auto& source : usage_->sources)
      answers.push_back(source.gather
                            ? source.gather(client)
                            : client.call_all(source.service, source.operation, source.params));
    return answers;
  }

  std::shared_ptr<const Usage> usage_;
  jmespath::Expression id_;
  bool keep_used_;
};

const UsageSource kInstances = {"ec2", "DescribeInstances", Json::object(), ""};
const UsageSource kLaunchConfigs = {"autoscaling", "DescribeLaunchConfigurations", Json::object(),
                                    ""};

UsageSource with_ids(UsageSource source, std::string ids) {
  source.ids = std::move(ids);
  return source;
}

// What kind of resource a network interface serves, by its attachment or description: Cloud
// Custodian's get_eni_resource_type.
std::string eni_resource_type(const Json& eni) {
  if (!jmespath::Expression::compile("Attachment.InstanceId").search(eni).is_null()) return "ec2";
  std::string description = eni.value("Description", "");
  static const std::vector<std::pair<std::string, std::string>> kByPrefix = {
      {"ELB app/", "elb-app"},
      {"ELB net/", "elb-net"},
      {"ELB gwy/", "elb-gwy"},
      {"ELB", "elb"},
      {"=ENI managed by APIGateway", "apigw"},
      {"AWS CodeStar Connections", "codestar"},
      {"DAX", "dax"},
      {"AWS created network interface for directory", "dir"},
      {"=DMSNetworkInterface", "dms"},
      {"arn:aws:ecs:", "ecs"},
      {"EFS mount target for", "fsmt"},
      {"ElastiCache", "elasticache"},
      {"AWS ElasticMapReduce", "emr"},
      {"CloudHSM Managed Interface", "hsm"},
      {"CloudHsm ENI", "hsmv2"},
      {"AWS Lambda VPC ENI", "lambda"},
      {"Interface for NAT Gateway", "nat"},
      {"=RDSNetworkInterface", "rds"},
      {"Network interface for DBProxy", "rds"},
      {"=RedshiftNetworkInterface", "redshift"},
      {"Network Interface for Transit Gateway Attachment", "tgw"},
      {"VPC Endpoint Interface", "vpce"}};
  for (const auto& [pattern, type] : kByPrefix)
    if (pattern.starts_with("=") ? description == pattern.substr(1)
                                 : description.starts_with(pattern))
      return type;
  return "unknown";
}

// c7n's SGUsage annotations, from the network interfaces (the first source): the owners,
// interface types and resource kinds of the interfaces in use that each group is on.
void annotate_groups(std::vector<Json>& groups, const std::vector<Json>& answers) {
  std::map<std::string, std::array<std::set<std::string>, 3>> by_group;
  for (const Json& eni : answers.at(0).value("NetworkInterfaces", Json::array())) {
    bool in_use = eni.value("Status", "") == "in-use";
    std::array<std::string, 3> facts = {
        in_use ? jmespath::Expression::compile("Attachment.InstanceOwnerId || ''")
                     .search(eni)
                     .get<std::string>()
               : "",
        eni.value("InterfaceType", ""), in_use ? eni_resource_type(eni) : ""};
    for (const Json& group : eni.value("Groups", Json::array()))
      for (std::size_t i = 0; i < facts.size(); ++i)
        if (!facts[i].empty()) by_group[group.value("GroupId", "")][i].insert(facts[i]);
  }
  static const std::array<const char*, 3> kKeys = {"c7n:InstanceOwnerIds", "c7n:InterfaceTypes",
                                                   "c7n:InterfaceResourceTypes"};
  for (Json& group : groups) {
    auto found = by_group.find(group.value("GroupId", ""));
    for (std::size_t i = 0; i < kKeys.size(); ++i)
      group[kKeys[i]] = found == by_group.end() ? Json::array() : Json(found->second[i]);
  }
}

// The roles of ECS services (c7n's scan_ecs_roles): {"roles": [ARN...]}.
Json ecs_service_roles(const aws::Client& client) {
  Json roles = Json::array();
  for (const Json& cluster :
       client.call_all("ecs", "ListClusters", Json::object()).value("clusterArns", Json::array())) {
    Json services = client.call_all("ecs", "ListServices", {{"cluster", cluster}})
                        .value("serviceArns", Json::array());
    for (std::size_t start = 0; start < services.size(); start += 10) {
      Json some(std::vector<Json>(services.begin() + start,
                                  services.begin() + std::min(services.size(), start + 10)));
      for (const Json& service :
           client.call("ecs", "DescribeServices", {{"cluster", cluster}, {"services", some}})
               .value("services", Json::array()))
        if (service.contains("roleArn")) roles.push_back(service["roleArn"]);
    }
  }
  return {{"roles", roles}};
}

// The roles of the instance profiles that instances (not terminated) and launch configurations
// use (c7n's collect_profile_roles): {"roles": [RoleName...]}.
Json instance_profile_roles(const aws::Client& client) {
  std::set<std::string> profiles;
  Json instances = client.call_all("ec2", "DescribeInstances", Json::object());
  for (const Json& reservation : instances.value("Reservations", Json::array()))
    for (const Json& instance : reservation.value("Instances", Json::array())) {
      std::string arn =
          instance.value("IamInstanceProfile", Json::object()).value("Arn", std::string());
      if (!arn.empty() && instance.value("State", Json::object()).value("Name", "") != "terminated")
        profiles.insert(arn.substr(arn.rfind('/') + 1));
    }
  for (const Json& config :
       client.call_all("autoscaling", "DescribeLaunchConfigurations", Json::object())
           .value("LaunchConfigurations", Json::array()))
    if (std::string profile = config.value("IamInstanceProfile", ""); !profile.empty())
      profiles.insert(profile.substr(profile.rfind('/') + 1));
  Json roles = Json::array();
  if (profiles.empty()) return {{"roles", roles}};
  for (const Json& profile : client.call_all("iam", "ListInstanceProfiles", Json::object())
                                 .value("InstanceProfiles", Json::array()))
    if (profiles.count(profile.value("InstanceProfileName", "")))
      for (const Json& role : profile.value("Roles", Json::array()))
        roles.push_back(role["RoleName"]);
  return {{"roles", roles}};
}

// As Cloud Custodian's filters of the same names (c7n/resources/vpc.py SGUsage, ec2.py
// UnusedKeyPairs, asg.py UnusedLaunchConfig, ami.py ImageUnusedFilter, ebs.py
// SnapshotUnusedFilter, iam.py IamRoleUsage, rds.py UnusedRDSSubnetGroup), each listing what
// docs/resources/services.md says.
std::vector<Usage> usages() {
  return {
      {.resource = "aws.security-group",
       .id = "GroupId",
       .sources = {{"ec2", "DescribeNetworkInterfaces", Json::object(),
                    "NetworkInterfaces[].Groups[].GroupId"},
                   {"ec2", "DescribeSecurityGroups", Json::object(),
                    "SecurityGroups[].[IpPermissions, IpPermissionsEgress][][].UserIdGroupPairs[]"
                    ".GroupId"},
                   {"lambda", "ListFunctions", Json::object(),
                    "Functions[].VpcConfig.SecurityGroupIds[]"},
                   with_ids(kLaunchConfigs, "LaunchConfigurations[].SecurityGroups[]")},
       .has_used = true,
       .annotate = annotate_groups},
      {.resource = "aws.key-pair",
       .id = "KeyName",
       .sources = {with_ids(kInstances, "Reservations[].Instances[].KeyName")},
       .flag = "state"},
      {.resource = "aws.launch-config",
       .id = "LaunchConfigurationName",
       .sources = {{"autoscaling", "DescribeAutoScalingGroups", Json::object(),
                    "AutoScalingGroups[].LaunchConfigurationName"}}},
      {.resource = "aws.ami",
       .id = "ImageId",
       .sources = {with_ids(kInstances, "Reservations[].Instances[].ImageId"),
                   with_ids(kLaunchConfigs, "LaunchConfigurations[].ImageId")},
       .flag = "value"},
      {.resource = "aws.ebs-snapshot",
       .id = "SnapshotId",
       .sources = {{"ec2",
                    "DescribeImages",
                    {{"Owners", {"self"}}},
                    "Images[].BlockDeviceMappings[].Ebs.SnapshotId"},
                   with_ids(kLaunchConfigs,
                            "LaunchConfigurations[].BlockDeviceMappings[].Ebs.SnapshotId")},
       .flag = "value"},
      {.resource = "aws.rds-subnet-group",
       .id = "DBSubnetGroupName",
       .sources = {{"rds", "DescribeDBInstances", Json::object(),
                    "DBInstances[].DBSubnetGroup.DBSubnetGroupName"},
                   {"rds", "DescribeDBClusters", Json::object(), "DBClusters[].DBSubnetGroup"}}},
      {.resource = "aws.iam-role",
       .id = "[Arn, RoleName]",
       .sources =
           {{"lambda", "ListFunctions", Json::object(), "Functions[].Role"},
            {.ids = "roles[]",
             .gather = ecs_service_roles,
             .permissions = {"ecs:ListClusters", "ecs:ListServices", "ecs:DescribeServices"}},
            {.ids = "roles[]",
             .gather = instance_profile_roles,
             .permissions = {"ec2:DescribeInstances", "autoscaling:DescribeLaunchConfigurations",
                             "iam:ListInstanceProfiles"}}},
       .flag = "state",
       .has_used = true},
      {.resource = "aws.iam-profile",
       .id = "[Arn, InstanceProfileName]",
       .sources = {with_ids(kInstances, "Reservations[].Instances[].IamInstanceProfile.Arn"),
                   with_ids(kLaunchConfigs, "LaunchConfigurations[].IamInstanceProfile")},
       .has_used = true},
  };
}

policy::FilterInfo usage_info(std::shared_ptr<const Usage> usage, bool used) {
  policy::FilterInfo info;
  std::vector<std::string> options;
  if (!usage->flag.empty()) options.push_back(usage->flag);
  info.factory = [usage, used, options](const Spec& spec,
                                        const policy::BuildContext&) -> policy::FilterPtr {
    if (spec.value().is_object())
      spec.allow_keys(options, std::string("filter '") + (used ? "used" : "unused") + "'");
    return std::make_unique<UsageFilter>(spec, usage, used);
  };
  std::string users;
  for (const auto& source : usage->sources)
    users += (users.empty() ? "" : ", ") +
             (source.gather ? source.permissions.front() : source.operation);
  info.description = std::string(used ? "Those in use" : "Those nothing uses") + " (by " + users +
                     ")" +
                     (usage->flag.empty() ? ""
                                          : "; " + usage->flag +
                                                ": false "
                                                "turns it around");
  info.options = options;
  for (const auto& source : usage->sources) {
    if (!source.gather)
      info.permissions.push_back(policy::iam_action(source.service, source.operation));
    info.permissions.insert(info.permissions.end(), source.permissions.begin(),
                            source.permissions.end());
  }
  return info;
}

}  // namespace

void register_usage_filters(policy::Registry& registry) {
  for (Usage& usage : usages()) {
    if (!registry.table_type(usage.resource)) continue;  // another group's type
    auto shared = std::make_shared<const Usage>(std::move(usage));
    registry.add_filter(shared->resource, "unused", usage_info(shared, false));
    if (shared->has_used) registry.add_filter(shared->resource, "used", usage_info(shared, true));
  }
}

}  // namespace custos::resources
