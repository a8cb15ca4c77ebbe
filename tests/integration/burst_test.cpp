// Event intake under load (issue 15): 10,000 events in a burst, mixed as a busy account's
// queue is (the same finding delivered again, the same EventBridge event again, GuardDuty
// samples, malformed messages, findings about instances that do not exist, and a few dozen real
// findings about a few instances), through `custos watch` (SQS, several workers) and through the
// Lambda runtime (the local Runtime API). Each real finding is handled once and each instance
// contained once (the AWS CLI and the journal agree), everything else is dropped or rejected
// with a log line, and the process's peak memory stays under a stated bound.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "integration/findings.h"
#include "integration/fixture.h"
#include "support/paths.h"
#include "support/runtime_api.h"

namespace custos::test {
namespace {

constexpr int kInstances = 6;
constexpr int kFindingsPerInstance = 4;  // distinct findings about one instance: the race
constexpr int kRedelivered = 2600;       // the same EventBridge event again
constexpr int kResent = 2600;            // the same finding again under a new event id
constexpr int kSamples = 3200;
constexpr int kEachMalformed = 400;  // not JSON; JSON but no event; a finding naming no instance
constexpr int kTotal = 10000;
constexpr int kFindings = kInstances * kFindingsPerInstance;
// Each finding is also sent once more as GuardDuty updates it (a later updatedAt): handled
// again, and the journal repeats nothing.
constexpr int kUnknown = kTotal - 2 * kFindings - kRedelivered - kResent - kSamples -
                         3 * kEachMalformed;  // findings about instances that do not exist
constexpr int kDepth = 10;  // the feeder waits while more are visible in moto's queue
// Peak resident memory allowed to the process that takes the burst: about three times what it
// needs at rest (18 MB), so that anything growing with the number of events shows.
constexpr long kPeakRssBoundKb = 64 * 1024;

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::size_t count_of(const std::string& log, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = log.find(needle); at != std::string::npos; at = log.find(needle, at + 1)) ++n;
  return n;
}

// The lines of `log` holding `needle`, to show what went wrong.
std::string lines_with(const std::string& log, const std::string& needle) {
  std::istringstream in(log);
  std::string found;
  for (std::string line; std::getline(in, line);)
    if (line.find(needle) != std::string::npos) found += line + "\n";
  return found;
}

Json finding_about(const std::string& instance, const std::string& finding_id,
                   const std::string& event_id) {
  Json event = instance_finding(instance, 8);
  event["id"] = event_id;
  event["detail"]["id"] = finding_id;
  event["detail"]["updatedAt"] = "2026-12-06T10:00:00.000Z";
  return event;
}

// The burst's message bodies, shuffled the same way every run.
std::vector<std::string> mixed_burst(const std::vector<std::string>& instances) {
  std::vector<std::string> bodies;
  int serial = 0;
  auto next_id = [&serial](const char* kind) {
    return std::string("burst-") + kind + "-" + std::to_string(++serial);
  };
  std::vector<Json> findings;
  for (int i = 0; i < kFindings; ++i) {
    Json first = finding_about(instances[i % kInstances], next_id("finding"), next_id("event"));
    Json updated = first;
    updated["id"] = next_id("event");
    updated["detail"]["updatedAt"] = "2026-12-06T10:05:00.000Z";
    updated["detail"]["service"]["count"] = 2;
    bodies.push_back(first.dump());
    bodies.push_back(updated.dump());
    findings.push_back(std::move(first));
  }
  for (int i = 0; i < kRedelivered; ++i) bodies.push_back(findings[i % kFindings].dump());
  for (int i = 0; i < kResent; ++i) {
    Json again = findings[i % kFindings];
    again["id"] = next_id("event");
    bodies.push_back(again.dump());
  }
  for (int i = 0; i < kSamples; ++i) {
    Json sample = finding_about(instances[i % kInstances], next_id("sample"), next_id("event"));
    sample["detail"]["service"]["additionalInfo"]["sample"] = true;
    bodies.push_back(sample.dump());
  }
  for (int i = 0; i < kEachMalformed; ++i) {
    bodies.push_back("GuardDuty finding " + std::to_string(i) + " {");
    bodies.push_back(Json({{"hello", i}}).dump());
    Json nameless = finding_about("i-0", next_id("finding"), next_id("event"));
    nameless["detail"]["resource"]["instanceDetails"].erase("instanceId");
    bodies.push_back(nameless.dump());
  }
  for (int i = 0; i < kUnknown; ++i) {
    char unknown[32];
    std::snprintf(unknown, sizeof unknown, "i-0b0057%011x", i);
    bodies.push_back(finding_about(unknown, next_id("finding"), next_id("event")).dump());
  }
  std::shuffle(bodies.begin(), bodies.end(), std::mt19937(15));
  return bodies;
}

// Two events about one instance never act at once: in the log, the action lines of one
// delivery about an instance are never split by another delivery's about the same instance.
void expect_one_delivery_at_a_time(const std::string& log) {
  static const std::regex action(R"(^(\S+ \S+) +\w+ [\w-]+ (i-[0-9a-f]+): )");
  std::map<std::string, std::string> last;                // instance -> delivery acting on it
  std::map<std::string, std::set<std::string>> finished;  // instance -> deliveries done with it
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (!std::regex_search(line, m, action)) continue;
    const std::string delivery = m[1], instance = m[2];
    if (last[instance] == delivery) continue;
    EXPECT_FALSE(finished[instance].contains(delivery)) << instance << " interleaved: " << line;
    finished[instance].insert(last[instance]);
    last[instance] = delivery;
  }
  EXPECT_FALSE(last.empty());
}

