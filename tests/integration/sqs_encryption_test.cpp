// set-encryption on an SQS queue in moto: a KMS alias named as Cloud Custodian's examples name
// it (without alias/), then SQS's own keys, read back with the AWS CLI; a dry run changes
// nothing, a repeat is unchanged, and the undo played by the CLI restores the queue.
#include <gtest/gtest.h>

#include "integration/action_check.h"

namespace custos::test {
namespace {

class SqsEncryptionTest : public ActionTest {};

TEST_F(SqsEncryptionTest, AQueueEncryptedWithAKmsAliasThenWithSqsKeys) {
  std::string url = aws_cli({"sqs", "create-queue", "--queue-name", "orders"})["QueueUrl"];
  auto state = [&] {
    Json attributes = aws_cli({"sqs", "get-queue-attributes", "--queue-url", url,
                               "--attribute-names", "All"})["Attributes"];
    return Json::array(
        {attributes.value("KmsMasterKeyId", ""), attributes.value("SqsManagedSseEnabled", "")});
  };
  Json before = state();
  auto policy = [](const std::string& action) {
    return "policies:\n  - name: encrypt\n    resource: sqs\n    actions:\n      - " + action +
           "\n";
  };
  Json records = prove_action(policy("{type: set-encryption, key: team-key}"), "encrypt", state,
                              "sqs SetQueueAttributes");
  EXPECT_EQ(state(), Json::array({"alias/team-key", "false"}));
  expect_undo_restores(records, state, before);

  run_policy(policy("{type: set-encryption, key: team-key}"));
  run_policy(policy("set-encryption"));
  EXPECT_EQ(state(), Json::array({"", "true"}));
}

}  // namespace
}  // namespace custos::test
