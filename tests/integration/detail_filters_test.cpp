// The value filters over one more call per resource (src/resources/detail_filters.cpp), over
// real HTTP against moto: each row makes a resource (tests/integration/type_rows.h) or sets the
// account up, and a policy with the filter as written must keep it, the same filter asking the
// opposite must not.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "integration/fixture.h"
#include "integration/type_rows.h"
#include "support/paths.h"

namespace custos::test {
namespace {

struct FilterRow {
  std::string type;
  std::string filter;         // the policy's filter, YAML flow style: keeps the resource
  std::string other;          // the same filter asking the opposite: keeps nothing
  std::vector<Call> setup{};  // after the type's row (aws.account has none)
};

std::vector<FilterRow> filter_rows() {
  return {
      {"dynamodb-table",
       "{type: continuous-backup, key: PointInTimeRecoveryDescription.PointInTimeRecoveryStatus, "
       "value: DISABLED}",
       "{type: continuous-backup, key: PointInTimeRecoveryDescription.PointInTimeRecoveryStatus, "
       "value: ENABLED}"},
      {"account",
       "{type: password-policy, key: MinimumPasswordLength, value: 10, op: ge}",
       "{type: password-policy, key: PasswordPolicyConfigured, value: false}",
       {{"iam", "UpdateAccountPasswordPolicy", R"({"MinimumPasswordLength": 12})"}}},
      {"account", "{type: password-policy, key: PasswordPolicyConfigured, value: false}",
       "{type: password-policy, key: MinimumPasswordLength, value: 1, op: ge}"},
      {"account",
       "{type: organization, key: FeatureSet, value: ALL}",
       "{type: organization, key: Id, value: absent}",
       {{"organizations", "CreateOrganization", R"({"FeatureSet": "ALL"})"}}},
      {"account", "{type: organization, key: Id, value: absent}",
       "{type: organization, key: Id, value: present}"},
      {"elb", "{type: attributes, key: ConnectionDraining.Enabled, value: false}",
       "{type: attributes, key: ConnectionDraining.Enabled, value: true}"},
      {"app-elb", "{type: attributes, key: deletion_protection.enabled, value: false}",
       "{type: attributes, key: deletion_protection.enabled, value: true}"},
      {"redshift", "{type: logging, key: LoggingEnabled, value: false}",
       "{type: logging, key: LoggingEnabled, value: true}"},
      {"distribution", "{type: distribution-config, key: Enabled, value: false}",
       "{type: distribution-config, key: Enabled, value: true}"},
      {"log-group",
       "{type: subscription-filter, key: filterName, value: to-sink}",
       "{type: subscription-filter, key: filterName, value: other}",
       {{"logs", "CreateLogGroup", R"({"logGroupName": "/sink"})"},
        {"logs", "PutSubscriptionFilter",
         R"({"logGroupName": "/app/web", "filterName": "to-sink", "filterPattern": "",
             "destinationArn": "arn:aws:logs:us-east-1:123456789012:log-group:/sink:*"})"}}},
      {"asg",
       "{type: scaling-policy, key: PolicyType, value: SimpleScaling}",
       "{type: scaling-policy, key: PolicyType, value: TargetTrackingScaling}",
       {{"autoscaling", "PutScalingPolicy",
         R"({"AutoScalingGroupName": "web", "PolicyName": "up", "PolicyType": "SimpleScaling",
             "AdjustmentType": "ChangeInCapacity", "ScalingAdjustment": 1})"}}},
      {"log-metric",
       "{type: alarm, key: AlarmName, value: too-many-errors}",
       "{type: alarm, key: AlarmName, value: absent}",
       {{"cloudwatch", "PutMetricAlarm",
         R"({"AlarmName": "too-many-errors", "Namespace": "app", "MetricName": "errors",
             "Statistic": "Sum", "Period": 60, "EvaluationPeriods": 1, "Threshold": 5,
             "ComparisonOperator": "GreaterThanThreshold"})"}}},
      {"rds",
       "{type: db-option-groups, key: OptionName, value: NATIVE_NETWORK_ENCRYPTION}",
       "{type: db-option-groups, key: OptionName, value: absent}",
       {{"rds", "CreateOptionGroup",
         R"({"OptionGroupName": "og", "EngineName": "postgres", "MajorEngineVersion": "13",
             "OptionGroupDescription": "encrypted in transit"})"},
        {"rds", "ModifyOptionGroup",
         R"({"OptionGroupName": "og", "OptionsToInclude": [{"OptionName":
             "NATIVE_NETWORK_ENCRYPTION"}]})"},
        {"rds", "ModifyDBInstance",
         R"({"DBInstanceIdentifier": "db1", "OptionGroupName": "og", "ApplyImmediately": true})"}}},
      {"glue-crawler",
       "{type: security-config, key: "
       "EncryptionConfiguration.CloudWatchEncryption.CloudWatchEncryptionMode, value: SSE-KMS}",
       "{type: security-config, key: "
       "EncryptionConfiguration.CloudWatchEncryption.CloudWatchEncryptionMode, op: ne, value: "
       "SSE-KMS}",
       {{"glue", "CreateSecurityConfiguration",
         R"({"Name": "kms", "EncryptionConfiguration": {"CloudWatchEncryption":
             {"CloudWatchEncryptionMode": "SSE-KMS",
             "KmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/k1"}}})"},
        {"glue", "CreateCrawler",
         R"({"Name": "crawl-encrypted", "Role": "arn:aws:iam::123456789012:role/custos-test",
             "Targets": {"S3Targets": [{"Path": "s3://data"}]},
             "CrawlerSecurityConfiguration": "kms"})"}}},
      {"iam-group",
       "{type: has-users, value: true}",
       "{type: has-users, value: false}",
       {{"iam", "CreateUser", R"({"UserName": "ann"})"},
        {"iam", "AddUserToGroup", R"({"GroupName": "ops", "UserName": "ann"})"}}},
      {"iam-group", "{type: has-inline-policy, value: false}",
       "{type: has-inline-policy, value: true}"},
      {"account",
       "{type: has-virtual-mfa, value: true}",
       "{type: has-virtual-mfa, value: false}",
       {{"iam", "CreateVirtualMFADevice",
         R"({"VirtualMFADeviceName": "root-account-mfa-device"})"}}},
      {"account",
       "{type: securityhub, enabled: true}",
       "{type: securityhub, enabled: false}",
       {{"securityhub", "EnableSecurityHub", "{}"}}},
      {"account", "{type: shield-enabled}", "{type: shield-enabled, state: true}"},
  };
}

