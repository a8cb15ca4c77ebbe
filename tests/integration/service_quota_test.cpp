// aws.service-quota over real HTTP: moto serves vpc's default quotas and CloudWatch, a proxy in
// front of it (moto_gaps.h) the Service Quotas calls moto lacks (the services, the values
// applied to the account, the increase requests). Cloud Custodian's quotas.py examples run
// unchanged: usage over 19% of a quota found from CloudWatch, quotas by their request history,
// and an increase requested, read back with the AWS CLI through the proxy.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>

#include "integration/action_check.h"
#include "integration/moto_gaps.h"
#include "support/aws_cli.h"
#include "support/fault_proxy.h"
#include "support/paths.h"

namespace custos::test {
namespace {

// A ServiceQuota of vpc as AWS gives it, with a UsageMetric when `usage` names its resource.
Json vpc_quota(const std::string& code, const std::string& name, double value,
               const std::string& usage = "") {
  Json quota = {{"ServiceCode", "vpc"},
                {"ServiceName", "Amazon Virtual Private Cloud (Amazon VPC)"},
                {"QuotaArn", "arn:aws:servicequotas:us-east-1:123456789012:vpc/" + code},
                {"QuotaCode", code},
                {"QuotaName", name},
                {"Value", value},
                {"Unit", "None"},
                {"Adjustable", true},
                {"GlobalQuota", false}};
  if (!usage.empty())
    quota["UsageMetric"] = {
        {"MetricNamespace", "AWS/Usage"},
        {"MetricName", "ResourceCount"},
        {"MetricDimensions",
         {{"Class", "None"}, {"Resource", usage}, {"Service", "VPC"}, {"Type", "Resource"}}},
        {"MetricStatisticRecommendation", "Maximum"}};
  return quota;
}

class ServiceQuotaTest : public ActionTest {
 protected:
  void SetUp() override {
    ActionTest::SetUp();
    gap_->applied = Json::array(
        {vpc_quota("L-F678F1CE", "VPCs per Region", 10, "vpc"),
         vpc_quota("L-45FE3B85", "Egress-only internet gateways per Region", 100, "eigw"),
         vpc_quota("L-foo", "Foos per Region", 10)});
    proxy_ = std::make_unique<FaultProxy>(emulator().url());
    answer_service_quotas(*proxy_, gap_);
    env_ = {{"AWS_ENDPOINT_URL", proxy_->url()}};
  }
  std::string example(const std::string& name) const {
    return read_file(data_path("policies/c7n/service-quota/" + name + ".yml"));
  }
  // The AWS CLI through the proxy.
  Json through_proxy(std::vector<std::string> args) const {
    args.insert(args.end(), {"--endpoint-url", proxy_->url()});
    ProcessResult result = run_aws_cli(args, emulator_env());
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return result.out.empty() ? Json::object() : Json::parse(result.out);
  }
  // A data point five minutes ago (one stamped now may fall after the second the filter's
  // window ends at).
  void usage(const std::string& resource, double count) const {
    const long long at = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count() -
                         300;
    aws_cli({"cloudwatch", "put-metric-data", "--namespace", "AWS/Usage", "--metric-name",
             "ResourceCount", "--dimensions",
             "Class=None,Resource=" + resource + ",Service=VPC,Type=Resource", "--value",
             std::to_string(count), "--timestamp", std::to_string(at)});
  }

