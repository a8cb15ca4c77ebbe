// Load balancer checks against moto: classic load balancers by their listeners (is-ssl), by
// whether their health check speaks their instances' protocol, and by their instances' image
// (instance); application load balancers by their target groups' health checks.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class LoadBalancerChecksTest : public ActionTest {
 protected:
  Json names(const std::string& resource, const std::string& filter) const {
    Json list = Json::array();
    for (const Json& balancer :
         matched_by("policies:\n  - name: checks\n    resource: " + resource +
                        "\n    filters:\n      - " + filter + "\n",
                    "checks"))
      list.push_back(balancer["LoadBalancerName"]);
    std::sort(list.begin(), list.end());
    return list;
  }
};

TEST_F(LoadBalancerChecksTest, ClassicLoadBalancersByListenersHealthChecksAndInstances) {
  aws_cli({"elb", "create-load-balancer", "--load-balancer-name", "tls", "--listeners",
           "Protocol=HTTPS,LoadBalancerPort=443,InstanceProtocol=HTTP,InstancePort=80,"
           "SSLCertificateId=arn:aws:iam::123456789012:server-certificate/web",
           "--availability-zones", "us-east-1a"});
  aws_cli({"elb", "create-load-balancer", "--load-balancer-name", "plain", "--listeners",
           "Protocol=HTTP,LoadBalancerPort=80,InstanceProtocol=HTTP,InstancePort=80",
           "--availability-zones", "us-east-1a"});
  aws_cli({"elb", "configure-health-check", "--load-balancer-name", "tls", "--health-check",
           "Target=TCP:22,Interval=30,Timeout=5,UnhealthyThreshold=2,HealthyThreshold=2"});
  aws_cli({"elb", "configure-health-check", "--load-balancer-name", "plain", "--health-check",
           "Target=HTTP:80/health,Interval=30,Timeout=5,UnhealthyThreshold=2,HealthyThreshold=2"});
  std::string instance = aws_cli({"ec2", "run-instances", "--image-id", "ami-12c6146b",
                                  "--instance-type", "t3.micro"})["Instances"][0]["InstanceId"];
  aws_cli({"elb", "register-instances-with-load-balancer", "--load-balancer-name", "plain",
           "--instances", instance});
  EXPECT_EQ(names("elb", "is-ssl"), Json::array({"tls"}));
  EXPECT_EQ(names("elb", "healthcheck-protocol-mismatch"), Json::array({"tls"}));
  EXPECT_EQ(names("elb", "{type: instance, key: ImageId, value: ami-12c6146b}"),
            Json::array({"plain"}));
}

TEST_F(LoadBalancerChecksTest, ApplicationLoadBalancersWithAMismatchedTargetGroup) {
  auto [vpc, subnets] = vpc_with_two_subnets();
  auto balancer = [&](const std::string& name, const std::string& health) {
    std::string arn = aws_cli({"elbv2", "create-load-balancer", "--name", name, "--subnets",
                               subnets[0], subnets[1]})["LoadBalancers"][0]["LoadBalancerArn"];
    std::string group =
        aws_cli({"elbv2", "create-target-group", "--name", name + "-tg", "--protocol", "HTTP",
                 "--port", "80", "--vpc-id", vpc, "--health-check-protocol",
                 health})["TargetGroups"][0]["TargetGroupArn"];
    aws_cli({"elbv2", "create-listener", "--load-balancer-arn", arn, "--protocol", "HTTP", "--port",
             "80", "--default-actions", "Type=forward,TargetGroupArn=" + group});
  };
  balancer("matched", "HTTP");
  balancer("mismatched", "HTTPS");
  EXPECT_EQ(names("app-elb", "healthcheck-protocol-mismatch"), Json::array({"mismatched"}));
}

}  // namespace
}  // namespace custos::test
