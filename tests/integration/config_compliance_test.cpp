// config-compliance over real HTTP against moto: instances AWS Config rules found
// non-compliant, Cloud Custodian's example stopping them. moto 5.2.1 has no
// GetComplianceDetailsByConfigRule: a proxy answers it as AWS does (filtered by ComplianceTypes,
// one rule also judging a bucket, which an instance policy must not take for an instance).
#include <gtest/gtest.h>

#include <algorithm>

#include "integration/action_check.h"
#include "support/fault_proxy.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class ConfigComplianceTest : public ActionTest {
 protected:
  std::string instance() const {
    return aws_cli({"ec2", "run-instances", "--image-id", "ami-12c6146b", "--instance-type",
                    "t3.micro"})["Instances"][0]["InstanceId"];
  }
  std::string state_of(const std::string& id) const {
    return aws_cli({"ec2", "describe-instances", "--instance-ids",
                    id})["Reservations"][0]["Instances"][0]["State"]["Name"];
  }
};

// Each rule's evaluations: {rule, type, id, compliance}.
void answer_compliance(FaultProxy& proxy, const Json& evaluations) {
  proxy.answer_with([evaluations](
                        const FaultProxy::Arrival& arrival) -> std::optional<FaultProxy::Reply> {
    bool asks = false;
    for (const auto& [name, value] : arrival.headers)
      asks = asks || value.ends_with(".GetComplianceDetailsByConfigRule");
    if (!asks) return std::nullopt;
    Json asked = Json::parse(arrival.body);
    Json results = Json::array();
    for (const Json& e : evaluations) {
      if (e["rule"] != asked["ConfigRuleName"]) continue;
      const Json types = asked.value("ComplianceTypes", Json::array());
      if (!types.empty() && std::find(types.begin(), types.end(), e["compliance"]) == types.end())
        continue;
      results.push_back({{"EvaluationResultIdentifier",
                          {{"EvaluationResultQualifier",
                            {{"ConfigRuleName", e["rule"]},
                             {"ResourceType", e["type"]},
                             {"ResourceId", e["id"]}}},
                           {"OrderingTimestamp", 1.7e9}}},
                         {"ComplianceType", e["compliance"]},
                         {"ResultRecordedTime", 1.7e9},
                         {"ConfigRuleInvokedTime", 1.7e9}});
    }
    return FaultProxy::Reply{
        200, Json({{"EvaluationResults", results}}).dump(), "application/x-amz-json-1.1", {}};
  });
}

TEST_F(ConfigComplianceTest, TheExampleStopsTheNonCompliantInstance) {
  std::string bad = instance();
  std::string good = instance();
  FaultProxy proxy(emulator().url());
  answer_compliance(proxy, Json::parse(R"([
        {"rule": "my_other_config_rule", "type": "AWS::EC2::Instance", "id": ")" +
                                       bad +
                                       R"(", "compliance": "NON_COMPLIANT"},
        {"rule": "some_other_rule", "type": "AWS::EC2::Instance", "id": ")" +
                                       good +
                                       R"(", "compliance": "COMPLIANT"},
        {"rule": "some_other_rule", "type": "AWS::S3::Bucket", "id": ")" +
                                       good +
                                       R"(", "compliance": "NON_COMPLIANT"}
      ])"));
  const std::map<std::string, std::string> env = {{"AWS_ENDPOINT_URL", proxy.url()}};
  const std::string yaml =
      read_file(data_path("policies/c7n/ec2/docs-config-76-ec2-remediate-non-compliant.yml"));
  auto state = [&] { return Json::array({state_of(bad), state_of(good)}); };
  const Json before = state();
  Json records = prove_action(yaml, "ec2-remediate-non-compliant", state, "ec2 StopInstances", env);
  EXPECT_EQ(state(), Json::array({"stopped", "running"}));
  Json found = Json::parse(read_file(path("out/ec2-remediate-non-compliant/resources.json")));
  ASSERT_EQ(found.size(), 1u) << found.dump();
  EXPECT_EQ(found[0]["InstanceId"], bad);
  ASSERT_EQ(found[0]["c7n:config-compliance"].size(), 1u) << found.dump();
  EXPECT_EQ(found[0]["c7n:config-compliance"][0]["ComplianceType"], "NON_COMPLIANT");
  expect_undo_restores(records, state, before, proxy.url());
  int asked = 0;
  for (const auto& arrival : proxy.arrivals())
    if (arrival.body.find("ConfigRuleName") != std::string::npos) {
      ++asked;
      EXPECT_NE(arrival.body.find("\"NON_COMPLIANT\""), std::string::npos) << arrival.body;
    }
  EXPECT_GE(asked, 2);  // each rule, each run
}

TEST_F(ConfigComplianceTest, StatesOpAndEvalFilters) {
  std::string one = instance();
  std::string two = instance();
  FaultProxy proxy(emulator().url());
  answer_compliance(proxy, Json::parse(R"([
        {"rule": "a", "type": "AWS::EC2::Instance", "id": ")" +
                                       one + R"(", "compliance": "COMPLIANT"},
        {"rule": "b", "type": "AWS::EC2::Instance", "id": ")" +
                                       two + R"(", "compliance": "COMPLIANT"}
      ])"));
  const std::map<std::string, std::string> env = {{"AWS_ENDPOINT_URL", proxy.url()}};
  Json none = matched_by(R"(policies:
  - name: default-states
    resource: ec2
    filters:
      - {type: config-compliance, rules: [a, b]}
)",
                         "default-states", env);
  EXPECT_TRUE(none.empty()) << none.dump();
  Json by_rule = matched_by(R"(policies:
  - name: rule-b
    resource: ec2
    filters:
      - type: config-compliance
        rules: [a, b]
        states: [COMPLIANT]
        op: and
        eval_filters:
          - ComplianceType: COMPLIANT
          - {type: value, key: EvaluationResultIdentifier.EvaluationResultQualifier.ConfigRuleName, value: b}
)",
                            "rule-b", env);
  ASSERT_EQ(by_rule.size(), 1u) << by_rule.dump();
  EXPECT_EQ(by_rule[0]["InstanceId"], two);
}

}  // namespace
}  // namespace custos::test