class BurstTest : public IntegrationTest {
 protected:
  // kInstances instances sharing one instance profile, each with its own association (moto
  // 5.2.1 associates a profile given to run-instances with the first instance only).
  std::vector<std::string> seed_instances() const {
    const std::string name = "burst-web";
    aws_cli(
        {"iam", "create-role", "--role-name", name, "--assume-role-policy-document",
         R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]})"});
    aws_cli({"iam", "create-instance-profile", "--instance-profile-name", name});
    aws_cli({"iam", "add-role-to-instance-profile", "--instance-profile-name", name, "--role-name",
             name});
    aws::Client ec2 = client();
    Json run = ec2.call("ec2", "RunInstances",
                        {{"ImageId", "ami-12c6146b"},
                         {"InstanceType", "t3.micro"},
                         {"MinCount", kInstances},
                         {"MaxCount", kInstances}});
    std::vector<std::string> ids;
    for (const Json& instance : run["Instances"]) {
      ids.push_back(instance["InstanceId"]);
      ec2.call("ec2", "AssociateIamInstanceProfile",
               {{"InstanceId", ids.back()}, {"IamInstanceProfile", {{"Name", name}}}});
    }
    EXPECT_EQ(associated(), ids.size());
    return ids;
  }

  std::size_t associated() const {
    return aws_cli({"ec2", "describe-iam-instance-profile-associations", "--filters",
                    "Name=state,Values=associated"})["IamInstanceProfileAssociations"]
        .size();
  }

  // The end state, read with the AWS CLI: every instance stopped with no instance profile, and
  // one set of snapshots per incident that named it (evidence is taken per finding).
  void expect_contained_once(const std::vector<std::string>& instances) const {
    Json described = aws_cli({"ec2", "describe-instances", "--filters",
                              "Name=image-id,Values=ami-12c6146b"})["Reservations"];
    std::size_t seen = 0;
    for (const Json& reservation : described)
      for (const Json& instance : reservation["Instances"]) {
        ++seen;
        EXPECT_EQ(instance["State"]["Name"], "stopped") << instance["InstanceId"];
      }
    EXPECT_EQ(seen, instances.size());
    EXPECT_EQ(associated(), 0u);
    std::map<std::string, std::set<std::string>> incidents_of;  // instance -> incidents
    std::map<std::string, int> snapshots_of;
    Json snapshots = aws_cli({"ec2", "describe-snapshots", "--owner-ids", "self", "--filters",
                              "Name=tag-key,Values=custos:instance-id"})["Snapshots"];
    for (const Json& snapshot : snapshots) {
      std::map<std::string, std::string> tags;
      for (const Json& tag : snapshot.value("Tags", Json::array())) tags[tag["Key"]] = tag["Value"];
      incidents_of[tags["custos:instance-id"]].insert(tags["custos:incident"]);
      ++snapshots_of[tags["custos:instance-id"]];
    }
    for (const auto& id : instances) {
      EXPECT_EQ(incidents_of[id].size(), static_cast<std::size_t>(kFindingsPerInstance)) << id;
      EXPECT_EQ(snapshots_of[id], kFindingsPerInstance * static_cast<int>(volumes_of(id))) << id;
    }
  }

  // What the journal says: one incident per real finding, and across them all each instance's
  // role removed once and each instance stopped once; one snapshot per incident; no failure.
  void expect_journal_agrees(const std::string& journal,
                             const std::vector<std::string>& instances) const {
    auto listed = custos({"incident", "list", "--format", "json", "--journal", journal});
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    Json incidents = Json::parse(listed.out);
    EXPECT_EQ(incidents.size(), static_cast<std::size_t>(kFindings));
    std::map<std::pair<std::string, std::string>, int> changed;  // (action, instance)
    for (const Json& incident : incidents) {
      auto report =
          custos({"incident", "report", incident["id"], "--format", "json", "--journal", journal});
      ASSERT_EQ(report.exit_code, 0) << report.err;
      Json actions = Json::parse(report.out)["actions"];
      for (const Json& action : actions) {
        EXPECT_NE(action["outcome"], "failed") << action.dump();
        changed[{action["action"], action["resource"]}] += action["outcome"] == "changed";
      }
    }
    for (const auto& id : instances) {
      EXPECT_EQ((changed[{"set-instance-profile", id}]), 1) << id;
      EXPECT_EQ((changed[{"stop", id}]), 1) << id;
      EXPECT_EQ((changed[{"snapshot", id}]), kFindingsPerInstance) << id;
    }
  }

  static void expect_bounded(const ProcessResult& ended, const std::string& what) {
    std::cout << what << " peak RSS " << ended.peak_rss_kb / 1024.0 << " MB" << std::endl;
    EXPECT_GT(ended.peak_rss_kb, 0);
    if (!kUnderSanitizer) {
      EXPECT_LT(ended.peak_rss_kb, kPeakRssBoundKb) << what;
    }
  }
};

