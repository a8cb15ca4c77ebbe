#include "policy/trail_events.h"

#include <algorithm>

namespace custos::policy {
namespace {

// Cloud Custodian 0.9's table, then custos's additions (marked): ids are JMESPath over the
// event's detail, as Cloud Custodian prefixes them.
const std::vector<std::pair<std::string, TrailEvent>>& shortcuts() {
  static const std::vector<std::pair<std::string, TrailEvent>> table = {
      {"ConsoleLogin", {"signin.amazonaws.com", "ConsoleLogin", "userIdentity.arn"}},
      {"CreateAutoScalingGroup",
       {"autoscaling.amazonaws.com", "CreateAutoScalingGroup",
        "requestParameters.autoScalingGroupName"}},
      {"UpdateAutoScalingGroup",
       {"autoscaling.amazonaws.com", "UpdateAutoScalingGroup",
        "requestParameters.autoScalingGroupName"}},
      {"CreateBucket", {"s3.amazonaws.com", "CreateBucket", "requestParameters.bucketName"}},
      {"CreateCluster",
       {"redshift.amazonaws.com", "CreateCluster", "requestParameters.clusterIdentifier"}},
      {"CreateLoadBalancer",
       {"elasticloadbalancing.amazonaws.com", "CreateLoadBalancer",
        "requestParameters.loadBalancerName"}},
      {"CreateLoadBalancerPolicy",
       {"elasticloadbalancing.amazonaws.com", "CreateLoadBalancerPolicy",
        "requestParameters.loadBalancerName"}},
      {"CreateDBInstance",
       {"rds.amazonaws.com", "CreateDBInstance", "requestParameters.dBInstanceIdentifier"}},
      {"CreateVolume", {"ec2.amazonaws.com", "CreateVolume", "responseElements.volumeId"}},
      {"SetLoadBalancerPoliciesOfListener",
       {"elasticloadbalancing.amazonaws.com", "SetLoadBalancerPoliciesOfListener",
        "requestParameters.loadBalancerName"}},
      {"CreateElasticsearchDomain",
       {"es.amazonaws.com", "CreateElasticsearchDomain", "requestParameters.domainName"}},
      {"CreateTable", {"dynamodb.amazonaws.com", "CreateTable", "requestParameters.tableName"}},
      {"CreateFunction",
       {"lambda.amazonaws.com", "CreateFunction20150331", "requestParameters.functionName"}},
      {"RunInstances",
       {"ec2.amazonaws.com", "RunInstances", "responseElements.instancesSet.items[].instanceId"}},
      // custos: identity, logging and data-exposure calls.
      {"CreateUser", {"iam.amazonaws.com", "CreateUser", "requestParameters.userName"}},
      {"CreateAccessKey", {"iam.amazonaws.com", "CreateAccessKey", "requestParameters.userName"}},
      {"CreateLoginProfile",
       {"iam.amazonaws.com", "CreateLoginProfile", "requestParameters.userName"}},
      {"AttachUserPolicy", {"iam.amazonaws.com", "AttachUserPolicy", "requestParameters.userName"}},
      {"AttachRolePolicy", {"iam.amazonaws.com", "AttachRolePolicy", "requestParameters.roleName"}},
      {"UpdateAssumeRolePolicy",
       {"iam.amazonaws.com", "UpdateAssumeRolePolicy", "requestParameters.roleName"}},
      {"StopLogging", {"cloudtrail.amazonaws.com", "StopLogging", "requestParameters.name"}},
      {"UpdateTrail", {"cloudtrail.amazonaws.com", "UpdateTrail", "requestParameters.name"}},
      {"DeleteTrail", {"cloudtrail.amazonaws.com", "DeleteTrail", "requestParameters.name"}},
      {"PutBucketPolicy", {"s3.amazonaws.com", "PutBucketPolicy", "requestParameters.bucketName"}},
      {"PutBucketAcl", {"s3.amazonaws.com", "PutBucketAcl", "requestParameters.bucketName"}},
      {"DeleteBucketPublicAccessBlock",
       {"s3.amazonaws.com", "DeleteBucketPublicAccessBlock", "requestParameters.bucketName"}},
      {"DisableKey", {"kms.amazonaws.com", "DisableKey", "requestParameters.keyId"}},
      {"ScheduleKeyDeletion",
       {"kms.amazonaws.com", "ScheduleKeyDeletion", "requestParameters.keyId"}},
      {"PutKeyPolicy", {"kms.amazonaws.com", "PutKeyPolicy", "requestParameters.keyId"}},
  };
  return table;
}

}  // namespace

const TrailEvent* trail_shortcut(std::string_view name) {
  const auto& table = shortcuts();
  auto found = std::find_if(table.begin(), table.end(),
                            [&](const auto& entry) { return entry.first == name; });
  return found == table.end() ? nullptr : &found->second;
}

std::vector<std::string> trail_shortcut_names() {
  std::vector<std::string> names;
  for (const auto& [name, unused] : shortcuts()) names.push_back(name);
  return names;
}

}  // namespace custos::policy
