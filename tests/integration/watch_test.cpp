// custos watch over moto: a GuardDuty finding put on the EventBridge bus, routed by a rule to an
// SQS queue, taken by `custos watch`, which contains the instance and deletes the message; a
// bad message is handed back for the dead-letter queue, or deleted with its body logged when
// there is none; SIGTERM finishes what is in hand; two watchers
// sharing an S3 journal act on a finding once.
#include <gtest/gtest.h>
#include <signal.h>

#include <functional>
#include <thread>

#include "integration/findings.h"
#include "integration/fixture.h"
#include "support/fault_proxy.h"
#include "support/paths.h"

namespace custos::test {
namespace {

bool eventually(const std::function<bool()>& holds,
                std::chrono::seconds limit = std::chrono::seconds(60)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (holds()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return holds();
}

class WatchTest : public IntegrationTest {
 protected:
  std::string queue(const std::string& name, const Json& attributes = Json::object()) const {
    std::vector<std::string> args = {"sqs", "create-queue", "--queue-name", name};
    if (!attributes.empty()) args.insert(args.end(), {"--attributes", attributes.dump()});
    return aws_cli(args)["QueueUrl"].get<std::string>();
  }
  Json attributes(const std::string& url) const {
    return aws_cli({"sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names",
                    "All"})["Attributes"];
  }
  int waiting(const std::string& url) const {
    Json a = attributes(url);
    return std::stoi(a["ApproximateNumberOfMessages"].get<std::string>()) +
           std::stoi(a["ApproximateNumberOfMessagesNotVisible"].get<std::string>());
  }
  // An EventBridge rule sending GuardDuty findings to the queues, as a team sets it up.
  void route_findings_to(const std::vector<std::string>& urls) const {
    aws_cli({"events", "put-rule", "--name", "guardduty-to-custos", "--event-pattern",
             R"({"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"]})"});
    Json targets = Json::array();
    for (const auto& url : urls)
      targets.push_back({{"Id", "custos-" + std::to_string(targets.size())},
                         {"Arn", attributes(url)["QueueArn"]}});
    aws_cli(
        {"events", "put-targets", "--rule", "guardduty-to-custos", "--targets", targets.dump()});
  }
  // The finding as GuardDuty puts it on the default bus.
  void put_finding(const Json& finding) const {
    Json entry = {{"Source", finding["source"]},
                  {"DetailType", finding["detail-type"]},
                  {"Detail", finding["detail"].dump()}};
    Json answer = aws_cli({"events", "put-events", "--entries", Json::array({entry}).dump()});
    ASSERT_EQ(answer["FailedEntryCount"], 0) << answer.dump();
  }
};

TEST_F(WatchTest, FindingOnTheBusReachesWatchThroughSqsAndIsContained) {
  std::string id = run_instance_with_profile("web-role");
  write("policy.yml", contain_policy());
  std::string url = queue("findings");
  route_findings_to({url});
  put_finding(instance_finding(id, 8));
  ASSERT_EQ(waiting(url), 1);

  auto watch = start_custos(
      {"watch", "--queue", url, "--workers", "2", "--wait-seconds", "1", path("policy.yml")});
  EXPECT_TRUE(eventually([&] { return instance_state(id) == "stopped"; }));
  EXPECT_TRUE(eventually([&] { return waiting(url) == 0; }));
  Json associations = aws_cli({"ec2", "describe-iam-instance-profile-associations", "--filters",
                               "Name=instance-id,Values=" + id, "Name=state,Values=associated"});
  EXPECT_EQ(associations["IamInstanceProfileAssociations"].size(), 0u);
  watch->kill(SIGTERM);
  auto result = watch->wait();
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find(", deleted"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("stopped: 0 waiting messages handed back"), std::string::npos)
      << result.out;
}

// Two watchers on two hosts, each with its own queue, get every finding: sharing the journal in
// S3, they act on it once.
TEST_F(WatchTest, TwoWatchersSharingAnS3JournalContainOnce) {
  std::string id = run_instance_with_profile("web-role");
  write("policy.yml", contain_policy());
  aws_cli({"s3api", "create-bucket", "--bucket", "custos-journal"});
  std::vector<std::string> urls = {queue("findings-a"), queue("findings-b")};
  route_findings_to(urls);
  put_finding(instance_finding(id, 8));
  std::vector<std::unique_ptr<StartedProcess>> watchers;
  for (const auto& url : urls)
    watchers.push_back(start_custos({"watch", "--queue", url, "--wait-seconds", "1", "--journal",
                                     "s3://custos-journal/watch", path("policy.yml")}));
  EXPECT_TRUE(eventually([&] { return waiting(urls[0]) + waiting(urls[1]) == 0; }));
  for (auto& watcher : watchers) {
    watcher->kill(SIGTERM);
    auto result = watcher->wait();
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  }
  EXPECT_EQ(instance_state(id), "stopped");
  std::size_t volumes = aws_cli({"ec2", "describe-volumes", "--filters",
                                 "Name=attachment.instance-id,Values=" + id})["Volumes"]
                            .size();
  EXPECT_EQ(aws_cli({"ec2", "describe-snapshots", "--owner-ids", "self", "--filters",
                     "Name=tag:custos:instance-id,Values=" + id})["Snapshots"]
                .size(),
            volumes);
}

TEST_F(WatchTest, BadMessageIsLoggedAndHandedBackForTheDeadLetterQueue) {
  write("policy.yml", contain_policy());
  std::string dead = queue("findings-dlq");
  std::string url = queue(
      "findings", {{"VisibilityTimeout", "1"},
                   {"RedrivePolicy", Json({{"deadLetterTargetArn", attributes(dead)["QueueArn"]},
                                           {"maxReceiveCount", "2"}})
                                         .dump()}});
  aws_cli({"sqs", "send-message", "--queue-url", url, "--message-body", "{\"not\": \"an event\"}"});
  auto watch = start_custos({"watch", "--queue", url, "--wait-seconds", "1", path("policy.yml")});
  EXPECT_TRUE(eventually([&] { return waiting(dead) == 1; }));
  watch->kill(SIGTERM);
  auto result = watch->wait();
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("bad, handed back for the queue's dead-letter queue"),
            std::string::npos)
      << result.out;
  EXPECT_EQ(waiting(url), 0);
}

// Without a dead-letter queue a bad message would come back for the queue's whole retention
// period: it is logged with its body and deleted.
TEST_F(WatchTest, BadMessageWithoutADeadLetterQueueIsLoggedWithItsBodyAndDeleted) {
  write("policy.yml", contain_policy());
  std::string url = queue("findings");
  aws_cli({"sqs", "send-message", "--queue-url", url, "--message-body", "not json at all"});
  auto watch = start_custos({"watch", "--queue", url, "--wait-seconds", "1", path("policy.yml")});
  EXPECT_TRUE(eventually([&] { return waiting(url) == 0; }));
  watch->kill(SIGTERM);
  auto result = watch->wait();
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("no dead-letter queue: bad ones are logged and deleted"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("bad and the queue has no dead-letter queue: message "),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("invalid JSON in event"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("; body: not json at all, deleted\n"), std::string::npos) << result.out;
}

TEST_F(WatchTest, StopFinishesTheEventInHandAndTakesNoNewOne) {
  std::string id = run_instance_with_profile("web-role");
  write("policy.yml", contain_policy());
  std::string url = queue("findings");
  route_findings_to({url});
  put_finding(instance_finding(id, 8));
  FaultProxy proxy(emulator().url());
  proxy.hold("Action=StopInstances");
  auto watch = start_custos(
      {"watch", "--queue", url, "--wait-seconds", "1", "--no-journal", path("policy.yml")},
      {{"AWS_ENDPOINT_URL", proxy.url()}, {"AWS_MAX_ATTEMPTS", "1"}});
  ASSERT_TRUE(proxy.wait_held(std::chrono::seconds(60)));
  watch->kill(SIGTERM);
  std::string other = run_instance_with_profile("db-role");
  put_finding(instance_finding(other, 8));
  proxy.release();  // StopInstances now fails: the event ends, not deleted
  auto result = watch->wait();
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("not deleted, the queue delivers it again"), std::string::npos)
      << result.out;
  EXPECT_EQ(result.out.find(other), std::string::npos) << result.out;
  EXPECT_EQ(instance_state(other), "running");
  EXPECT_EQ(waiting(url), 2);
}

}  // namespace
}  // namespace custos::test
