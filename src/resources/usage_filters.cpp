#include "resources/usage_filters.h"

#include <memory>
#include <set>

#include "jmespath/jmespath.h"
#include "policy/describe.h"
#include "policy/set_filter.h"

namespace custos::resources {
namespace {

using policy::FilterContext;
using policy::Spec;

// A listing that shows what is in use: every page of one call, and the ids it names.
struct UsageSource {
  std::string service;
  std::string operation;
  Json params = Json::object();
  std::string ids;  // JMESPath over the merged answer: the ids in use (a list, or lists of them)
};

// One type's used/unused: where its resources' ids are, who uses them, and the option that
// turns `unused` into `used` (c7n's `value` or `state`, default true; empty: none).
struct Usage {
  std::string resource;
  std::string id;  // JMESPath over the resource: an id or a list of names it goes by
  std::vector<UsageSource> sources;
  std::string flag{};
  bool has_used = false;  // c7n has a `used` filter too
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
        keep_used_(usage_->flag.empty() ? used : !spec.optional_bool(usage_->flag, true)) {}

  std::vector<Json> process(std::vector<Json> resources,
                            const FilterContext& context) const override {
    if (resources.empty()) return resources;
    std::set<std::string> in_use = listed(policy::require_client(context, "what uses them"));
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
    for (const auto& source : usage_->sources)
      actions.push_back(policy::iam_action(source.service, source.operation));
    return actions;
  }

 private:
  std::set<std::string> listed(const aws::Client& client) const {
    std::set<std::string> ids;
    for (const auto& source : usage_->sources)
      collect(jmespath::Expression::compile(source.ids)
                  .search(client.call_all(source.service, source.operation, source.params)),
              ids);
    return ids;
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
       .has_used = true},
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
  for (const auto& source : usage->sources) users += (users.empty() ? "" : ", ") + source.operation;
  info.description = std::string(used ? "Those in use" : "Those nothing uses") + " (by " + users +
                     ")" +
                     (usage->flag.empty() ? ""
                                          : "; " + usage->flag +
                                                ": false "
                                                "turns it around");
  info.options = options;
  for (const auto& source : usage->sources)
    info.permissions.push_back(policy::iam_action(source.service, source.operation));
  return info;
}

}  // namespace

void register_usage_filters(policy::Registry& registry) {
  for (Usage& usage : usages()) {
    auto shared = std::make_shared<const Usage>(std::move(usage));
    registry.add_filter(shared->resource, "unused", usage_info(shared, false));
    if (shared->has_used) registry.add_filter(shared->resource, "used", usage_info(shared, true));
  }
}

}  // namespace custos::resources
