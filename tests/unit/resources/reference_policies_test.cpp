// The reference policies in tests/data/policies/ compile with the builtin registry and react
// to the GuardDuty sample finding as written.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "policy/event.h"
#include "policy/policy.h"
#include "resources/builtin.h"
#include "support/paths.h"

namespace custos {
namespace {

std::vector<policy::Policy> compile(const std::string& name) {
  auto source = policy::SourceDocument::load_file(test::data_path("policies/" + name));
  return policy::compile_policies(source, resources::builtin_registry());
}

// Cloud Custodian's sample finding, as GuardDuty reports a real one (not "sample": true).
Json ec2_finding() {
  Json event = policy::load_event_file(
      test::data_path("events/cloud-custodian_ec2-duty-event_Backdoor-EC2-CnCActivity.B-DNS.json"));
  event["detail"]["service"]["additionalInfo"]["sample"] = false;
  return event;
}

std::vector<std::string> action_names(const policy::Policy& p) {
  std::vector<std::string> names;
  for (const auto& [name, action] : p.actions) names.push_back(name);
  return names;
}

TEST(BuiltinRegistry, KnowsEc2ByNameAndAlias) {
  const auto& registry = resources::builtin_registry();
  const policy::ResourceType* ec2 = registry.find_resource("aws.ec2");
  ASSERT_NE(ec2, nullptr);
  EXPECT_EQ(registry.find_resource("ec2"), ec2);
  EXPECT_EQ(ec2->id_field, "InstanceId");
  auto names = registry.resource_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "aws.ec2"), names.end());
}

TEST(ReferencePolicies, CompromisedContainCompiles) {
  auto policies = compile("ec2-compromised-contain.yml");
  ASSERT_EQ(policies.size(), 1u);
  const policy::Policy& p = policies[0];
  EXPECT_EQ(p.name, "ec2-compromised-contain");
  EXPECT_EQ(p.resource->name, "aws.ec2");
  EXPECT_EQ(p.mode.type, "guard-duty");
  EXPECT_EQ(p.filters.size(), 1u);
  EXPECT_EQ(action_names(p),
            (std::vector<std::string>{"set-instance-profile", "stop", "snapshot"}));
  EXPECT_EQ(p.location.line, 2);
}

TEST(ReferencePolicies, CompromisedContainTargetsTheFindingsInstance) {
  auto policies = compile("ec2-compromised-contain.yml");
  Json event = ec2_finding();
  policy::EventTarget target = policy::event_target(policies.at(0), event);
  ASSERT_TRUE(target.applies) << target.reason;
  EXPECT_EQ(target.resource_ids, std::vector<std::string>{"i-99999999"});
  Json instance = {{"InstanceId", "i-99999999"}, {"State", {{"Name", "running"}}}};
  EXPECT_TRUE(policies[0].matches(instance, policy::FilterContext{&event}));  // severity 5
  event["detail"]["severity"] = 2;
  EXPECT_FALSE(policies[0].matches(instance, policy::FilterContext{&event}));
}

TEST(ReferencePolicies, StopTaggedMatchesTaggedInstancesOnly) {
  auto policies = compile("stop-tagged.yml");
  ASSERT_EQ(policies.size(), 1u);
  const policy::Policy& p = policies[0];
  EXPECT_EQ(p.resource->name, "aws.ec2");
  EXPECT_FALSE(p.mode.is_event());
  EXPECT_EQ(action_names(p), std::vector<std::string>{"stop"});
  Json tagged = {{"InstanceId", "i-1"}, {"Tags", {{{"Key", "custodian"}, {"Value", ""}}}}};
  Json other = {{"InstanceId", "i-2"}, {"Tags", {{{"Key", "Name"}, {"Value", "custodian"}}}}};
  EXPECT_TRUE(p.matches(tagged, policy::FilterContext{}));
  EXPECT_FALSE(p.matches(other, policy::FilterContext{}));
  EXPECT_FALSE(p.matches({{"InstanceId", "i-3"}}, policy::FilterContext{}));
  EXPECT_FALSE(policy::event_target(p, ec2_finding()).applies);
}

}  // namespace
}  // namespace custos
