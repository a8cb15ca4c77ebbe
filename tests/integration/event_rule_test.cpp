// set-rule-state on an EventBridge rule in moto (an attacker's rule forwarding events, say):
// disabled and enabled again, read back with the AWS CLI; a dry run changes nothing, a repeat is
// unchanged, and the undo played by the CLI restores the state.
#include <gtest/gtest.h>

#include "integration/action_check.h"

namespace custos::test {
namespace {

class EventRuleTest : public ActionTest {};

TEST_F(EventRuleTest, SetRuleStateDisablesARuleAndEnablesItAgain) {
  aws_cli({"events", "put-rule", "--name", "forward-findings", "--event-pattern",
           R"({"source": ["aws.guardduty"]})"});
  auto state = [&] {
    return aws_cli({"events", "describe-rule", "--name", "forward-findings"})["State"];
  };
  ASSERT_EQ(state(), "ENABLED");
  const std::string policy = R"(policies:
  - name: quiet
    resource: event-rule
    filters: [{Name: forward-findings}]
    actions:
      - {type: set-rule-state, enabled: ENABLED}
)";
  auto with = [&](const char* enabled) {
    std::string yaml = policy;
    yaml.replace(yaml.find("ENABLED"), 7, enabled);
    return yaml;
  };
  Json disabled = prove_action(with("false"), "quiet", state, "events DisableRule");
  EXPECT_EQ(state(), "DISABLED");
  expect_undo_restores(disabled, state, "ENABLED");
  run_policy(with("false"));
  Json enabled = prove_action(with("true"), "quiet", state, "events EnableRule");
  EXPECT_EQ(state(), "ENABLED");
  expect_undo_restores(enabled, state, "DISABLED");
}

}  // namespace
}  // namespace custos::test
