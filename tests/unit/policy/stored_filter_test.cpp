// Filtering stored documents (Policy::filter_stored, behind `custos run`, `custos eval` and
// Policy::filter_resources) must give exactly what Cloud Custodian's way gives, the whole set
// through each filter's process() in turn as Json: the same resources, in the same order, with
// the same annotations. Every filter below runs both ways on one varied set.
#include <gtest/gtest.h>

#include "core/doc_store.h"
#include "filter_test_policies.h"

namespace custos::policy {
namespace {

Json documents() {
  return Json::parse(R"([
    {"Id": "i-1", "State": {"Name": "running", "Code": 16}, "Size": 8, "Ratio": 0.5,
     "Tags": [{"Key": "Name", "Value": "web-1"}, {"Key": "custodian", "Value": ""}],
     "Groups": [{"GroupId": "sg-1"}, {"GroupId": "sg-2"}], "Launched": "2020-01-01T00:00:00Z",
     "Cidr": "10.0.0.0/16", "Version": "1.2.10", "Empty": [], "Flag": true},
    {"Id": "i-2", "State": {"Name": "stopped", "Code": 80}, "Size": 100000000000,
     "Tags": [{"Key": "Name", "Value": "API-22"}, {"Key": "Owner"}],
     "Groups": [{"GroupId": "sg-2"}], "Launched": 1577836800, "Cidr": "2001:db8::/32",
     "Version": "1.10.0", "Empty": {}, "Flag": false, "Null": null},
    {"Id": "i-3", "State": {"Name": "running", "Code": 16}, "Size": -3, "Ratio": 2,
     "Tags": {"Name": "not-a-list"}, "Groups": [], "Launched": "2099-01-01",
     "Cidr": "192.168.1.7", "Empty": "", "Flag": "true", "State.Name": "dotted"},
    {"Id": "i-4", "State": "running", "Size": "8", "Tags": [],
     "Groups": [{"GroupId": "sg-1"}], "Version": 3},
    {"Id": "i-5", "State": {"Name": "running", "Code": 16}, "Size": 8, "Ratio": 0.5,
     "Tags": [{"Key": "Name", "Value": "web-1"}, {"Key": "custodian", "Value": ""}],
     "Groups": [{"GroupId": "sg-1"}, {"GroupId": "sg-2"}], "Launched": "2020-01-01T00:00:00Z",
     "Cidr": "10.0.0.0/16", "Version": "1.2.10", "Empty": [], "Flag": true},
    {"Id": "i-6"}
  ])");
}

const char* const kFilters[] = {
    R"("tag:custodian": present)",
    R"("tag:custodian": absent)",
    R"("tag:Owner": absent)",
    R"("tag:Name": {type: value, op: regex, value: "^(web|api)-[0-9]+$"})",
    R"({type: value, key: "tag:Name", op: regex-case, value: "^API"})",
    R"({type: value, key: "tag:Name", op: glob, value: "web-*"})",
    R"({type: value, key: "tag:Name", value_regex: "^[a-z]+-([0-9]+)$", value: "1"})",
    R"(State.Name: running)",
    R"({type: value, key: State.Name, op: ne, value: running})",
    R"({type: value, key: State.Name, op: in, value: [running, stopped]})",
    R"({type: value, key: State.Name, op: not-in, value: [stopped]})",
    R"({type: value, key: State.Code, op: gt, value: 20})",
    R"({type: value, key: Size, op: gte, value: 8})",
    R"({type: value, key: Size, op: lt, value: 8, value_type: integer})",
    R"({type: value, key: Size, value: "8", value_type: integer})",
    R"({type: value, key: Size, op: mod, value: [3, 2]})",
    R"({type: value, key: Ratio, op: le, value: 1, value_type: float})",
    R"({type: value, key: Size, op: gt, value: 50G, value_type: size})",
    R"({type: value, key: "Groups[0].GroupId", value: sg-1})",
    R"({type: value, key: "Groups[-1].GroupId", value: sg-2})",
    R"({type: value, key: "Groups[].GroupId", op: contains, value: sg-2})",
    R"({type: value, key: "Groups[].GroupId", op: intersect, value: [sg-1, sg-9]})",
    R"({type: value, key: "Groups[?GroupId=='sg-1']", value: empty})",
    R"({type: value, key: Launched, op: gt, value: 30, value_type: age})",
    R"({type: value, key: Launched, op: lt, value: 30, value_type: expiration})",
    R"({type: value, key: Launched, op: gt, value: "2021-01-01", value_type: date})",
    R"({type: value, key: Cidr, op: in, value: "10.0.0.0/8", value_type: cidr})",
    R"({type: value, key: Cidr, op: eq, value: 32, value_type: cidr_size})",
    R"({type: value, key: Version, op: gt, value: "1.2.9", value_type: version})",
    R"({type: value, key: Empty, value: empty})",
    R"({type: value, key: Empty, value: not-null})",
    R"({type: value, key: "Null", value: absent})",
    R"({type: value, key: "Null", value: present})",
    R"({type: value, key: Flag, value: true})",
    R"({type: value, key: "State.Name", value: dotted})",
    R"({type: value, key: Id, op: eq, value: State.Name, value_type: expr})",
    R"({type: value, key: Id, op: glob, value: "I-*", value_type: normalize})",
    R"({type: value, key: Size, op: gt, value: 1, value_type: swap})",
    R"({or: [{"tag:Name": present}, {State.Name: stopped}, {Size: 8}]})",
    R"({and: [{"tag:Name": present}, {State.Name: running}]})",
    R"({not: [{"tag:Name": present}, {State.Name: running}]})",
    R"({or: [{not: [{Size: 8}]}, {"tag:custodian": present}]})",
    R"({type: list-item, key: Groups, attrs: [{GroupId: sg-1}]})",
    R"({type: reduce, sort-by: Size, order: desc, limit: 3})",
    R"({or: [{type: reduce, sort-by: Id, limit: 2}, {State.Name: stopped}]})",
    R"({type: value, value_type: resource_count, op: gt, value: 2})",
};

std::vector<Json> via_json(const Policy& policy, const FilterContext& context) {
  std::vector<Json> set = documents();
  for (const FilterPtr& filter : policy.filters) set = filter->process(std::move(set), context);
  return set;
}

std::vector<Json> via_store(const Policy& policy, const FilterContext& context) {
  DocStore store;
  std::vector<DocStore::Value> stored;
  for (const Json& document : documents()) stored.push_back(store.add(document));
  std::vector<Json> kept;
  for (DocStore::Value document : policy.filter_stored(store, std::move(stored), context))
    kept.push_back(store.to_json(document));
  return kept;
}

TEST(StoredFilter, EveryFilterGivesWhatJsonFilteringGives) {
  for (const char* filter : kFilters) {
    SCOPED_TRACE(filter);
    Policy policy = compile_one(filter);
    for (bool annotate : {false, true}) {
      FilterContext context{.annotate = annotate};
      auto expected = via_json(policy, context);
      EXPECT_EQ(Json(via_store(policy, context)), Json(expected)) << "annotate " << annotate;
      EXPECT_EQ(Json(policy.filter_resources(documents(), context)), Json(expected));
    }
  }
}

TEST(StoredFilter, ManyFiltersWithASetJudgeInTheMiddle) {
  auto source = SourceDocument::parse(R"(policies:
  - name: t
    resource: test.thing
    filters:
      - "tag:Name": present
      - {type: reduce, sort-by: Id, order: desc}
      - {type: value, key: Size, op: ge, value: 8}
      - {type: list-item, key: Groups, attrs: [{GroupId: sg-2}]}
)",
                                      "f.yml");
  Policy policy = std::move(compile_policies(source, test_registry()).at(0));
  FilterContext context{.annotate = true};
  auto expected = via_json(policy, context);
  ASSERT_EQ(expected.size(), 3u);  // i-5, i-2 and i-1: reduce sorted them by id, descending
  EXPECT_EQ(Json(via_store(policy, context)), Json(expected));
}

TEST(StoredFilter, EventFiltersJudgeTheEventOnce) {
  Json event = {{"detail", {{"severity", 5}}}};
  for (const char* filter : {R"({type: event, key: detail.severity, op: gte, value: 4})",
                             R"({type: event, key: detail.severity, op: lt, value: 4})"}) {
    SCOPED_TRACE(filter);
    Policy policy = compile_one(filter, /*event_mode=*/true);
    FilterContext context{.event = &event};
    EXPECT_EQ(Json(via_store(policy, context)), Json(via_json(policy, context)));
  }
}

TEST(StoredFilter, IdenticalDocumentsAreKeptOnceEach) {
  // i-1 and i-5 differ only by id; two copies of one document are one stored Value.
  Policy policy = compile_one(R"("tag:custodian": present)");
  DocStore store;
  Json first = documents()[0];
  std::vector<DocStore::Value> stored = {store.add(first), store.add(first)};
  EXPECT_EQ(stored[0], stored[1]);
  EXPECT_EQ(policy.filter_stored(store, stored, {}).size(), 2u);
}

}  // namespace
}  // namespace custos::policy
