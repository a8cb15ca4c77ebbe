// What custos knows of a resource type, as data (Cloud Custodian's resource_type): how to
// list it, how to describe given ids, where its id lives, and which events name it.
#pragma once

#include <string>
#include <vector>

namespace custos::policy {

struct ResourceType {
  std::string name;                  // "aws.ec2"
  std::vector<std::string> aliases;  // "ec2"
  std::string service;               // botocore service name: "ec2"
  std::string enumerate_operation;   // "DescribeInstances"
  std::string result_path;           // JMESPath from the response to the list of resources
  std::string id_field;              // "InstanceId"
  std::string ids_param;             // describe-by-ids parameter: "InstanceIds"
  // JMESPath into a GuardDuty finding event that yields this type's resource id, and the
  // finding's detail.resource.resourceType it applies to ("Instance"). Empty: not supported.
  std::string guard_duty_id_path;
  std::string guard_duty_resource_type;
};

}  // namespace custos::policy
