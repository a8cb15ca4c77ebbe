// modify-attributes on an application load balancer in moto: deletion protection and cross-zone
// balancing turned on, read back with the AWS CLI; a dry run changes nothing, a repeat is
// unchanged, and the undo played by the CLI restores both.
#include <gtest/gtest.h>

#include "integration/action_check.h"

namespace custos::test {
namespace {

class AppElbAttributesTest : public ActionTest {};

TEST_F(AppElbAttributesTest, DeletionProtectionAndCrossZoneBalancingOn) {
  auto [vpc, subnets] = vpc_with_two_subnets();
  std::string arn = aws_cli({"elbv2", "create-load-balancer", "--name", "web", "--subnets",
                             subnets[0], subnets[1]})["LoadBalancers"][0]["LoadBalancerArn"];
  auto state = [&] {
    Json values = Json::object();
    Json described =
        aws_cli({"elbv2", "describe-load-balancer-attributes", "--load-balancer-arn", arn});
    for (const Json& attribute : described["Attributes"])
      if (attribute["Key"] == "deletion_protection.enabled" ||
          attribute["Key"] == "load_balancing.cross_zone.enabled")
        values[attribute["Key"].get<std::string>()] = attribute["Value"];
    return values;
  };
  Json before = state();
  ASSERT_EQ(before["deletion_protection.enabled"], "false");
  Json records = prove_action(R"(policies:
  - name: protect
    resource: app-elb
    filters: [{LoadBalancerName: web}]
    actions:
      - type: modify-attributes
        attributes:
          deletion_protection.enabled: true
          load_balancing.cross_zone.enabled: true
)",
                              "protect", state, "elbv2 ModifyLoadBalancerAttributes");
  EXPECT_EQ(state(), Json({{"deletion_protection.enabled", "true"},
                           {"load_balancing.cross_zone.enabled", "true"}}));
  expect_undo_restores(records, state, before);
}

}  // namespace
}  // namespace custos::test
