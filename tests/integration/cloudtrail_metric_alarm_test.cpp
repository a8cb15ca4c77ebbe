// check-cloudtrail's log-metric-filter-pattern (Cloud Custodian's CIS check) over real HTTP
// against moto: the account is flagged until its trail's log group has the metric filter, an
// alarm on its metric, and an SNS topic behind the alarm with a subscriber; Cloud Custodian's
// example runs unchanged, and the pattern may be a value filter over the metric filter.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "support/paths.h"

namespace custos::test {
namespace {

constexpr const char* kPattern = R"({ ($.eventName = "ConsoleLogin") })";

class CloudTrailMetricAlarmTest : public ActionTest {
 protected:
  // A multi-region trail logging management events into log group `group`.
  void make_trail(const std::string& group) const {
    aws_cli({"s3api", "create-bucket", "--bucket", "trail-logs"});
    std::string group_arn = aws_cli(
        {"logs", "describe-log-groups", "--log-group-name-prefix", group})["logGroups"][0]["arn"];
    aws_cli({"cloudtrail", "create-trail", "--name", "main", "--s3-bucket-name", "trail-logs",
             "--is-multi-region-trail", "--include-global-service-events",
             "--cloud-watch-logs-log-group-arn", group_arn, "--cloud-watch-logs-role-arn",
             "arn:aws:iam::123456789012:role/trail-to-logs"});
    aws_cli({"cloudtrail", "start-logging", "--name", "main"});
    aws_cli({"cloudtrail", "put-event-selectors", "--trail-name", "main", "--event-selectors",
             R"([{"ReadWriteType": "All", "IncludeManagementEvents": true}])"});
  }
  // A metric filter with `pattern` on `group`, an alarm on its metric notifying a new topic;
  // the topic's ARN.
  std::string alarm_on(const std::string& group, const std::string& pattern) const {
    aws_cli({"logs", "put-metric-filter", "--log-group-name", group, "--filter-name", "logins",
             "--filter-pattern", pattern, "--metric-transformations",
             "metricName=ConsoleLogins,metricNamespace=CIS,metricValue=1"});
    std::string topic = aws_cli({"sns", "create-topic", "--name", "security"})["TopicArn"];
    aws_cli({"cloudwatch",
             "put-metric-alarm",
             "--alarm-name",
             "console-logins",
             "--metric-name",
             "ConsoleLogins",
             "--namespace",
             "CIS",
             "--statistic",
             "Sum",
             "--period",
             "300",
             "--evaluation-periods",
             "1",
             "--threshold",
             "1",
             "--comparison-operator",
             "GreaterThanOrEqualToThreshold",
             "--alarm-actions",
             topic});
    return topic;
  }
  void subscribe(const std::string& topic) const {
    std::string queue = aws_cli({"sqs", "create-queue", "--queue-name", "pager"})["QueueUrl"];
    std::string queue_arn = aws_cli({"sqs", "get-queue-attributes", "--queue-url", queue,
                                     "--attribute-names", "QueueArn"})["Attributes"]["QueueArn"];
    aws_cli({"sns", "subscribe", "--topic-arn", topic, "--protocol", "sqs",
             "--notification-endpoint", queue_arn});
  }
  bool flags_account(const std::string& yaml, const std::string& policy) const {
    return matched_by(yaml, policy).size() == 1;
  }
  static std::string pattern_policy(const std::string& pattern) {
    return "policies:\n  - name: p\n    resource: aws.account\n    filters:\n"
           "      - type: check-cloudtrail\n        log-metric-filter-pattern: " +
           pattern + "\n";
  }
};

TEST_F(CloudTrailMetricAlarmTest, TheAccountIsFlaggedUntilAnAlarmOnThePatternReachesASubscriber) {
  const std::string example =
      read_file(data_path("policies/c7n/account/account-cloudtrail-enabled.yml"));
  aws_cli({"logs", "create-log-group", "--log-group-name", "trail"});
  make_trail("trail");
  // Logging, multi-region, management events: only the metric filter is missing.
  EXPECT_TRUE(flags_account(example, "account-cloudtrail-enabled"));
  const std::string topic = alarm_on("trail", kPattern);
  // An alarm to a topic nobody subscribes to notifies no one.
  EXPECT_TRUE(flags_account(example, "account-cloudtrail-enabled"));
  subscribe(topic);
  EXPECT_FALSE(flags_account(example, "account-cloudtrail-enabled"));
  // Another pattern has no metric filter.
  EXPECT_TRUE(flags_account(pattern_policy(R"('{ $.eventName = "DeleteTrail" }')"), "p"));
}

TEST_F(CloudTrailMetricAlarmTest, APatternMayBeAValueFilterOverTheMetricFilter) {
  aws_cli({"logs", "create-log-group", "--log-group-name", "trail"});
  make_trail("trail");
  subscribe(alarm_on("trail", kPattern));
  // Cloud Custodian's regex form (key: filterPattern by default), with single backslashes.
  EXPECT_FALSE(flags_account(
      pattern_policy(
          R"({type: value, op: regex, value: '\{ ?(\()? ?\$\.eventName ?= ?(")?ConsoleLogin(")? ?(\))? ?\}'})"),
      "p"));
  EXPECT_TRUE(
      flags_account(pattern_policy("{type: value, op: regex, value: '.*DeleteTrail.*'}"), "p"));
  EXPECT_FALSE(flags_account(
      pattern_policy("{type: value, key: 'metricTransformations[0].metricNamespace', value: CIS}"),
      "p"));
}

TEST_F(CloudTrailMetricAlarmTest, ATrailWithoutALogGroupNeverQualifies) {
  aws_cli({"s3api", "create-bucket", "--bucket", "trail-logs"});
  aws_cli({"cloudtrail", "create-trail", "--name", "main", "--s3-bucket-name", "trail-logs"});
  aws_cli({"cloudtrail", "start-logging", "--name", "main"});
  EXPECT_TRUE(flags_account(pattern_policy(std::string("'") + kPattern + "'"), "p"));
  // Without the pattern the same trail qualifies (it logs).
  EXPECT_FALSE(flags_account(
      "policies:\n  - name: p\n    resource: aws.account\n    filters:\n      - check-cloudtrail\n",
      "p"));
}

}  // namespace
}  // namespace custos::test
