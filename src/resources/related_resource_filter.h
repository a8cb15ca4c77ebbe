// Cloud Custodian's RelatedResourceFilter: a value filter over the resources a resource names
// by id (its security groups, subnets, VPC, KMS key), fetched once for the whole set.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "jmespath/jmespath.h"
#include "policy/registry.h"

namespace custos::resources {

struct RelatedResources {
  std::string type;        // the related resources' type: "aws.security-group"
  std::string ids;         // JMESPath into the resource: the ids it names
  std::string annotation;  // where the matched ids are kept: "c7n:matched-security-groups"
  std::vector<std::string> permissions;  // what fetching them calls: "ec2:DescribeSecurityGroups"
  // Files a fetched document under every id a resource may name it by (and may annotate it);
  // by default, its type's id field.
  std::function<void(Json document, std::map<std::string, Json>& by_id)> index{};
  // For resources that contain the related ones rather than name them (a VPC's subnets):
  // JMESPath over a related resource giving the ids of its containers ("VpcId"). `ids` then
  // gives the resource's own id, every related resource is listed, and the matched ones'
  // ids are kept.
  std::string container{};
};

// Filter `name` on `resource`: the resource matches when a related resource matches the value
// filter (operator: or, the default) or all do (and); a related resource that is gone matches
// only `value: absent` (a resource containing none matches nothing). The related type must be
// registered before a policy is compiled.
void add_related_resource_filter(policy::Registry& registry, const std::string& resource,
                                 const std::string& name, RelatedResources related);

// The ids `path` finds in `resource` (one string or a list of them), each once, in order.
std::vector<std::string> related_ids(const jmespath::Expression& path, const Json& resource);

}  // namespace custos::resources
