// wafv2-enabled and set-wafv2 over real HTTP against moto: the AWS CLI makes WAFv2 web ACLs and
// resources of which one is protected; the filter's state/web-acl select as Cloud Custodian's
// do, and set-wafv2 (un)protects what the AWS CLI then reads back.
// moto 5.2.1 serves WAFv2 (not WAF Classic, nor ListResourcesForWebACL: custos asks
// GetWebACLForResource) and records a stage's ACL when one is associated with it; where it
// lacks a call or a field, a proxy in front of it answers or records.
#include <gtest/gtest.h>

#include <algorithm>

#include "integration/action_check.h"
#include "support/fault_proxy.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class WafTest : public ActionTest {
 protected:
  std::string web_acl(const std::string& name) const {
    return aws_cli({"wafv2", "create-web-acl", "--name", name, "--scope", "REGIONAL",
                    "--default-action", "Allow={}", "--visibility-config",
                    "SampledRequestsEnabled=false,CloudWatchMetricsEnabled=false,MetricName=" +
                        name})["Summary"]["ARN"];
  }
  void associate(const std::string& acl, const std::string& resource) const {
    aws_cli({"wafv2", "associate-web-acl", "--web-acl-arn", acl, "--resource-arn", resource});
  }
  // The name of the WAFv2 web ACL protecting the resource (null when none), as the CLI reads it.
  Json protecting(const std::string& resource) const {
    Json acl = aws_cli({"wafv2", "get-web-acl-for-resource", "--resource-arn", resource})
                   .value("WebACL", Json());
    return acl.is_object() ? acl["Name"] : Json();
  }
  // set-wafv2 with `options` on `type`'s resources not behind `other` (a filter Cloud Custodian
  // asks for, matching them all): a dry run, a run, a repeat unchanged, then the undo restores.
  void prove_set_wafv2(const std::string& type, const std::string& options,
                       const std::string& resource, const std::string& call) const {
    web_acl("other");
    std::string yaml = "policies:\n  - name: waf\n    resource: " + type +
                       "\n    filters: [{type: wafv2-enabled, state: false, web-acl: other}]\n" +
                       "    actions: [{type: set-wafv2, " + options + "}]\n";
    auto state = [&] { return protecting(resource); };
    Json before = state();
    Json records = prove_action(yaml, "waf", state, call, {}, {"--no-journal"});
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0]["before"]["web_acl"].is_null(), before.is_null()) << records[0].dump();
    expect_undo_restores(records, state, before);
  }
  std::string stage() const {
    std::string api = aws_cli({"apigateway", "create-rest-api", "--name", "api"})["id"];
    std::string root =
        aws_cli({"apigateway", "get-resources", "--rest-api-id", api})["items"][0]["id"];
    aws_cli({"apigateway", "put-method", "--rest-api-id", api, "--resource-id", root,
             "--http-method", "GET", "--authorization-type", "NONE"});
    aws_cli({"apigateway", "put-integration", "--rest-api-id", api, "--resource-id", root,
             "--http-method", "GET", "--type", "MOCK"});
    aws_cli({"apigateway", "create-deployment", "--rest-api-id", api, "--stage-name", "prod"});
    return "arn:aws:apigateway:us-east-1::/restapis/" + api + "/stages/prod";
  }
  // The values of `field` of what the filter selects.
  Json selected(const std::string& type, const std::string& filter, const std::string& field,
                const std::map<std::string, std::string>& env = {}) const {
    write("p.yml", "policies:\n  - name: waf\n    resource: " + type + "\n    filters:\n      - " +
                       filter + "\n");
    auto result = custos({"run", "-s", path("out"), path("p.yml")}, env);
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    Json values = Json::array();
    for (const Json& resource : Json::parse(read_file(path("out/waf/resources.json"))))
      values.push_back(resource[field]);
    std::sort(values.begin(), values.end());
    return values;
  }
  // The subnets of a new VPC, in two zones, for load balancers.
  std::vector<std::string> subnets() const {
    std::string vpc = aws_cli({"ec2", "create-vpc", "--cidr-block", "10.0.0.0/16"})["Vpc"]["VpcId"];
    std::vector<std::string> ids;
    for (std::string zone : {"a", "b"})
      ids.push_back(aws_cli({"ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block",
                             zone == "a" ? "10.0.1.0/24" : "10.0.2.0/24", "--availability-zone",
                             "us-east-1" + zone})["Subnet"]["SubnetId"]);
    return ids;
  }
  std::string load_balancer(const std::string& name,
                            const std::vector<std::string>& subnets) const {
    std::vector<std::string> args = {"elbv2", "create-load-balancer", "--name", name, "--subnets"};
    args.insert(args.end(), subnets.begin(), subnets.end());
    return aws_cli(args)["LoadBalancers"][0]["LoadBalancerArn"];
  }
};

