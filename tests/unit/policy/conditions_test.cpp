// Policy conditions as Cloud Custodian evaluates them: filters over {name, region, resource,
// provider, account_id, now, policy} that decide whether the policy runs.
#include "policy/conditions.h"

#include <gtest/gtest.h>

#include "policy/core_filters.h"
#include "policy/policy.h"

namespace custos::policy {
namespace {

// A filter that judges resources, which conditions must refuse.
class AlwaysFilter : public Filter {
 public:
  bool match(const Json&, const FilterContext&) const override { return true; }
};

const Registry& registry() {
  static const Registry registry = [] {
    Registry r;
    register_core_filters(r);
    ResourceType instance;
    instance.name = "test.instance";
    instance.aliases = {"instance"};
    instance.guard_duty = {
        {.resource_type = "Instance", .ids = "detail.resource.instanceDetails.instanceId"}};
    r.add_resource(instance);
    r.add_filter("resource-only", [](const Spec&, const BuildContext&) -> FilterPtr {
      return std::make_unique<AlwaysFilter>();
    });
    return r;
  }();
  return registry;
}

Policy compile_one(const std::string& text) {
  auto policies = compile_policies(SourceDocument::parse(text, "p.yml"), registry());
  return std::move(policies.at(0));
}

std::string compile_error(const std::string& text) {
  try {
    compile_one(text);
  } catch (const PolicyError& e) {
    return e.what();
  }
  return "";
}

bool holds(const Policy& policy, const std::string& region, const std::string& account = "",
           const Json* event = nullptr) {
  Json document = condition_document(policy.data, region, account);
  return policy.conditions.hold(document, FilterContext{.event = event});
}

TEST(ConditionDocument, HasWhatCloudCustodianEvaluates) {
  Json data = {{"name", "p"}, {"resource", "aws.ec2"}};
  Json document = condition_document(data, "eu-west-1", "123456789012");
  EXPECT_EQ(document["name"], "p");
  EXPECT_EQ(document["region"], "eu-west-1");
  EXPECT_EQ(document["resource"], "aws.ec2");
  EXPECT_EQ(document["provider"], "aws");
  EXPECT_EQ(document["account_id"], "123456789012");
  EXPECT_EQ(document["policy"], data);
  std::string now = document["now"].get<std::string>();
  EXPECT_EQ(now.size() >= 25 ? now.substr(now.size() - 6) : now, "+00:00") << now;
  EXPECT_EQ(now[10], 'T');
  EXPECT_TRUE(condition_document({{"resource", "ec2"}}, "r", "")["account_id"].is_null());
}

TEST(Conditions, ValueConditionsOnRegionDecideWhetherThePolicyRuns) {
  Policy p = compile_one(
      "policies:\n"
      "  - name: p\n"
      "    resource: instance\n"
      "    conditions:\n"
      "      - type: value\n"
      "        key: region\n"
      "        op: in\n"
      "        value: [us-east-1, us-west-2]\n");
  EXPECT_FALSE(p.conditions.empty());
  EXPECT_TRUE(holds(p, "us-east-1"));
  EXPECT_TRUE(holds(p, "us-west-2"));
  EXPECT_FALSE(holds(p, "eu-west-1"));
  EXPECT_FALSE(p.conditions.needs_account_id());
}

TEST(Conditions, RegionKeyIsAConditionOnRegion) {
  Policy p = compile_one("policies: [{name: p, resource: instance, region: eu-west-1}]\n");
  EXPECT_TRUE(holds(p, "eu-west-1"));
  EXPECT_FALSE(holds(p, "us-east-1"));
}

TEST(Conditions, BlocksAndAccountIdAndPolicyFields) {
  Policy p = compile_one(
      "policies:\n"
      "  - name: p\n"
      "    resource: instance\n"
      "    conditions:\n"
      "      - or:\n"
      "          - account_id: '111111111111'\n"
      "          - not: [{region: us-east-1}]\n"
      "      - {type: value, key: policy.resource, value: instance}\n");
  EXPECT_TRUE(p.conditions.needs_account_id());
  EXPECT_TRUE(holds(p, "us-east-1", "111111111111"));
  EXPECT_FALSE(holds(p, "us-east-1", "222222222222"));
  EXPECT_TRUE(holds(p, "eu-west-1", "222222222222"));
}

TEST(Conditions, NoConditionsAlwaysHold) {
  Policy p = compile_one("policies: [{name: p, resource: instance}]\n");
  EXPECT_TRUE(p.conditions.empty());
  EXPECT_TRUE(holds(p, "anywhere"));
}

TEST(Conditions, EventConditionsSeeTheEventInEventModes) {
  Policy p = compile_one(
      "policies:\n"
      "  - name: p\n"
      "    resource: instance\n"
      "    mode: {type: guard-duty}\n"
      "    conditions:\n"
      "      - {type: event, key: detail.severity, op: gte, value: 7}\n");
  Json high = {{"detail", {{"severity", 8}}}};
  Json low = {{"detail", {{"severity", 2}}}};
  EXPECT_TRUE(holds(p, "r", "", &high));
  EXPECT_FALSE(holds(p, "r", "", &low));
}

TEST(Conditions, OrgAccountConditionsAreDroppedAsOutsideC7nOrg) {
  Policy p = compile_one(
      "policies:\n"
      "  - name: p\n"
      "    resource: instance\n"
      "    conditions:\n"
      "      - {type: value, key: account.tags.env, value: prod}\n"
      "      - {account.name: prod}\n");
  EXPECT_TRUE(p.conditions.empty());
}

TEST(Conditions, ErrorsNameThePosition) {
  struct Case {
    std::string text, expected;
  };
  const Case cases[] = {
      {"policies: [{name: x, resource: instance, conditions: {region: a}}]\n",
       "p.yml:1:54: policy 'x': 'conditions' must be a list of filters, not a mapping"},
      {"policies: [{name: x, resource: instance, conditions: [resource-only]}]\n",
       "p.yml:1:55: policy 'x': conditions take value and event filters and and/or/not blocks, "
       "not 'resource-only'"},
      {"policies: [{name: x, resource: instance, conditions: [{or: [{type: resource-only}]}]}]\n",
       "p.yml:1:61: policy 'x': conditions take value and event filters"},
      {"policies: [{name: x, resource: instance, conditions: [{type: event, key: a, value: 1}]}]\n",
       "p.yml:1:55: policy 'x': the 'event' filter needs an event mode"},
      {"policies: [{name: x, resource: instance, region: [a]}]\n",
       "p.yml:1:50: policy 'x': 'region' must be a string (the region the policy runs in), not a "
       "list"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    std::string message = compile_error(c.text);
    EXPECT_EQ(message.rfind(c.expected, 0), 0u) << message;
  }
}

}  // namespace
}  // namespace custos::policy
