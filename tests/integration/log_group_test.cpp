// last-write on log groups over real HTTP: moto serves the groups; a proxy in front of it
// answers DescribeLogStreams with streams written at fixed times (moto stamps everything now),
// so that one group was last written 90 days ago, one an hour ago, and one has no stream.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "integration/action_check.h"
#include "support/fault_proxy.h"
#include "support/paths.h"

namespace custos::test {
namespace {

long long millis_ago(std::chrono::hours age) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             (std::chrono::system_clock::now() - age).time_since_epoch())
      .count();
}

std::optional<FaultProxy::Reply> streams(const FaultProxy::Arrival& arrival) {
  bool asked = false;
  for (const auto& [header, value] : arrival.headers)
    asked = asked || value == "Logs_20140328.DescribeLogStreams";
  if (!asked) return std::nullopt;
  Json request = Json::parse(arrival.body);
  std::string group = request.value("logGroupName", "");
  Json list = Json::array();
  if (group == "archive")
    list.push_back({{"logStreamName", "old"},
                    {"creationTime", millis_ago(std::chrono::hours(24 * 120))},
                    {"lastIngestionTime", millis_ago(std::chrono::hours(24 * 90))}});
  if (group == "app")
    list.push_back({{"logStreamName", "today"},
                    {"creationTime", millis_ago(std::chrono::hours(24 * 120))},
                    {"lastIngestionTime", millis_ago(std::chrono::hours(1))}});
  FaultProxy::Reply reply;
  reply.content_type = "application/x-amz-json-1.1";
  reply.body = Json{{"logStreams", list}}.dump();
  return reply;
}

class LogGroupTest : public ActionTest {};

// Cloud Custodian's cloudwatch-stale-groups: written to more than 60 days ago. A group without
// streams is judged by its own creation (now, in moto).
TEST_F(LogGroupTest, GroupsLastWrittenLongAgo) {
  for (const char* group : {"archive", "app", "empty"})
    aws_cli({"logs", "create-log-group", "--log-group-name", group});
  FaultProxy proxy(emulator().url());
  proxy.answer_with(streams);
  auto stale = [&](const std::string& days) {
    return matched_by(
        "policies:\n  - name: stale\n    resource: log-group\n    filters:\n"
        "      - {type: last-write, days: " +
            days + "}\n",
        "stale", {{"AWS_ENDPOINT_URL", proxy.url()}});
  };
  Json found = stale("60");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["logGroupName"], "archive");
  EXPECT_EQ(found[0]["streams"][0]["logStreamName"], "old");
  EXPECT_EQ(found[0]["lastWrite"], found[0]["streams"][0]["lastIngestionTime"]);
  Json names = Json::array();
  for (const Json& group : stale("0.01"))  // 14.4 minutes
    names.push_back(group["logGroupName"]);
  EXPECT_EQ(names, Json::array({"app", "archive"}));
}

}  // namespace
}  // namespace custos::test