TEST_F(WafTest, AppElbByWebAcl) {
  std::vector<std::string> zones = subnets();
  std::string guarded = load_balancer("guarded", zones);
  std::string open = load_balancer("open", zones);
  associate(web_acl("FMManagedWebACLV2-FMS-site"), guarded);
  web_acl("testv2");
  const char* name = "LoadBalancerName";
  EXPECT_EQ(selected("app-elb", "{type: wafv2-enabled, state: true}", name),
            Json::parse(R"(["guarded"])"));
  EXPECT_EQ(selected("app-elb", "{type: wafv2-enabled}", name), Json::parse(R"(["open"])"));
  // Cloud Custodian's regex example: not protected by a Firewall Manager ACL.
  EXPECT_EQ(
      selected("app-elb",
               "{type: wafv2-enabled, state: false, web-acl: '.*FMManagedWebACLV2-?FMS-.*'}", name),
      Json::parse(R"(["open"])"));
  // Protected, but not by testv2.
  EXPECT_EQ(selected("app-elb", "{type: wafv2-enabled, state: false, web-acl: testv2}", name),
            Json::parse(R"(["guarded", "open"])"));
  EXPECT_EQ(selected("app-elb", "{type: wafv2-enabled, state: true, web-acl: testv2}", name),
            Json::array());
}

TEST_F(WafTest, RestStageByWebAclArn) {
  std::string api = aws_cli({"apigateway", "create-rest-api", "--name", "api"})["id"];
  std::string root =
      aws_cli({"apigateway", "get-resources", "--rest-api-id", api})["items"][0]["id"];
  aws_cli({"apigateway", "put-method", "--rest-api-id", api, "--resource-id", root, "--http-method",
           "GET", "--authorization-type", "NONE"});
  aws_cli({"apigateway", "put-integration", "--rest-api-id", api, "--resource-id", root,
           "--http-method", "GET", "--type", "MOCK"});
  for (const char* stage : {"prod", "dev"})
    aws_cli({"apigateway", "create-deployment", "--rest-api-id", api, "--stage-name", stage});
  associate(web_acl("testv2"), "arn:aws:apigateway:us-east-1::/restapis/" + api + "/stages/prod");
  EXPECT_EQ(
      selected("rest-stage", "{type: wafv2-enabled, state: true, web-acl: testv2}", "stageName"),
      Json::parse(R"(["prod"])"));
  // Cloud Custodian's example: stages testv2 does not protect.
  EXPECT_EQ(
      selected("rest-stage", "{type: wafv2-enabled, state: false, web-acl: testv2}", "stageName"),
      Json::parse(R"(["dev"])"));
}

TEST_F(WafTest, SetWafv2AssociatesAppElb) {
  std::string balancer = load_balancer("open", subnets());
  web_acl("testv2");
  prove_set_wafv2("app-elb", "state: true, web-acl: testv2", balancer, "wafv2 AssociateWebACL");
  EXPECT_TRUE(protecting(balancer).is_null());  // the undo disassociated it
}

TEST_F(WafTest, SetWafv2DisassociatesAppElb) {
  std::string balancer = load_balancer("guarded", subnets());
  associate(web_acl("testv2"), balancer);
  prove_set_wafv2("app-elb", "state: false", balancer, "wafv2 DisassociateWebACL");
  EXPECT_EQ(protecting(balancer), "testv2");  // the undo associated it again
}

TEST_F(WafTest, SetWafv2AssociatesRestStage) {
  std::string prod = stage();
  web_acl("FMManagedWebACLV2-FMS-TestWebACL");
  prove_set_wafv2("rest-stage", "web-acl: 'FMManagedWebACLV2-?FMS-TestWebACL'", prod,
                  "wafv2 AssociateWebACL");
}

TEST_F(WafTest, SetWafv2DisassociatesRestStage) {
  std::string prod = stage();
  associate(web_acl("testv2"), prod);
  prove_set_wafv2("rest-stage", "state: false", prod, "wafv2 DisassociateWebACL");
}