void PrintTo(const FilterRow& row, std::ostream* out) { *out << row.type << " " << row.filter; }

std::string filter_row_name(const ::testing::TestParamInfo<FilterRow>& info) {
  std::string filter = info.param.filter.substr(7, info.param.filter.find(',') - 7);
  std::string name = info.param.type + "_" + filter + "_" + std::to_string(info.index);
  std::replace_if(
      name.begin(), name.end(), [](char c) { return !std::isalnum(c); }, '_');
  return name;
}

class DetailFilterTest : public IntegrationTest, public ::testing::WithParamInterface<FilterRow> {};

TEST_P(DetailFilterTest, KeepsWhatItsCallSaysAndNotTheOpposite) {
  const FilterRow& row = GetParam();
  aws::Client aws = client();
  Json answers = row.type == "account" ? Json::array() : create(row_of(row.type), aws);
  for (const Call& call : row.setup)
    answers.push_back(
        aws.call(call.service, call.operation, resolve(Json::parse(call.params), answers)));
  write("p.yml", "policies:\n  - name: kept\n    resource: " + row.type + "\n    filters: [" +
                     row.filter + "]\n  - name: other\n    resource: " + row.type +
                     "\n    filters: [" + row.other + "]\n");
  auto run = custos({"run", "-s", path("out"), path("p.yml")});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  Json kept = Json::parse(read_file(path("out/kept/resources.json")));
  EXPECT_EQ(kept.size(), 1u) << kept.dump();
  Json other = Json::parse(read_file(path("out/other/resources.json")));
  EXPECT_EQ(other.size(), 0u) << other.dump();
}

INSTANTIATE_TEST_SUITE_P(Types, DetailFilterTest, ::testing::ValuesIn(filter_rows()),
                         filter_row_name);

}  // namespace
}  // namespace custos::test
