// The metrics filter on types whose CloudWatch dimensions are not one field of the document,
// against moto: an application load balancer (LoadBalancer: app/NAME/ID from its ARN) and a
// CloudFront distribution (DistributionId and Region: Global), each with data points put under
// those dimensions and none under others.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "integration/type_rows.h"

namespace custos::test {
namespace {

class MetricDimensionsTest : public ActionTest {
 protected:
  std::size_t kept(const std::string& resource, const std::string& filter) const {
    return matched_by("policies:\n  - name: busy\n    resource: " + resource +
                          "\n    filters:\n      - " + filter + "\n",
                      "busy")
        .size();
  }
};

// Cloud Custodian's net-lb-underutilized, for an application load balancer.
TEST_F(MetricDimensionsTest, LoadBalancersByTheirArnsResourcePart) {
  create(row_of("app-elb"), client());
  std::string arn =
      aws_cli({"elbv2", "describe-load-balancers"})["LoadBalancers"][0]["LoadBalancerArn"];
  std::string named = arn.substr(arn.find("loadbalancer/") + 13);  // app/NAME/ID
  aws_cli({"cloudwatch", "put-metric-data", "--namespace", "AWS/ApplicationELB", "--metric-name",
           "RequestCount", "--dimensions", "LoadBalancer=" + named, "--value", "50"});
  const std::string requests =
      "{type: metrics, name: RequestCount, statistics: Sum, days: 1, period: 86400, ";
  EXPECT_EQ(kept("app-elb", requests + "op: ge, value: 40}"), 1u);
  EXPECT_EQ(kept("app-elb", requests + "op: ge, value: 60}"), 0u);
}

// Cloud Custodian's cloudfront-distribution-errors.
TEST_F(MetricDimensionsTest, DistributionsByIdInTheGlobalRegion) {
  Json answers = create(row_of("distribution"), client());
  std::string id =
      aws_cli({"cloudfront", "list-distributions"})["DistributionList"]["Items"][0]["Id"];
  aws_cli({"cloudwatch", "put-metric-data", "--namespace", "AWS/CloudFront", "--metric-name",
           "Requests", "--dimensions", "DistributionId=" + id + ",Region=Global", "--value", "7"});
  aws_cli({"cloudwatch", "put-metric-data", "--namespace", "AWS/CloudFront", "--metric-name",
           "Requests", "--dimensions", "DistributionId=" + id + ",Region=us-east-1", "--value",
           "1"});
  // 7 under Region: Global alone; both data points would average 4.
  EXPECT_EQ(kept("distribution", "{type: metrics, name: Requests, value: 5, op: ge}"), 1u);
  EXPECT_EQ(kept("distribution", "{type: metrics, name: Requests, value: 8, op: ge}"), 0u);
}

}  // namespace
}  // namespace custos::test