// Lines that name each kind once per event (a malformed one once per receive).
void expect_counts(const std::string& log, int receives) {
  const auto malformed = static_cast<std::size_t>(receives * kEachMalformed);
  EXPECT_EQ(count_of(log, " duplicate ("), static_cast<std::size_t>(kRedelivered + kResent));
  EXPECT_EQ(count_of(log, "skipped: a GuardDuty sample finding"),
            static_cast<std::size_t>(kSamples));
  EXPECT_EQ(count_of(log, ": invalid JSON in event"), malformed);
  EXPECT_EQ(count_of(log, ": not an EventBridge event"), malformed);
  EXPECT_EQ(count_of(log, "has no detail.resource.instanceDetails.instanceId"), malformed);
  EXPECT_EQ(count_of(log, "0 aws.ec2 matched"), static_cast<std::size_t>(kUnknown));
  EXPECT_EQ(count_of(log, "1 aws.ec2 matched"), static_cast<std::size_t>(2 * kFindings));
}

TEST_F(BurstTest, WatchTakesTenThousandMixedEventsFromSqs) {
  std::vector<std::string> instances = seed_instances();
  write("policy.yml", contain_policy());
  std::string dead = aws_cli({"sqs", "create-queue", "--queue-name", "burst-dlq"})["QueueUrl"];
  Json dead_arn = aws_cli({"sqs", "get-queue-attributes", "--queue-url", dead, "--attribute-names",
                           "QueueArn"})["Attributes"]["QueueArn"];
  Json redrive = {{"deadLetterTargetArn", dead_arn}, {"maxReceiveCount", "2"}};
  std::string url = aws_cli({"sqs", "create-queue", "--queue-name", "burst", "--attributes",
                             Json({{"RedrivePolicy", redrive.dump()}}).dump()})["QueueUrl"];

  aws::Client sqs = client();
  auto count = [&](const std::string& queue, const std::string& attribute) {
    Json a = sqs.call("sqs", "GetQueueAttributes",
                      {{"QueueUrl", queue}, {"AttributeNames", {attribute}}})["Attributes"];
    return std::stoi(a[attribute].get<std::string>());
  };
  auto in_queue = [&](const std::string& queue) {
    return count(queue, "ApproximateNumberOfMessages") +
           count(queue, "ApproximateNumberOfMessagesNotVisible");
  };
  // moto 5.2.1 recounts a queue's messages several times for every message sent (its
  // attributes), so a 10,000-deep queue takes it hours: the feeder keeps about kDepth to kDepth +
  // 50 visible, in batches of 10, as fast as the watcher takes them.
  std::vector<std::string> bodies = mixed_burst(instances);
  auto feed = [&] {
    for (std::size_t first = 0; first < bodies.size(); first += 10) {
      while (first % 50 == 0 && count(url, "ApproximateNumberOfMessages") > kDepth)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      Json entries = Json::array();
      for (std::size_t i = first; i < std::min(bodies.size(), first + 10); ++i)
        entries.push_back({{"Id", std::to_string(i)}, {"MessageBody", bodies[i]}});
      Json sent = sqs.call("sqs", "SendMessageBatch", {{"QueueUrl", url}, {"Entries", entries}});
      EXPECT_EQ(sent.value("Failed", Json::array()).size(), 0u) << sent.dump();
    }
  };
  auto started = Clock::now();
  auto watch = start_custos({"watch", "--queue", url, "--workers", "4", "--wait-seconds", "1",
                             "--journal", path("journal.db"), path("policy.yml")});
  feed();
  const int malformed = 3 * kEachMalformed;
  while ((in_queue(url) > 0 || in_queue(dead) < malformed) && seconds_since(started) < 240)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  double handled = seconds_since(started);
  watch->kill(SIGTERM);
  ProcessResult ended = watch->wait();
  std::cout << "watch: " << kTotal << " events in " << handled << " s (" << kTotal / handled
            << " events/s)" << std::endl;
  ASSERT_EQ(ended.exit_code, 0) << ended.err;
  EXPECT_EQ(in_queue(url), 0);
  EXPECT_EQ(in_queue(dead), malformed);

  const std::string& log = ended.out;
  expect_counts(log, 2);
  expect_one_delivery_at_a_time(log);
  EXPECT_EQ(count_of(log, "bad, handed back for the queue's dead-letter queue"),
            static_cast<std::size_t>(2 * malformed));
  EXPECT_EQ(count_of(log, ", deleted\n"), static_cast<std::size_t>(kTotal - malformed));
  EXPECT_EQ(count_of(log, "not deleted"), 0u) << lines_with(log, "not deleted");
  EXPECT_EQ(count_of(log, "received 2 times): bad"), static_cast<std::size_t>(malformed))
      << lines_with(log, "received 3 times");
  expect_bounded(ended, "watch");
  expect_contained_once(instances);
  expect_journal_agrees(path("journal.db"), instances);
}

