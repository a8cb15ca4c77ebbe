// modify-policy on aws.sqs (Cloud Custodian's ModifyPolicyBase) over real HTTP against moto, its
// documented sqs-yank-cross-account unchanged: every statement of a queue shared with another
// account taken out and the example's own put in (read back with the AWS CLI); the next run
// changes nothing, and the undo writes the policy back as it was.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class ModifyPolicyTest : public ActionTest {};

TEST_F(ModifyPolicyTest, SqsYankCrossAccountReplacesTheQueuesStatements) {
  const std::string queue =
      aws_cli({"sqs", "create-queue", "--queue-name", "custos-shared"})["QueueUrl"];
  const Json shared = {{"Version", "2012-10-17"},
                       {"Statement",
                        {{{"Sid", "Outside"},
                          {"Effect", "Allow"},
                          {"Principal", {{"AWS", "arn:aws:iam::999999999999:root"}}},
                          {"Action", "sqs:SendMessage"},
                          {"Resource", "*"}}}}};
  aws_cli({"sqs", "set-queue-attributes", "--queue-url", queue, "--attributes",
           Json{{"Policy", shared.dump()}}.dump()});
  auto statements = [&] {
    Json answer = aws_cli(
        {"sqs", "get-queue-attributes", "--queue-url", queue, "--attribute-names", "Policy"});
    std::string text = answer.value("Attributes", Json::object()).value("Policy", "");
    return text.empty() ? Json() : Json::parse(text)["Statement"];
  };
  const Json before = statements();
  ASSERT_EQ(before, shared["Statement"]);
  Json records =
      prove_action(read_file(data_path("policies/c7n/sqs/sqs-248-sqs-yank-cross-account.yml")),
                   "sqs-yank-cross-account", statements, "sqs SetQueueAttributes");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(statements(), Json::array({{{"Sid", "ReplaceWithMe"},
                                        {"Effect", "Allow"},
                                        {"Principal", "*"},
                                        {"Action", {"sqs:GetQueueAttributes"}},
                                        {"Resource", "queue_url"}}}));
  EXPECT_EQ(records[0]["summary"],
            "removed statements Outside; added statements ReplaceWithMe in the policy of " + queue);
  expect_undo_restores(records, statements, before);
}

}  // namespace
}  // namespace custos::test