// As Cloud Custodian: a web-acl must name exactly one ACL; the resource is recorded as failed.
TEST_F(WafTest, SetWafv2WebAclMatchingTwoFails) {
  load_balancer("open", subnets());
  web_acl("testv2-a");
  web_acl("testv2-b");
  write(
      "p.yml",
      "policies:\n  - name: waf\n    resource: app-elb\n"
      "    filters: [{type: wafv2-enabled}]\n    actions: [{type: set-wafv2, web-acl: testv2}]\n");
  auto run = custos({"run", "--no-journal", "-s", path("out"), path("p.yml")});
  EXPECT_NE(run.exit_code, 0);
  Json records = actions_of("waf");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["outcome"], "failed");
  EXPECT_NE(records[0]["error"].get<std::string>().find("names 2 wafv2 web ACLs"),
            std::string::npos)
      << records[0].dump();
}

// The requests of `operation` (a JSON protocol's X-Amz-Target, or a REST path part with
// `method`) that reached the proxy, their bodies.
std::vector<std::string> sent(const FaultProxy& proxy, const std::string& marker,
                              const std::string& method = "") {
  std::vector<std::string> bodies;
  for (const auto& arrival : proxy.arrivals()) {
    auto target = arrival.headers.find("X-Amz-Target");
    bool named =
        (target != arrival.headers.end() && target->second.find(marker) != std::string::npos) ||
        (!method.empty() && arrival.method == method &&
         arrival.target.find(marker) != std::string::npos);
    if (named) bodies.push_back(arrival.body);
  }
  return bodies;
}

// moto 5.2.1 does not serve WAF Classic: a proxy answers waf-regional with Cloud Custodian's
// recording of a real ListWebACLs (test_appelb_waf), the load balancer behind no ACL, and an
// empty AssociateWebACL answer; what custos asked for is read off the proxy.
TEST_F(WafTest, SetWafClassicAssociatesTheNamedAclByItsId) {
  std::string balancer = load_balancer("open", subnets());
  Json acls = Json::parse(read_file(data_path(
      "responses/cloud-custodian-placebo/test_appelb_waf__waf-regional.ListWebACLs_1.json")))
      ["data"]["WebACLs"];
  FaultProxy proxy(emulator().url());
  FaultProxy::Reply list, none, associated;
  list.content_type = none.content_type = associated.content_type = "application/x-amz-json-1.1";
  list.body = Json{{"WebACLs", acls}}.dump();
  none.body = associated.body = "{}";
  proxy.answer_action("ListWebACLs", list);
  proxy.answer_action("GetWebACLForResource", none);
  proxy.answer_action("AssociateWebACL", associated);
  write("p.yml", R"(policies:
  - name: waf
    resource: app-elb
    filters: [{type: waf-enabled, state: false, web-acl: test}]
    actions: [{type: set-waf, web-acl: test}]
)");
  const std::map<std::string, std::string> env = {{"AWS_ENDPOINT_URL", proxy.url()}};
  auto dry = custos({"run", "--no-journal", "--dryrun", "-s", path("out"), path("p.yml")}, env);
  ASSERT_EQ(dry.exit_code, 0) << dry.out << dry.err;
  EXPECT_NE(dry.out.find("would call waf-regional AssociateWebACL"), std::string::npos) << dry.out;
  EXPECT_TRUE(sent(proxy, "AssociateWebACL").empty());

  auto run = custos({"run", "--no-journal", "-s", path("out"), path("p.yml")}, env);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  std::vector<std::string> calls = sent(proxy, "AssociateWebACL");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(Json::parse(calls[0]),
            Json({{"WebACLId", acls[0]["WebACLId"]}, {"ResourceArn", balancer}}));
  Json record = actions_of("waf")[0];
  EXPECT_EQ(record["outcome"], "changed");
  EXPECT_EQ(record["after"]["web_acl"], acls[0]["WebACLId"]);
  ASSERT_EQ(record["undo"].size(), 1u);
  EXPECT_EQ(record["undo"][0]["operation"], "DisassociateWebACL");
  EXPECT_EQ(record["undo"][0]["params"], Json({{"ResourceArn", balancer}}));
}

