// RelatedValueFilter against Cloud Custodian's access-key filter semantics: data fetched once
// per resource, list items matched one by one, matched items recorded for actions, and
// match-operator: and narrowing to what an earlier filter matched.
#include "policy/related_filter.h"

#include <gtest/gtest.h>

#include "aws/client.h"
#include "policy/core_filters.h"
#include "policy/policy.h"

namespace custos::policy {
namespace {

// The keys a user has, keyed by user name: what the fetch callback stands for.
const Json kKeys = {
    {"alice",
     {{{"AccessKeyId", "AKIA1"}, {"Status", "Active"}, {"CreateDate", "2020-01-01T00:00:00Z"}},
      {{"AccessKeyId", "AKIA2"}, {"Status", "Inactive"}, {"CreateDate", "2026-12-01T00:00:00Z"}}}},
    {"bob", Json::array()}};

int fetches = 0;

const Registry& registry() {
  static const Registry r = [] {
    Registry r;
    register_core_filters(r);
    ResourceType user;
    user.name = "test.user";
    user.id_field = "UserName";
    r.add_resource(user);
    r.add_filter("test.user", "access-key",
                 related_filter_info({.annotation_key = "c7n:AccessKeys",
                                      .matched_key = "c7n:matched-keys",
                                      .match_type = "access",
                                      .fetch =
                                          [](const Json& user, const aws::Client&) {
                                            ++fetches;
                                            return kKeys.at(user.at("UserName").get<std::string>());
                                          },
                                      .permissions = {"iam:ListAccessKeys"},
                                      .match_operator = true},
                                     "keys"));
    return r;
  }();
  return r;
}

aws::Client offline_client() {
  aws::SessionOptions options;
  options.region = "us-east-1";
  options.endpoint_url = "http://127.0.0.1:9";
  return aws::Client(std::make_shared<const aws::Session>(options));
}

std::vector<Json> run(const std::string& filters, const std::vector<Json>& users) {
  auto source = SourceDocument::parse(
      "policies:\n  - name: p\n    resource: test.user\n    filters:\n" + filters, "p.yml");
  auto policies = compile_policies(source, registry());
  aws::Client client = offline_client();
  return policies.at(0).filter_resources(users, FilterContext{.client = &client, .annotate = true});
}

const std::vector<Json> kUsers = {{{"UserName", "alice"}}, {{"UserName", "bob"}}};

TEST(RelatedValueFilter, MatchesWhenAnItemMatchesAndRecordsTheItems) {
  fetches = 0;
  auto kept = run("      - {type: access-key, key: Status, value: Active}\n", kUsers);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0]["UserName"], "alice");
  EXPECT_EQ(kept[0]["c7n:AccessKeys"].size(), 2u);
  ASSERT_EQ(kept[0]["c7n:matched-keys"].size(), 1u);
  EXPECT_EQ(kept[0]["c7n:matched-keys"][0]["AccessKeyId"], "AKIA1");
  EXPECT_EQ(kept[0]["c7n:matched-keys"][0]["c7n:match-type"], "access");
  EXPECT_EQ(fetches, 2);
}

TEST(RelatedValueFilter, FetchesOnceForSeveralFiltersAndAndNarrows) {
  fetches = 0;
  // Active keys, then among those, ones older than 90 days: AKIA1 only.
  auto kept =
      run("      - {type: access-key, key: Status, value: Active}\n"
          "      - {type: access-key, match-operator: and, key: CreateDate, value_type: age, "
          "value: 90, op: gt}\n",
          kUsers);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0]["c7n:matched-keys"].size(), 1u);
  EXPECT_EQ(fetches, 2);  // alice and bob, once each
  // With "or", the second filter alone would match AKIA1 too; "and" on an Inactive-only
  // first match finds nothing.
  auto none =
      run("      - {type: access-key, key: Status, value: Inactive}\n"
          "      - {type: access-key, match-operator: and, key: Status, value: Active}\n",
          kUsers);
  EXPECT_TRUE(none.empty());
}

// Cloud Custodian's merge_annotation: filters side by side (an implicit and) keep the keys both
// matched; inside an or block, the keys either matched (its test_credential_access_key_reverse_
// filter_delete, with the credential filter's twin).
TEST(RelatedValueFilter, MatchedKeysIntersectAtTheTopAndUniteInsideOr) {
  const std::string active = "{type: access-key, key: Status, value: Active}";
  const std::string recent = "{type: access-key, key: AccessKeyId, value: AKIA2}";
  auto both = run("      - " + active + "\n      - " + recent + "\n", kUsers);
  ASSERT_EQ(both.size(), 1u);  // alice has a key of each kind, but none that is both
  EXPECT_TRUE(both[0]["c7n:matched-keys"].empty());

  auto either = run("      - or:\n        - " + active + "\n        - " + recent + "\n", kUsers);
  ASSERT_EQ(either.size(), 1u);
  ASSERT_EQ(either[0]["c7n:matched-keys"].size(), 2u);  // annotations survive the or block
  EXPECT_EQ(either[0]["c7n:matched-keys"][0]["AccessKeyId"], "AKIA2");
  EXPECT_EQ(either[0]["c7n:matched-keys"][1]["AccessKeyId"], "AKIA1");
  EXPECT_EQ(either[0]["c7n:AccessKeys"].size(), 2u);

  // not sweeps what its filters wrote.
  auto neither =
      run("      - not:\n        - {type: access-key, key: Status, value: Gone}\n", kUsers);
  ASSERT_EQ(neither.size(), 2u);
  EXPECT_FALSE(neither[0].contains("c7n:matched-keys"));
}

TEST(RelatedValueFilter, UsesDataAlreadyOnTheResourceAndRefusesToGuessWithoutAws) {
  Json annotated = {{"UserName", "carol"},
                    {"c7n:AccessKeys", {{{"AccessKeyId", "AKIA9"}, {"Status", "Active"}}}}};
  fetches = 0;
  EXPECT_EQ(run("      - {type: access-key, key: Status, value: Active}\n", {annotated}).size(),
            1u);
  EXPECT_EQ(fetches, 0);

  auto source = SourceDocument::parse(
      "policies:\n  - name: p\n    resource: test.user\n    filters:\n"
      "      - {type: access-key, key: Status, value: Active}\n",
      "p.yml");
  auto policies = compile_policies(source, registry());
  EXPECT_THROW(policies.at(0).filter_resources({{{"UserName", "alice"}}}, FilterContext{}), Error);
}

TEST(RelatedValueFilter, RejectsABadMatchOperator) {
  try {
    run("      - {type: access-key, match-operator: xor, key: Status, value: Active}\n", kUsers);
    FAIL() << "no error";
  } catch (const PolicyError& e) {
    EXPECT_NE(std::string(e.what()).find("'match-operator' must be 'and' or 'or'"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace custos::policy
