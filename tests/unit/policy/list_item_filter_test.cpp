// The list-item filter against Cloud Custodian's ListItemFilter (c7n/filters/core.py): filters
// on the items of a list in the resource, counts, and the c7n:ListItemMatches annotation.
#include <gtest/gtest.h>

#include <string>

#include "unit/policy/filter_test_policies.h"

namespace custos::policy {
namespace {

std::string compile_error_sg(const std::string& filter) {
  return compile_error(filter, false, "test.security-group");
}

std::vector<Json> run(const std::string& filter, const std::vector<Json>& resources,
                      bool annotate = false) {
  return compile_one(filter, false, "test.security-group")
      .filter_resources(resources, FilterContext{.annotate = annotate});
}

bool match(const std::string& filter, const Json& resource) {
  return run(filter, {resource}).size() == 1;
}

Json rule(int from, int to, const std::string& cidr) {
  return {{"FromPort", from},
          {"ToPort", to},
          {"IpProtocol", "tcp"},
          {"IpRanges", {{{"CidrIp", cidr}}}}};
}

const Json kOpen = {
    {"GroupId", "sg-open"},
    {"IpPermissions",
     {rule(443, 443, "0.0.0.0/0"), rule(22, 22, "0.0.0.0/0"), rule(22, 22, "10.0.0.0/8")}}};
const Json kClosed = {{"GroupId", "sg-closed"}, {"IpPermissions", {rule(22, 22, "10.0.0.0/8")}}};
const Json kEmpty = {{"GroupId", "sg-empty"}, {"IpPermissions", Json::array()}};

// Cloud Custodian's documented example: port 22 open to the world, all in one rule.
const std::string kSshOpen =
    "{type: list-item, key: IpPermissions, attrs: [{FromPort: 22}, {ToPort: 22}, "
    "{type: value, key: 'IpRanges[].CidrIp', op: contains, value: 0.0.0.0/0}]}";

TEST(ListItemFilter, AllAttrsMustMatchTheSameItem) {
  EXPECT_TRUE(match(kSshOpen, kOpen));
  EXPECT_FALSE(match(kSshOpen, kClosed));
  // Port 22 from one rule and 0.0.0.0/0 from another is no match.
  Json split = {{"GroupId", "sg-split"},
                {"IpPermissions", {rule(443, 443, "0.0.0.0/0"), rule(22, 22, "10.0.0.0/8")}}};
  EXPECT_FALSE(match(kSshOpen, split));
}

TEST(ListItemFilter, AnnotatesTheMatchingItemsWhenAsked) {
  auto kept = run("{type: list-item, key: IpPermissions, attrs: [{FromPort: 22}]}", {kOpen}, true);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0]["c7n:ListItemMatches"], Json({"IpPermissions[1]", "IpPermissions[2]"}));
  // The item filters test items, not the resource: they leave no c7n:MatchedFilters on it,
  // and the items themselves are untouched.
  EXPECT_FALSE(kept[0].contains("c7n:MatchedFilters"));
  EXPECT_EQ(kept[0]["IpPermissions"], kOpen["IpPermissions"]);
  auto plain = run("{type: list-item, key: IpPermissions, attrs: [{FromPort: 22}]}", {kOpen});
  EXPECT_FALSE(plain.at(0).contains("c7n:ListItemMatches"));
}

TEST(ListItemFilter, WithoutAttrsAnyItemMatches) {
  EXPECT_TRUE(match("{type: list-item, key: IpPermissions}", kClosed));
  EXPECT_FALSE(match("{type: list-item, key: IpPermissions}", kEmpty));
  EXPECT_FALSE(match("{type: list-item, key: Missing}", kClosed));
}

