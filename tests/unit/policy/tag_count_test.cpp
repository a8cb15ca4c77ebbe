// tag-count: Cloud Custodian's TagCountFilter (c7n/tags.py).
#include <gtest/gtest.h>

#include <string>

#include "unit/policy/filter_test_policies.h"

namespace custos::policy {
namespace {

Json with_tags(int count, bool reserved = false) {
  Json tags = Json::array();
  for (int i = 0; i < count; ++i) tags.push_back({{"Key", "k" + std::to_string(i)}, {"Value", ""}});
  if (reserved) tags.push_back({{"Key", "aws:cloudformation:stack-name"}, {"Value", "s"}});
  return {{"Id", "r-1"}, {"Tags", tags}};
}

bool match(const std::string& filter, const Json& resource) {
  return compile_one(filter).matches(resource, FilterContext{});
}

TEST(TagCount, CountsTagsButAwsOnes) {
  EXPECT_TRUE(match("tag-count", with_tags(10)));  // count 10, op gte
  EXPECT_FALSE(match("tag-count", with_tags(9, true)));
  EXPECT_TRUE(match("{type: tag-count, count: 2, op: lt}", with_tags(1, true)));
  EXPECT_FALSE(match("{type: tag-count, count: 2, op: lt}", with_tags(2)));
  EXPECT_TRUE(match("{type: tag-count, count: 0, op: eq}", Json{{"Id", "r-1"}}));
}

TEST(TagCount, RefusesBadOptions) {
  EXPECT_NE(compile_error("{type: tag-count, op: regex}").find("'op' must be one of"),
            std::string::npos);
  EXPECT_NE(compile_error("{type: tag-count, count: 1.5}").find("'count' must be a whole number"),
            std::string::npos);
  EXPECT_NE(compile_error("{type: tag-count, value: 1}").find("unknown key 'value'"),
            std::string::npos);
}

}  // namespace
}  // namespace custos::policy
