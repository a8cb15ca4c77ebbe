// dead-letter on SQS queues in moto: Cloud Custodian's example finds the queue another queue's
// RedrivePolicy names, not that queue nor a queue on its own.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class SqsDeadLetterTest : public ActionTest {};

TEST_F(SqsDeadLetterTest, FindsTheQueueARedrivePolicyNames) {
  std::string dlq = aws_cli({"sqs", "create-queue", "--queue-name", "orders-dlq"})["QueueUrl"];
  std::string dlq_arn = aws_cli({"sqs", "get-queue-attributes", "--queue-url", dlq,
                                 "--attribute-names", "QueueArn"})["Attributes"]["QueueArn"];
  Json redrive = {{"deadLetterTargetArn", dlq_arn}, {"maxReceiveCount", "3"}};
  Json attributes = {{"RedrivePolicy", redrive.dump()}};
  aws_cli({"sqs", "create-queue", "--queue-name", "orders", "--attributes", attributes.dump()});
  aws_cli({"sqs", "create-queue", "--queue-name", "alone"});

  Json matched =
      matched_by(read_file(data_path("policies/c7n/sqs/sqs-447-find-dead-letter-queues.yml")),
                 "find-dead-letter-queues");
  ASSERT_EQ(matched.size(), 1u) << matched.dump();
  EXPECT_EQ(matched[0]["QueueArn"], dlq_arn);
  EXPECT_EQ(matched[0]["QueueUrl"], dlq);
}

}  // namespace
}  // namespace custos::test
