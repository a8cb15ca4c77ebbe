// The `query` policy key: what each of Cloud Custodian's forms adds to the listing call, checked
// against botocore's model of DescribeInstances, and the mistakes refused where written.
#include <gtest/gtest.h>

#include <string>

#include "policy/query.h"
#include "policy/source.h"

namespace custos::policy {
namespace {

ResourceType ec2() {
  ResourceType type;
  type.name = "aws.ec2";
  type.service = "ec2";
  type.enumerate_operation = "DescribeInstances";
  return type;
}

Json query(const std::string& yaml, const ResourceType& type = ec2()) {
  auto source = SourceDocument::parse(yaml, "q.yml");
  return compile_query(Spec(source, Json::json_pointer(""), "t"), type).params;
}

std::string refusal(const std::string& yaml, const ResourceType& type = ec2()) {
  try {
    query(yaml, type);
  } catch (const PolicyError& e) {
    return e.what();
  }
  return "";
}

TEST(Query, ImplicitFiltersJoinByName) {
  EXPECT_EQ(query("[{instance-state-name: running}, {instance-state-name: stopped}, "
                  "{'tag:env': prod}]"),
            Json::parse(R"({"Filters": [
                {"Name": "instance-state-name", "Values": ["running", "stopped"]},
                {"Name": "tag:env", "Values": ["prod"]}]})"));
}

TEST(Query, FiltersAndParameters) {
  EXPECT_EQ(query("[{Filters: [{Name: vpc-id, Values: [vpc-1]}, {Name: vpc-id, Values: [vpc-2]}]},"
                  " {InstanceIds: i-1}, {InstanceIds: [i-2]}, {MaxResults: 50}]"),
            Json::parse(R"({"Filters": [{"Name": "vpc-id", "Values": ["vpc-1", "vpc-2"]}],
                            "InstanceIds": ["i-1", "i-2"], "MaxResults": 50})"));
}

TEST(Query, RefusesWhatDoesNotFit) {
  EXPECT_EQ(refusal("{instance-state-name: running}"),
            "q.yml:1:1: policy 't': 'query' must be a list of {KEY: VALUE} mappings");
  EXPECT_EQ(refusal("[{a: 1, b: 2}]"),
            "q.yml:1:2: policy 't': each query entry is a mapping with one key ({KEY: VALUE})");
  EXPECT_NE(refusal("[{instance-state-name: asleep}]")
                .find("query filter 'instance-state-name' does not take \"asleep\""),
            std::string::npos);
  EXPECT_NE(
      refusal("[{MaxResults: [1, 2]}]").find("query value for 'MaxResults' must be a single value"),
      std::string::npos);
  EXPECT_NE(
      refusal("[{MaxResults: 1}, {MaxResults: 2}]").find("query key 'MaxResults' must be unique"),
      std::string::npos);
  EXPECT_NE(
      refusal("[{Filters: [{Name: vpc-id}]}]").find("each query filter needs 'Name' and 'Values'"),
      std::string::npos);
  EXPECT_NE(refusal("[{MaxResults: lots}]").find("MaxResults"), std::string::npos);
  ResourceType users;
  users.name = "aws.iam-user";
  users.service = "iam";
  users.enumerate_operation = "ListUsers";
  EXPECT_NE(refusal("[{Color: blue}]", users)
                .find("query key 'Color' is not a parameter of iam:ListUsers (parameters: "
                      "PathPrefix, Marker, MaxItems)"),
            std::string::npos);
  EXPECT_EQ(query("[{PathPrefix: /ops/}]", users), Json::parse(R"({"PathPrefix": "/ops/"})"));
}

}  // namespace
}  // namespace custos::policy
