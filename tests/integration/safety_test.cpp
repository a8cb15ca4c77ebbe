// The brakes over real HTTP: a kill switch in SSM stops actions, --max-actions caps a run, and
// a finding about another account is not acted on.
#include <gtest/gtest.h>

#include "integration/findings.h"
#include "integration/fixture.h"
#include "support/paths.h"

namespace custos::test {
namespace {

const char* kStopWithKillSwitch = R"(policies:
  - name: contain
    resource: aws.ec2
    mode: {type: guard-duty, kill-switch: "ssm:/custos/kill-switch"}
    actions: [stop]
)";

class SafetyTest : public IntegrationTest {
 protected:
  ProcessResult deliver(const std::string& policy, const Json& event,
                        std::vector<std::string> extra = {}) {
    write("policy.yml", policy);
    write("event.json", event.dump());
    std::vector<std::string> args = {"run", "-s", path("out"), "--event", path("event.json")};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(path("policy.yml"));
    return custos(args);
  }
};

TEST_F(SafetyTest, AnEngagedKillSwitchStopsActionsUntilItIsOff) {
  std::string id = run_instance_with_profile("web");
  aws_cli({"ssm", "put-parameter", "--name", "/custos/kill-switch", "--type", "String", "--value",
           "on"});
  auto stopped = deliver(kStopWithKillSwitch, instance_finding(id));
  EXPECT_EQ(stopped.exit_code, 1);
  EXPECT_NE(stopped.out.find("stopped by the kill switch ssm:/custos/kill-switch"),
            std::string::npos)
      << stopped.out;
  EXPECT_EQ(instance_state(id), "running");

  aws_cli({"ssm", "put-parameter", "--name", "/custos/kill-switch", "--type", "String", "--value",
           "off", "--overwrite"});
  auto acted = deliver(kStopWithKillSwitch, instance_finding(id));
  EXPECT_EQ(acted.exit_code, 0) << acted.out << acted.err;  // the refused stop is retried
  EXPECT_EQ(instance_state(id), "stopped");
}

TEST_F(SafetyTest, MaxActionsRefusesWhatWouldExceedIt) {
  run_instance_with_profile("a");
  run_instance_with_profile("b");
  auto result = custos(
      {"run", "--max-actions", "1", "-s", path("out"), data_path("policies/stop-tagged.yml")});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.out.find("refused: this run may attempt at most 1 changes (--max-actions)"),
            std::string::npos)
      << result.out;
  Json running = aws_cli(
      {"ec2", "describe-instances", "--filters", "Name=instance-state-name,Values=running"});
  EXPECT_EQ(running["Reservations"].size(), 2u);  // refused whole: nothing stopped
}

TEST_F(SafetyTest, AFindingAboutAnotherAccountIsNotActedOn) {
  std::string id = run_instance_with_profile("web");
  Json finding = instance_finding(id);
  finding["detail"]["accountId"] = "999999999999";
  auto result = deliver(kStopWithKillSwitch, finding);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("the event is about account 999999999999 but these credentials act in "
                            "account 123456789012"),
            std::string::npos)
      << result.err;
  EXPECT_EQ(instance_state(id), "running");
}

}  // namespace
}  // namespace custos::test