  std::shared_ptr<ServiceQuotasGap> gap_ = std::make_shared<ServiceQuotasGap>();
  std::unique_ptr<FaultProxy> proxy_;
  std::map<std::string, std::string> env_;
};

TEST_F(ServiceQuotaTest, ListsTheDefaultsWithTheAppliedValuesOverThem) {
  write("p.yml", "policies:\n  - name: quotas\n    resource: aws.service-quota\n");
  auto run = custos({"run", "-s", path("out"), path("p.yml")}, env_);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  Json quotas = Json::parse(read_file(path("out/quotas/resources.json")));
  // moto's 25 defaults of vpc, and L-foo, which only the applied values have.
  ASSERT_EQ(quotas.size(), 26u);
  std::map<std::string, Json> by_code;
  for (const Json& q : quotas) by_code[q["QuotaCode"]] = q;
  EXPECT_EQ(by_code.size(), 26u);
  EXPECT_EQ(by_code["L-F678F1CE"]["Value"], 10.0);  // the applied value, not the default 5
  EXPECT_TRUE(by_code["L-F678F1CE"].contains("UsageMetric"));
  EXPECT_EQ(by_code["L-7E9ECCDB"]["Value"], 50.0);  // a default
}

// 3 VPCs of 10 is over 19%; 3 egress-only gateways of 100 is not; L-foo has no usage metric.
TEST_F(ServiceQuotaTest, UsageMetricFindsTheQuotasUsedOverTheLimit) {
  usage("vpc", 3);
  usage("eigw", 3);
  Json matched = matched_by(example("quotas-118-service-quota-usage-limit"),
                            "service-quota-usage-limit", env_);
  ASSERT_EQ(matched.size(), 1u) << matched.dump();
  EXPECT_EQ(matched[0]["QuotaCode"], "L-F678F1CE");
  const Json& note = matched[0]["c7n:UsageMetric"];
  EXPECT_EQ(note["metric"], 3.0);
  EXPECT_DOUBLE_EQ(note["limit"].get<double>(), 1.9);
  EXPECT_EQ(note["quota"], 10.0);
  EXPECT_EQ(note["statistic"], "Maximum");
  EXPECT_EQ(note["period"], 86400);
}

TEST_F(ServiceQuotaTest, RequestHistoryFindsTheQuotasWithAClosedRequest) {
  gap_->requests = Json::array({{{"Id", "old-1"},
                                 {"ServiceCode", "vpc"},
                                 {"QuotaCode", "L-F678F1CE"},
                                 {"DesiredValue", 8.0},
                                 {"Status", "CASE_CLOSED"}},
                                {{"Id", "old-2"},
                                 {"ServiceCode", "vpc"},
                                 {"QuotaCode", "L-foo"},
                                 {"DesiredValue", 20.0},
                                 {"Status", "PENDING"}}});
  Json matched = matched_by(example("quotas-225-service-quota-increase-history-filter"),
                            "service-quota-increase-history-filter", env_);
  ASSERT_EQ(matched.size(), 1u) << matched.dump();
  EXPECT_EQ(matched[0]["QuotaCode"], "L-F678F1CE");
  EXPECT_EQ(matched[0]["c7n:ServiceQuotaChangeHistory"][0]["Id"], "old-1");
}

TEST_F(ServiceQuotaTest, RequestIncreaseAsksForTheValueTimesTheMultiplier) {
  auto requests = [&] {
    return through_proxy({"service-quotas", "list-requested-service-quota-change-history-by-quota",
                          "--service-code", "vpc", "--quota-code", "L-foo"})["RequestedQuotas"];
  };
  Json records =
      prove_action(example("quotas-272-request-limit-increase"), "request-limit-increase", requests,
                   "service-quotas RequestServiceQuotaIncrease", env_);
  ASSERT_EQ(records.size(), 1u) << records.dump();
  Json asked = requests();
  ASSERT_EQ(asked.size(), 1u) << asked.dump();
  EXPECT_EQ(asked[0]["DesiredValue"], 12.0);  // floor(1.2 x 10)
  EXPECT_EQ(asked[0]["Status"], "PENDING");
  EXPECT_EQ(records[0]["after"]["RequestId"], asked[0]["Id"]);
  EXPECT_TRUE(records[0]["undo"].is_null());  // a request cannot be withdrawn
}

// A quota AWS does not let one raise, and one the multiplier would leave as it is: nothing asked.
TEST_F(ServiceQuotaTest, RequestIncreaseLeavesWhatItCannotRaise) {
  Json fixed = vpc_quota("L-fixed", "Fixed things", 10);
  fixed["Adjustable"] = false;
  gap_->applied.push_back(fixed);
  gap_->applied.push_back(vpc_quota("L-one", "One thing", 1));
  run_policy(R"(policies:
  - name: raise
    resource: aws.service-quota
    filters:
      - type: value
        key: QuotaCode
        op: in
        value: [L-fixed, L-one]
    actions:
      - type: request-increase
)",
             {"--no-journal"}, env_);
  Json records = actions_of("raise");
  ASSERT_EQ(records.size(), 2u) << records.dump();
  for (const Json& record : records) EXPECT_EQ(record["outcome"], "unchanged") << record.dump();
  EXPECT_TRUE(gap_->requests.empty()) << gap_->requests.dump();
}

}  // namespace
}  // namespace custos::test