TEST(ListItemFilter, CountsMatchingItems) {
  const std::string port22 = "attrs: [{FromPort: 22}]";
  EXPECT_TRUE(match("{type: list-item, key: IpPermissions, count: 2, " + port22 + "}", kOpen));
  EXPECT_FALSE(match("{type: list-item, key: IpPermissions, count: 1, " + port22 + "}", kOpen));
  EXPECT_TRUE(match("{type: list-item, key: IpPermissions, count: 1, count_op: gt, " + port22 + "}",
                    kOpen));
  EXPECT_FALSE(match(
      "{type: list-item, key: IpPermissions, count: 2, count_op: lt, " + port22 + "}", kOpen));
  // An empty or missing list counts as 0 items.
  EXPECT_TRUE(match("{type: list-item, key: IpPermissions, count: 0}", kEmpty));
  EXPECT_TRUE(match("{type: list-item, key: Missing, count: 0}", kEmpty));
  // A count that matches none of the items is also 0.
  EXPECT_TRUE(
      match("{type: list-item, key: IpPermissions, count: 0, attrs: [{FromPort: 80}]}", kOpen));
  auto counted =
      run("{type: list-item, key: IpPermissions, count: 2, " + port22 + "}", {kOpen}, true);
  EXPECT_FALSE(counted.at(0).contains("c7n:ListItemMatches"));  // no annotation with count
}

TEST(ListItemFilter, AttrsTakeBooleanBlocksAndSetFilters) {
  EXPECT_TRUE(
      match("{type: list-item, key: IpPermissions, attrs: [{not: [{FromPort: 22}]}]}", kOpen));
  EXPECT_FALSE(
      match("{type: list-item, key: IpPermissions, attrs: [{not: [{FromPort: 22}]}]}", kClosed));
  // A reduce in attrs judges the items as a set: keep the item with the highest port.
  auto kept =
      run("{type: list-item, key: IpPermissions, attrs: [{type: reduce, sort-by: {key: FromPort, "
          "value_type: number}, order: desc, limit: 1}]}",
          {kOpen}, true);
  EXPECT_EQ(kept.at(0)["c7n:ListItemMatches"], Json({"IpPermissions[0]"}));
}

TEST(ListItemFilter, KeyMayBeAnExpression) {
  Json instance = {{"GroupId", "i-1"},
                   {"Reservation", {{"Volumes", {{{"Size", 8}}, {{"Size", 500}}}}}}};
  EXPECT_TRUE(
      match("{type: list-item, key: Reservation.Volumes, attrs: [{type: value, key: Size, "
            "op: gt, value: 100}]}",
            instance));
}

TEST(ListItemFilter, FailsOnAValueThatIsNotAList) {
  Json odd = {{"GroupId", "sg-odd"}, {"IpPermissions", "everything"}};
  EXPECT_THROW(run("{type: list-item, key: IpPermissions}", {odd}), Error);
  Json strings = {{"GroupId", "sg-odd"}, {"IpPermissions", {"a", "b"}}};
  EXPECT_THROW(run("{type: list-item, key: IpPermissions}", {strings}), Error);
}

TEST(ListItemFilter, RejectsBadOptions) {
  EXPECT_EQ(compile_error_sg("{type: list-item, attrs: []}"),
            "f.yml:5:9: policy 't': list-item needs a 'key': the list in the resource to test");
  EXPECT_NE(compile_error_sg("{type: list-item, key: 5}").find("'key' must be a string"),
            std::string::npos);
  EXPECT_NE(compile_error_sg("{type: list-item, key: a, attrs: {FromPort: 22}}")
                .find("'attrs' must be a list of filters, not a mapping"),
            std::string::npos);
  EXPECT_NE(compile_error_sg("{type: list-item, key: a, attrs: [{type: nope}]}")
                .find("unknown filter 'nope'"),
            std::string::npos);
  EXPECT_NE(compile_error_sg("{type: list-item, key: a, count_op: gt}")
                .find("'count_op' needs a 'count' to compare with"),
            std::string::npos);
  EXPECT_NE(compile_error_sg("{type: list-item, key: a, count: two}")
                .find("'count' must be a number, not a string"),
            std::string::npos);
  EXPECT_NE(compile_error_sg("{type: list-item, key: a, count: 1, count_op: bigger}")
                .find("unknown operator 'bigger'"),
            std::string::npos);
  EXPECT_NE(compile_error_sg("{type: list-item, key: 'a[(', attrs: []}").find("invalid key 'a[('"),
            std::string::npos);
}

}  // namespace
}  // namespace custos::policy
