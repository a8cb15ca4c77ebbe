// check-permissions on IAM users over real HTTP: moto serves the users; it has no policy
// simulator, which a proxy in front of it answers in IAM's XML (admin may create users,
// reader may not), and the test reads what custos asked the simulator off the proxy.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "integration/action_check.h"
#include "support/fault_proxy.h"
#include "support/paths.h"

namespace custos::test {
namespace {

std::optional<FaultProxy::Reply> simulator(const FaultProxy::Arrival& arrival) {
  if (arrival.body.find("Action=SimulatePrincipalPolicy") == std::string::npos) return std::nullopt;
  bool admin = arrival.body.find("user%2Fadmin") != std::string::npos;
  FaultProxy::Reply reply;
  reply.body =
      "<SimulatePrincipalPolicyResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"
      "<SimulatePrincipalPolicyResult><IsTruncated>false</IsTruncated><EvaluationResults>"
      "<member><EvalActionName>iam:CreateUser</EvalActionName><EvalResourceName>*"
      "</EvalResourceName><EvalDecision>" +
      std::string(admin ? "allowed" : "implicitDeny") +
      "</EvalDecision><MatchedStatements/><MissingContextValues/></member>"
      "</EvaluationResults></SimulatePrincipalPolicyResult><ResponseMetadata><RequestId>"
      "recorded</RequestId></ResponseMetadata></SimulatePrincipalPolicyResponse>";
  return reply;
}

class IamSimulationTest : public ActionTest {
 protected:
  void SetUp() override {
    ActionTest::SetUp();
    proxy_ = std::make_unique<FaultProxy>(emulator().url());
    proxy_->answer_with(simulator);
    for (const char* user : {"admin", "reader"})
      aws_cli({"iam", "create-user", "--user-name", user});
  }
  Json matched(const std::string& filter) const {
    return matched_by("policies:\n  - name: users\n    resource: iam-user\n    filters:\n" + filter,
                      "users", {{"AWS_ENDPOINT_URL", proxy_->url()}});
  }
  std::vector<std::string> simulations() const {
    std::vector<std::string> bodies;
    for (const auto& arrival : proxy_->arrivals())
      if (arrival.body.find("Action=SimulatePrincipalPolicy") != std::string::npos)
        bodies.push_back(arrival.body);
    return bodies;
  }

  std::unique_ptr<FaultProxy> proxy_;
};

// Cloud Custodian's super-users.
TEST_F(IamSimulationTest, UsersAllowedToCreateUsers) {
  Json found =
      matched("      - {type: check-permissions, match: allowed, actions: [iam:CreateUser]}\n");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["UserName"], "admin");
  EXPECT_EQ(found[0]["c7n:perm-matches"][0]["EvalActionName"], "iam:CreateUser");
  ASSERT_EQ(simulations().size(), 2u);
  for (const std::string& body : simulations()) {
    EXPECT_NE(body.find("ActionNames.member.1=iam%3ACreateUser"), std::string::npos) << body;
    EXPECT_EQ(body.find("PermissionsBoundaryPolicyInputList"), std::string::npos) << body;
  }
}

// denied, and a value filter on the evaluation; boundaries: false overrides the boundary.
TEST_F(IamSimulationTest, UsersDeniedByDecisionOrByAValueFilter) {
  Json denied = matched(
      "      - {type: check-permissions, match: denied, actions: [iam:CreateUser], "
      "boundaries: false}\n");
  ASSERT_EQ(denied.size(), 1u);
  EXPECT_EQ(denied[0]["UserName"], "reader");
  for (const std::string& body : simulations())
    EXPECT_NE(body.find("PermissionsBoundaryPolicyInputList.member.1="), std::string::npos) << body;
  Json by_value = matched(R"(      - type: check-permissions
        actions: [iam:CreateUser]
        match-operator: or
        match: {type: value, key: EvalDecision, value: implicitDeny}
)");
  ASSERT_EQ(by_value.size(), 1u);
  EXPECT_EQ(by_value[0]["UserName"], "reader");
}

}  // namespace
}  // namespace custos::test
