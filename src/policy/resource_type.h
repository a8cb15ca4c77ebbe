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

  // How the tag actions (tag, remove-tag, rename-tag, mark-for-op) change this type's tags: the
  // EC2 family's own CreateTags/DeleteTags, naming resources by id, or the Resource Groups
  // Tagging API's TagResources/UntagResources, naming them by ARN.
  enum class TagApi { kEc2, kResourceGroups };
  TagApi tag_api = TagApi::kEc2;
  // Where a resource's ARN comes from: the field `arn_field` when set, else built as
  // arn:PARTITION:SERVICE:REGION:ACCOUNT:arn_type/ID (SERVICE: arn_service, else service).
  std::string arn_field{};
  std::string arn_service{};
  std::string arn_type{};  // "instance"
  // The columns `custos report` prints by default (Cloud Custodian's default_report_fields, as
  // JMESPath or tag:NAME); empty: the date and the id.
  std::vector<std::string> report_fields{};
};

}  // namespace custos::policy