// The runtime takes one invocation at a time, as Lambda gives them, from the local Runtime API.
TEST_F(BurstTest, LambdaRuntimeAnswersTenThousandMixedInvocations) {
  std::vector<std::string> instances = seed_instances();
  std::filesystem::create_directories(path("policies"));
  write("policies/policy.yml", contain_policy());
  write("policies/index.json", R"({"ec2-compromised-contain": "policy.yml"})");
  std::vector<std::string> bodies = mixed_burst(instances);
  RuntimeApiServer api;
  auto started = Clock::now();
  auto runtime = start_custos({"lambda", "--policies", path("policies")},
                              {{"AWS_LAMBDA_RUNTIME_API", api.address()},
                               {"_HANDLER", "ec2-compromised-contain"},
                               {"CUSTOS_JOURNAL", path("journal.db")}});
  std::vector<std::string> requests;
  for (const auto& body : bodies) requests.push_back(api.invoke(body));
  std::map<std::string, int> answers;  // by error type; "" for a success
  for (const auto& id : requests) {
    auto answer = api.answer(id, std::chrono::seconds(120));
    ASSERT_TRUE(answer.has_value()) << id;
    ++answers[answer->error_type];
  }
  double handled = seconds_since(started);
  api.stop();
  ProcessResult ended = runtime->wait();
  std::cout << "lambda: " << kTotal << " invocations in " << handled << " s (" << kTotal / handled
            << " events/s)" << std::endl;
  const int malformed = 3 * kEachMalformed;
  EXPECT_EQ(answers, (std::map<std::string, int>{{"", kTotal - malformed},
                                                 {"custos.InvalidEvent", malformed}}));
  expect_counts(ended.out, 1);
  EXPECT_EQ(count_of(ended.out, "ERROR custos.InvalidEvent"), static_cast<std::size_t>(malformed));
  expect_bounded(ended, "lambda runtime");
  expect_contained_once(instances);
  expect_journal_agrees(path("journal.db"), instances);
}

}  // namespace
}  // namespace custos::test
