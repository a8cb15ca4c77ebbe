// configure-lifecycle-policy on aws.efs over real HTTP against moto, Cloud Custodian's
// efs-apply-lifecycle unchanged: the policies read back with the AWS CLI, left alone once so, and
// put back by the undo; state: disable removes them.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class EfsLifecycleTest : public ActionTest {
 protected:
  void SetUp() override {
    ActionTest::SetUp();
    id_ = aws_cli({"efs", "create-file-system", "--creation-token", "fs"})["FileSystemId"];
  }
  Json policies() const {
    return aws_cli(
        {"efs", "describe-lifecycle-configuration", "--file-system-id", id_})["LifecyclePolicies"];
  }
  std::string id_;
};

TEST_F(EfsLifecycleTest, TheExampleSetsThePoliciesAndDisableRemovesThem) {
  aws_cli({"efs", "put-lifecycle-configuration", "--file-system-id", id_, "--lifecycle-policies",
           R"([{"TransitionToIA": "AFTER_30_DAYS"}])"});
  const Json before = policies();
  Json records = prove_action(
      read_file(data_path("policies/c7n/efs/efs-142-efs-apply-lifecycle.yml")),
      "efs-apply-lifecycle", [&] { return policies(); }, "efs PutLifecycleConfiguration");
  EXPECT_EQ(policies(), Json::parse(R"([{"TransitionToIA": "AFTER_7_DAYS"}])"));
  expect_undo_restores(
      records, [&] { return policies(); }, before);

  run_policy(R"(policies:
  - name: none
    resource: efs
    actions:
      - {type: configure-lifecycle-policy, state: disable}
)");
  EXPECT_EQ(policies(), Json::array());
}

}  // namespace
}  // namespace custos::test
