// Logging turned on by Cloud Custodian's examples, unchanged, over real HTTP against moto:
// Redshift's audit logs (set-logging) and an application load balancer's access logs
// (set-s3-logging), each read back with the AWS CLI and put back by the undo.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "integration/type_rows.h"
#include "jmespath/jmespath.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class LoggingActionsTest : public ActionTest {
 protected:
  // The id of a new resource of `type` (tests/integration/type_rows.h).
  std::string make(const std::string& type) const {
    const Row& row = row_of(type);
    return jmespath::Expression::compile(row.id).search(create(row, client()));
  }
  std::string example(const std::string& file) const {
    return read_file(data_path("policies/c7n/" + file));
  }
};

TEST_F(LoggingActionsTest, RedshiftAuditLogsGoToTheBucket) {
  const std::string cluster = make("redshift");
  auto status = [&] {
    Json now = aws_cli({"redshift", "describe-logging-status", "--cluster-identifier", cluster});
    // Where logs went while on says nothing once they are off (moto 5.2.1 keeps it).
    if (now["LoggingEnabled"] != true) return Json::array({false, "", ""});
    return Json::array({true, now.value("BucketName", ""), now.value("S3KeyPrefix", "")});
  };
  const Json before = status();
  ASSERT_EQ(before[0], false);
  Json records = prove_remedy(example("redshift/redshift-165-redshift-test.yml"), "redshift-test",
                              status, "redshift EnableLogging");
  EXPECT_EQ(status(), Json::parse(R"([true, "redshiftlogtest", "redshiftlogs"])"));
  expect_undo_restores(records, status, before);
}

TEST_F(LoggingActionsTest, LoadBalancerAccessLogsGoToTheBucket) {
  const std::string arn = make("app-elb");
  auto logs = [&] {
    Json attributes = aws_cli(
        {"elbv2", "describe-load-balancer-attributes", "--load-balancer-arn", arn})["Attributes"];
    Json found = Json::object();
    for (const Json& attribute : attributes)
      if (attribute["Key"].get<std::string>().starts_with("access_logs.s3."))
        found[attribute["Key"].get<std::string>()] = attribute["Value"];
    return found;
  };
  aws_cli({"elbv2", "modify-load-balancer-attributes", "--load-balancer-arn", arn, "--attributes",
           "Key=access_logs.s3.enabled,Value=false"});
  const Json before = logs();
  Json records = prove_remedy(example("app-elb/appelb-536-elbv2-test.yml"), "elbv2-test", logs,
                              "elbv2 ModifyLoadBalancerAttributes");
  EXPECT_EQ(logs()["access_logs.s3.enabled"], "true");
  EXPECT_EQ(logs()["access_logs.s3.bucket"], "elbv2logtest");
  EXPECT_EQ(logs()["access_logs.s3.prefix"], "dahlogs");
  expect_undo_restores(records, logs, before);

  // The prefix names the load balancer's fields and tags; off is off.
  run_policy(R"(policies:
  - name: per-balancer
    resource: app-elb
    actions:
      - {type: set-s3-logging, state: enabled, bucket: logs, prefix: "{AccountId}/{team}/{LoadBalancerName}"}
)");
  EXPECT_EQ(logs()["access_logs.s3.prefix"], "123456789012/blue/alb");
  run_policy(R"(policies:
  - name: logs-off
    resource: app-elb
    actions:
      - {type: set-s3-logging, state: disabled}
)");
  EXPECT_EQ(logs()["access_logs.s3.enabled"], "false");
}

}  // namespace
}  // namespace custos::test