// moto 5.2.1 accepts a distribution's WebACLId but does not keep it: the CLI cannot read the
// end state back, so a recording proxy in front of moto shows what custos wrote.
TEST_F(WafTest, SetWafv2DistributionWritesTheAclIntoItsConfig) {
  const std::string id = aws_cli({"cloudfront", "create-distribution", "--origin-domain-name",
                                  "example.s3.amazonaws.com"})["Distribution"]["Id"];
  const std::string acl = aws_cli(
      {"wafv2", "create-web-acl", "--name", "edge", "--scope", "CLOUDFRONT", "--default-action",
       "Allow={}", "--visibility-config",
       "SampledRequestsEnabled=false,CloudWatchMetricsEnabled=false,MetricName=edge"})["Summary"]
                                                                                      ["ARN"];
  FaultProxy proxy(emulator().url());
  write("p.yml", R"(policies:
  - name: waf
    resource: distribution
    filters: [{type: wafv2-enabled, state: false}]
    actions: [{type: set-wafv2, web-acl: edge}]
)");
  const std::map<std::string, std::string> env = {{"AWS_ENDPOINT_URL", proxy.url()}};
  const std::string config_path = "/distribution/" + id + "/config";
  auto dry = custos({"run", "--no-journal", "--dryrun", "-s", path("out"), path("p.yml")}, env);
  ASSERT_EQ(dry.exit_code, 0) << dry.out << dry.err;
  EXPECT_NE(dry.out.find("would call cloudfront UpdateDistribution"), std::string::npos) << dry.out;
  EXPECT_TRUE(sent(proxy, config_path, "PUT").empty());

  auto run = custos({"run", "--no-journal", "-s", path("out"), path("p.yml")}, env);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  std::vector<std::string> writes = sent(proxy, config_path, "PUT");
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_NE(writes[0].find("<WebACLId>" + acl + "</WebACLId>"), std::string::npos) << writes[0];
  Json record = actions_of("waf")[0];
  EXPECT_EQ(record["outcome"], "changed");
  EXPECT_EQ(record["after"]["web_acl"], acl);
  ASSERT_EQ(record["undo"].size(), 1u);
  EXPECT_EQ(record["undo"][0]["operation"], "UpdateDistribution");
  EXPECT_EQ(record["undo"][0]["params"]["DistributionConfig"]["WebACLId"], "");
}

// moto 5.2.1 does not serve WAF Classic: a proxy answers waf-regional's ListWebACLs with Cloud
// Custodian's recording of a real answer (test_appelb_waf) and GetWebACLForResource with that
// ACL, for the one load balancer.
TEST_F(WafTest, AppElbClassicWithRecordedAnswer) {
  load_balancer("guarded", subnets());
  Json acls = Json::parse(read_file(data_path(
      "responses/cloud-custodian-placebo/test_appelb_waf__waf-regional.ListWebACLs_1.json")))
      ["data"]["WebACLs"];
  FaultProxy proxy(emulator().url());
  FaultProxy::Reply list, protecting;
  list.content_type = protecting.content_type = "application/x-amz-json-1.1";
  list.body = Json{{"WebACLs", acls}}.dump();
  protecting.body = Json{{"WebACLSummary", acls[0]}}.dump();
  proxy.answer_action("ListWebACLs", list);
  proxy.answer_action("GetWebACLForResource", protecting);
  std::map<std::string, std::string> env = {{"AWS_ENDPOINT_URL", proxy.url()}};
  const char* name = "LoadBalancerName";
  EXPECT_EQ(selected("app-elb", "{type: waf-enabled, state: true, web-acl: test}", name, env),
            Json::parse(R"(["guarded"])"));
  EXPECT_EQ(selected("app-elb", "{type: waf-enabled, state: true}", name, env),
            Json::parse(R"(["guarded"])"));
  // The ACL may be named by its id too.
  EXPECT_EQ(selected("app-elb",
                     "{type: waf-enabled, web-acl: " + acls[0]["WebACLId"].get<std::string>() + "}",
                     name, env),
            Json::array());
  // As Cloud Custodian: a web-acl naming no ACL fails the run.
  write("p.yml",
        "policies:\n  - name: waf\n    resource: app-elb\n    filters:\n"
        "      - {type: waf-enabled, web-acl: nope}\n");
  auto run = custos({"run", "-s", path("out"), path("p.yml")}, env);
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.err.find("web-acl 'nope' names no waf-regional web ACL"), std::string::npos)
      << run.err;
}

}  // namespace
}  // namespace custos::test
