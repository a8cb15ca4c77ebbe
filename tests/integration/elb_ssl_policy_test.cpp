// ssl-policy and set-ssl-listener-policy on classic load balancers in moto: an HTTPS listener
// negotiating SSLv3 is found by a blacklist and by a whitelist (with `matching`), and given a
// TLS 1.2 policy in place of its own, read back with the AWS CLI; a dry run changes nothing, a
// repeat is unchanged, the undo played by the CLI puts the old policy back.
#include <gtest/gtest.h>

#include <algorithm>

#include "integration/action_check.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class ElbSslPolicyTest : public ActionTest {
 protected:
  void SetUp() override {
    ActionTest::SetUp();
    aws_cli({"elb", "create-load-balancer", "--load-balancer-name", "tls", "--listeners",
             "Protocol=HTTPS,LoadBalancerPort=443,InstanceProtocol=HTTP,InstancePort=80,"
             "SSLCertificateId=arn:aws:iam::123456789012:server-certificate/web",
             "--availability-zones", "us-east-1a"});
    aws_cli({"elb", "create-load-balancer", "--load-balancer-name", "plain", "--listeners",
             "Protocol=HTTP,LoadBalancerPort=80,InstancePort=80", "--availability-zones",
             "us-east-1a"});
    aws_cli({"elb", "create-load-balancer-policy", "--load-balancer-name", "tls", "--policy-name",
             "old-tls", "--policy-type-name", "SSLNegotiationPolicyType", "--policy-attributes",
             "AttributeName=Protocol-SSLv3,AttributeValue=true",
             "AttributeName=Protocol-TLSv1.2,AttributeValue=true",
             "AttributeName=Protocol-TLSv1,AttributeValue=false"});
    aws_cli({"elb", "set-load-balancer-policies-of-listener", "--load-balancer-name", "tls",
             "--load-balancer-port", "443", "--policy-names", "old-tls"});
  }

  // The attributes turned on by the policies of tls's HTTPS listener, sorted.
  Json negotiated() const {
    Json described = aws_cli({"elb", "describe-load-balancers", "--load-balancer-names", "tls"});
    std::vector<std::string> args = {"elb", "describe-load-balancer-policies",
                                     "--load-balancer-name", "tls", "--policy-names"};
    for (const Json& name :
         described["LoadBalancerDescriptions"][0]["ListenerDescriptions"][0]["PolicyNames"])
      args.push_back(name);
    std::vector<std::string> on;
    Json policies = aws_cli(args);
    for (const Json& policy : policies["PolicyDescriptions"])
      for (const Json& attribute : policy["PolicyAttributeDescriptions"])
        if (attribute["AttributeValue"] == "true") on.push_back(attribute["AttributeName"]);
    std::sort(on.begin(), on.end());
    return on;
  }
};

TEST_F(ElbSslPolicyTest, ListsAndWhitelistsFindTheListenerThatNegotiatesSsl3) {
  run_policy(R"(policies:
  - name: blacklisted
    resource: elb
    filters: [{type: ssl-policy, blacklist: [Protocol-SSLv3, Protocol-SSLv2]}]
  - name: beyond-modern
    resource: elb
    filters: [{type: ssl-policy, matching: "^protocol-", whitelist: [Protocol-TLSv1.2]}]
  - name: all-allowed
    resource: elb
    filters: [{type: ssl-policy, whitelist: [Protocol-SSLv3, Protocol-TLSv1.2]}]
)");
  Json blacklisted = Json::parse(read_file(path("out/blacklisted/resources.json")));
  ASSERT_EQ(blacklisted.size(), 1u);
  EXPECT_EQ(blacklisted[0]["LoadBalancerName"], "tls");
  EXPECT_EQ(blacklisted[0]["ProhibitedPolicies"], Json::array({"Protocol-SSLv3"}));
  EXPECT_EQ(blacklisted[0]["c7n.ssl-policies"], Json::array({"old-tls"}));
  Json beyond = Json::parse(read_file(path("out/beyond-modern/resources.json")));
  ASSERT_EQ(beyond.size(), 1u);
  EXPECT_EQ(beyond[0]["ProhibitedPolicies"], Json::array({"Protocol-SSLv3"}));
  EXPECT_EQ(Json::parse(read_file(path("out/all-allowed/resources.json"))).size(), 0u);
}

TEST_F(ElbSslPolicyTest, AListenerGetsATls12PolicyInPlaceOfItsOwn) {
  Json before = negotiated();
  ASSERT_EQ(before, Json::array({"Protocol-SSLv3", "Protocol-TLSv1.2"}));
  Json records =
      prove_action(R"(policies:
  - name: modern
    resource: elb
    filters: [{LoadBalancerName: tls}]
    actions:
      - {type: set-ssl-listener-policy, name: modern-tls, attributes: [Protocol-TLSv1.2]}
)",
                   "modern", [&] { return negotiated(); }, "elb CreateLoadBalancerPolicy");
  EXPECT_EQ(negotiated(), Json::array({"Protocol-TLSv1.2"}));
  expect_undo_restores(
      records, [&] { return negotiated(); }, before);
}

}  // namespace
}  // namespace custos::test
