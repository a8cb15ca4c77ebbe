#include "aws/paginator.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace custos::aws {
namespace {

const PaginatorConfig& paginator(std::string_view service, std::string_view operation) {
  const PaginatorConfig* config = find_paginator(*ServiceModel::load(service), operation);
  if (config == nullptr) throw std::runtime_error("no paginator for " + std::string(operation));
  return *config;
}

TEST(PaginatorConfigTest, ReadsBotocoreEntries) {
  const auto& instances = paginator("ec2", "DescribeInstances");
  EXPECT_EQ(instances.input_tokens, std::vector<std::string>{"NextToken"});
  EXPECT_EQ(instances.limit_key, "MaxResults");
  ASSERT_EQ(instances.result_keys.size(), 1u);
  EXPECT_EQ(instances.result_keys[0].text(), "Reservations");

  const auto& roles = paginator("iam", "ListRoles");
  EXPECT_EQ(roles.input_tokens, std::vector<std::string>{"Marker"});
  ASSERT_TRUE(roles.more_results);
  EXPECT_EQ(roles.more_results->text(), "IsTruncated");

  const auto& objects = paginator("s3", "ListObjects");
  EXPECT_EQ(objects.output_tokens[0].text(), "NextMarker || Contents[-1].Key");
  EXPECT_EQ(objects.result_keys.size(), 2u);  // Contents and CommonPrefixes

  EXPECT_FALSE(find_paginator(*ServiceModel::load("sts"), "GetCallerIdentity"));
  // A model read from text has no data folder, hence no paginators.
  const auto inline_model = ServiceModel::parse(
      "ec2", R"({"metadata": {"apiVersion": "2016-11-15"}, "operations": {}, "shapes": {}})");
  EXPECT_FALSE(find_paginator(*inline_model, "DescribeInstances"));
}

TEST(PaginatorConfigTest, ParsesListsAndRejectsMismatchedTokens) {
  const auto config = PaginatorConfig::parse(Json::parse(R"({
    "input_token": ["Marker", "KeyMarker"], "output_token": ["NextMarker", "Last.Key"],
    "result_key": "Items", "non_aggregate_keys": ["Meta.Name"]})"));
  EXPECT_EQ(config.input_tokens.size(), 2u);
  EXPECT_EQ(config.output_tokens[1].text(), "Last.Key");
  EXPECT_TRUE(config.limit_key.empty());
  EXPECT_THROW(PaginatorConfig::parse(Json::parse(R"({"input_token": ["A", "B"],
    "output_token": "C", "result_key": "D"})")),
               Error);
}

TEST(PageExpressionTest, SearchesPathsIndexesAndAlternatives) {
  const Json page = Json::parse(R"({"Contents": [{"Key": "a"}, {"Key": "b"}],
    "Desc": {"Shards": [{"Id": 1}, {"Id": 2}]}, "NextMarker": ""})");
  EXPECT_EQ(*PageExpression("NextMarker || Contents[-1].Key").search(page), "b");
  EXPECT_EQ(*PageExpression("Desc.Shards[0].Id").search(page), 1);
  EXPECT_EQ(PageExpression("Desc.Missing").search(page), nullptr);
  EXPECT_EQ(PageExpression("Contents[5]").search(page), nullptr);
  EXPECT_THROW(PageExpression("Contents[*].Key"), Error);
  EXPECT_THROW(PageExpression("a..b"), Error);
}

TEST(PaginatorNextTokens, FollowsTokensAndMoreResults) {
  const auto& roles = paginator("iam", "ListRoles");
  EXPECT_EQ(roles.next_tokens(Json::parse(R"({"IsTruncated": true, "Marker": "m2"})")),
            std::optional<Json>(Json::parse(R"({"Marker": "m2"})")));
  EXPECT_FALSE(roles.next_tokens(Json::parse(R"({"IsTruncated": false, "Marker": "m2"})")));
  const auto& objects = paginator("s3", "ListObjects");
  EXPECT_EQ(
      objects.next_tokens(Json::parse(R"({"IsTruncated": true, "Contents": [{"Key": "k"}]})")),
      std::optional<Json>(Json::parse(R"({"Marker": "k"})")));
  const auto& instances = paginator("ec2", "DescribeInstances");
  EXPECT_FALSE(instances.next_tokens(Json::parse(R"({"NextToken": ""})")));
}

TEST(FullResultTest, MergesAsBuildFullResult) {
  const auto config = PaginatorConfig::parse(Json::parse(R"({
    "input_token": "NextToken", "output_token": "NextToken",
    "result_key": ["Desc.Items", "Count", "Text"], "non_aggregate_keys": ["Desc.Name"]})"));
  FullResult full(config);
  full.add(Json::parse(
      R"({"Desc": {"Items": [1, 2], "Name": "first"}, "Count": 2, "Text": "a", "NextToken": "t"})"));
  full.add(Json::parse(R"({"Desc": {"Items": [3], "Name": "second"}, "Count": 1, "Text": "b"})"));
  EXPECT_EQ(full.result(), Json::parse(R"({"Desc": {"Items": [1, 2, 3], "Name": "first"},
    "Count": 3, "Text": "ab"})"));
}

}  // namespace
}  // namespace custos::aws
