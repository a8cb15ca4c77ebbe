// listener and modify-listener on an application load balancer in moto: of an HTTP and an HTTPS
// listener, the HTTPS one with an old TLS policy is found (a listener filter, then one with
// matched: true) and moved to a current policy; the AWS CLI reads the listeners back, a dry run
// changes nothing, a second run finds nothing left to change, and the undo restores the policy.
#include <gtest/gtest.h>

#include "integration/action_check.h"

namespace custos::test {
namespace {

class AppElbListenersTest : public ActionTest {};

TEST_F(AppElbListenersTest, AnOldTlsPolicyIsReplacedOnTheHttpsListenerOnly) {
  auto [vpc, subnets] = vpc_with_two_subnets();
  std::string balancer = aws_cli({"elbv2", "create-load-balancer", "--name", "web", "--subnets",
                                  subnets[0], subnets[1]})["LoadBalancers"][0]["LoadBalancerArn"];
  std::string group =
      aws_cli({"elbv2", "create-target-group", "--name", "app", "--protocol", "HTTP", "--port",
               "80", "--vpc-id", vpc})["TargetGroups"][0]["TargetGroupArn"];
  std::string certificate =
      aws_cli({"acm", "request-certificate", "--domain-name", "web.example.com"})["CertificateArn"];
  const std::string forward = "Type=forward,TargetGroupArn=" + group;
  aws_cli({"elbv2", "create-listener", "--load-balancer-arn", balancer, "--protocol", "HTTP",
           "--port", "80", "--default-actions", forward});
  aws_cli({"elbv2", "create-listener", "--load-balancer-arn", balancer, "--protocol", "HTTPS",
           "--port", "443", "--ssl-policy", "ELBSecurityPolicy-2016-08", "--certificates",
           "CertificateArn=" + certificate, "--default-actions", forward});
  // "PORT PROTOCOL" of each listener and, for HTTPS, its TLS policy (moto gives HTTP listeners
  // one too), sorted by port.
  auto listeners = [&] {
    Json found = aws_cli({"elbv2", "describe-listeners", "--load-balancer-arn", balancer});
    std::map<int, std::string> by_port;
    for (const Json& listener : found["Listeners"])
      by_port[listener["Port"]] =
          listener["Protocol"].get<std::string>() +
          (listener["Protocol"] == "HTTPS" ? " " + listener["SslPolicy"].get<std::string>() : "");
    Json text = Json::array();
    for (const auto& [port, rest] : by_port) text.push_back(std::to_string(port) + " " + rest);
    return text;
  };
  const Json before = listeners();
  ASSERT_EQ(before, Json::parse(R"(["80 HTTP", "443 HTTPS ELBSecurityPolicy-2016-08"])"));
  const std::string yaml = R"(policies:
  - name: app-elb-invalid-ciphers
    resource: app-elb
    filters:
      - type: listener
        key: Protocol
        value: HTTPS
      - type: listener
        key: SslPolicy
        value: ['ELBSecurityPolicy-TLS-1-1-2017-01','ELBSecurityPolicy-TLS-1-2-2017-01']
        op: ni
        matched: true
    actions:
      - type: modify-listener
        sslpolicy: "ELBSecurityPolicy-TLS-1-2-2017-01"
)";
  ProcessResult dry = run_policy(yaml, {"--no-journal", "--dryrun"});
  EXPECT_NE(dry.out.find("would call elbv2 ModifyListener"), std::string::npos) << dry.out;
  EXPECT_EQ(listeners(), before);
  run_policy(yaml, {"--no-journal"});
  EXPECT_EQ(listeners(),
            Json::parse(R"(["80 HTTP", "443 HTTPS ELBSecurityPolicy-TLS-1-2-2017-01"])"));
  Json records = actions_of("app-elb-invalid-ciphers");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_TRUE(check_holds(records[0]["check"])) << records[0];
  run_policy(yaml, {"--no-journal"});
  EXPECT_TRUE(actions_of("app-elb-invalid-ciphers").empty());
  expect_undo_restores(records, listeners, before);
}

}  // namespace
}  // namespace custos::test
