// The reduce filter against Cloud Custodian's ReduceFilter (c7n/filters/core.py): grouping,
// sorting (with value types and null placement), limits and discards.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "unit/policy/filter_test_policies.h"

namespace custos::policy {
namespace {

// The ids of the resources the filter keeps, in order.
std::vector<std::string> kept(const std::string& filter, const std::vector<Json>& resources) {
  std::vector<std::string> ids;
  for (const Json& r : compile_one(filter).filter_resources(resources, FilterContext{}))
    ids.push_back(r["Id"].get<std::string>());
  return ids;
}

using Ids = std::vector<std::string>;

Json thing(const std::string& id, const std::string& group, Json launch) {
  Json r = {{"Id", id}, {"Tags", {{{"Key", "asg"}, {"Value", group}}}}};
  if (!launch.is_null()) r["LaunchTime"] = launch;
  return r;
}

const std::vector<Json> kFleet = {
    thing("a1", "a", "2026-03-01T00:00:00Z"), thing("b1", "b", "2026-01-05T00:00:00Z"),
    thing("a2", "a", "2026-01-01T00:00:00Z"), thing("b2", "b", "2026-02-01T00:00:00Z"),
    thing("a3", "a", "2026-02-01T00:00:00Z")};

TEST(ReduceFilter, KeepsTheOldestOfEachGroup) {
  // Cloud Custodian's documented example: the longest-running instance of each ASG.
  EXPECT_EQ(kept("{type: reduce, group-by: 'tag:asg', sort-by: LaunchTime, order: asc, limit: 1}",
                 kFleet),
            (Ids{"a2", "b1"}));
}

TEST(ReduceFilter, OrdersGroupsByTheirKey) {
  std::vector<Json> fleet = {kFleet[1], kFleet[0]};  // group b first in the input
  EXPECT_EQ(kept("{type: reduce, group-by: 'tag:asg'}", fleet), (Ids{"a1", "b1"}));
  // desc orders the groups as well as the resources in them.
  EXPECT_EQ(kept("{type: reduce, group-by: 'tag:asg', sort-by: LaunchTime, order: desc}", kFleet),
            (Ids{"b2", "b1", "a1", "a3", "a2"}));
}

TEST(ReduceFilter, WithoutSortOrOrderKeepsTheInputOrder) {
  EXPECT_EQ(kept("{type: reduce, limit: 3}", kFleet), (Ids{"a1", "b1", "a2"}));
}

TEST(ReduceFilter, ReverseAndRandomize) {
  EXPECT_EQ(kept("{type: reduce, order: reverse}", kFleet), (Ids{"a3", "b2", "a2", "b1", "a1"}));
  Ids shuffled = kept("{type: reduce, order: randomize}", kFleet);
  std::sort(shuffled.begin(), shuffled.end());
  EXPECT_EQ(shuffled, (Ids{"a1", "a2", "a3", "b1", "b2"}));
  EXPECT_EQ(kept("{type: reduce, order: randomize, limit: 2}", kFleet).size(), 2u);
}

TEST(ReduceFilter, NumbersSortAsNumbersOnlyWithValueTypeNumber) {
  std::vector<Json> sized = {{{"Id", "ten"}, {"Size", "10"}},
                             {{"Id", "nine"}, {"Size", "9"}},
                             {{"Id", "hundred"}, {"Size", 100}}};
  EXPECT_EQ(kept("{type: reduce, sort-by: {key: Size, value_type: number}}", sized),
            (Ids{"nine", "ten", "hundred"}));
  // As strings (the default): "10" < "100" < "9".
  EXPECT_EQ(kept("{type: reduce, sort-by: Size}", sized), (Ids{"ten", "hundred", "nine"}));
}

TEST(ReduceFilter, DatesCompareAsInstantsWhateverTheirForm) {
  std::vector<Json> dated = {{{"Id", "iso"}, {"When", "2026-01-02T00:00:00+00:00"}},
                             {{"Id", "epoch"}, {"When", 1767225600}},        // 2026-01-01
                             {{"Id", "millis"}, {"When", "1767398400000"}},  // 2026-01-03
                             {{"Id", "offset"}, {"When", "2026-01-02T01:00:00+02:00"}}};
  EXPECT_EQ(kept("{type: reduce, sort-by: {key: When, value_type: date}}", dated),
            (Ids{"epoch", "offset", "iso", "millis"}));
}

TEST(ReduceFilter, ValueRegexGroupsByTheCapturedText) {
  std::vector<Json> named = {{{"Id", "1"}, {"Name", "web-01"}},
                             {{"Id", "2"}, {"Name", "db-01"}},
                             {{"Id", "3"}, {"Name", "web-02"}},
                             {{"Id", "4"}, {"Name", "cache"}}};  // no match: a null group
  EXPECT_EQ(kept("{type: reduce, group-by: {key: Name, value_regex: '^(\\w+)-'}, limit: 1}", named),
            (Ids{"2", "1", "4"}));
}

TEST(ReduceFilter, MissingValuesGoLastUnlessNullOrderFirst) {
  std::vector<Json> fleet = {thing("none", "a", nullptr), kFleet[0], kFleet[2]};
  EXPECT_EQ(kept("{type: reduce, sort-by: LaunchTime}", fleet), (Ids{"a2", "a1", "none"}));
  EXPECT_EQ(kept("{type: reduce, sort-by: LaunchTime, null-order: first}", fleet),
            (Ids{"none", "a2", "a1"}));
  // null-order is where nulls end up in the result, whichever the direction.
  EXPECT_EQ(kept("{type: reduce, sort-by: LaunchTime, order: desc}", fleet),
            (Ids{"a1", "a2", "none"}));
  // Dates are not numbers: every value is null, so the order stays.
  EXPECT_EQ(kept("{type: reduce, sort-by: {key: LaunchTime, value_type: number}}", fleet),
            (Ids{"none", "a1", "a2"}));
}

TEST(ReduceFilter, LimitPercentThenLimit) {
  std::vector<Json> ten;
  for (int i = 0; i < 10; ++i) ten.push_back({{"Id", std::to_string(i)}});
  EXPECT_EQ(kept("{type: reduce, limit-percent: 50}", ten).size(), 5u);
  EXPECT_EQ(kept("{type: reduce, limit-percent: 50, limit: 3}", ten), (Ids{"0", "1", "2"}));
  EXPECT_EQ(kept("{type: reduce, limit-percent: 15}", ten).size(), 1u);  // int(1.5)
  EXPECT_EQ(kept("{type: reduce, limit: 0}", ten).size(), 10u);          // 0: no limit
}

TEST(ReduceFilter, DiscardsFirstThenLimitsTheRest) {
  EXPECT_EQ(kept("{type: reduce, discard: 1, limit: 2}", kFleet), (Ids{"b1", "a2"}));
  EXPECT_EQ(kept("{type: reduce, discard-percent: 40}", kFleet), (Ids{"a2", "b2", "a3"}));
  // Per group, and (as in Cloud Custodian) the count discarded carries over to later groups:
  // group a (3) drops int(0.34 * 3) = 1; group b (2) would drop 0 but drops 1 too.
  EXPECT_EQ(kept("{type: reduce, group-by: 'tag:asg', discard-percent: 34}", kFleet),
            (Ids{"a2", "a3", "b2"}));
  EXPECT_TRUE(kept("{type: reduce, discard: 9}", kFleet).empty());
}

TEST(ReduceFilter, WorksAfterOtherFiltersOnWhatTheyKept) {
  auto source = SourceDocument::parse(
      "policies:\n  - name: t\n    resource: test.thing\n    filters:\n"
      "      - 'tag:asg': b\n      - {type: reduce, sort-by: LaunchTime, order: desc, limit: 1}\n",
      "f.yml");
  auto policies = compile_policies(source, test_registry());
  auto result = policies.at(0).filter_resources(kFleet, FilterContext{});
  ASSERT_EQ(result.size(), 1u);
  EXPECT_EQ(result[0]["Id"], "b2");
}

TEST(ReduceFilter, RejectsBadOptions) {
  EXPECT_EQ(compile_error("{type: reduce, order: sideways}"),
            "f.yml:5:31: policy 't': unknown order 'sideways' (known: asc, desc, reverse, "
            "randomize)");
  EXPECT_NE(compile_error("{type: reduce, null-order: middle}").find("unknown null-order"),
            std::string::npos);
  EXPECT_NE(compile_error("{type: reduce, limit-percent: 150}")
                .find("'limit-percent' must be between 0 and 100, not 150"),
            std::string::npos);
  EXPECT_NE(compile_error("{type: reduce, limit: 1.5}").find("'limit' must be a whole number"),
            std::string::npos);
  EXPECT_NE(compile_error("{type: reduce, discard: -1}").find("'discard' must be at least 0"),
            std::string::npos);
  EXPECT_NE(compile_error("{type: reduce, sort-by: {key: A, value_type: bool}}")
                .find("unknown value_type 'bool' (known: string, number, date)"),
            std::string::npos);
  EXPECT_NE(compile_error("{type: reduce, group-by: [a]}").find("'group-by' must be a key"),
            std::string::npos);
  EXPECT_NE(compile_error("{type: reduce, sort-by: 'a[('}").find("invalid key 'a[('"),
            std::string::npos);
  EXPECT_NE(compile_error("{type: reduce, sort-by: {key: A, value_regex: '^\\w+'}}")
                .find("value_regex must have a single capturing group"),
            std::string::npos);
  EXPECT_NE(compile_error("{type: reduce, sort-by: {key: A, value_regex: '(a'}}")
                .find("invalid value_regex"),
            std::string::npos);
  EXPECT_NE(compile_error("{type: reduce, limits: 1}").find("unknown key 'limits'"),
            std::string::npos);
}

}  // namespace
}  // namespace custos::policy
