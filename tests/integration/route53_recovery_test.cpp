// Route 53 Application Recovery Controller's types over real HTTP: recovery-cluster,
// recovery-control-panel (with its safety-rule filter) and readiness-check, Cloud Custodian's
// examples unchanged. moto 5.2.1 does not serve ARC: a proxy in front of it answers both of
// ARC's APIs in botocore's shapes and keeps the tags the runs change (moto_gaps.h), and the
// AWS CLI, pointed at the proxy, reads them back and plays the undo.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "integration/action_check.h"
#include "integration/moto_gaps.h"
#include "support/paths.h"

namespace custos::test {
namespace {

const std::string kControl = "route53-recovery-control-config";
const std::string kReadiness = "route53-recovery-readiness";
const std::string kArn = "arn:aws:route53-recovery-control-config::123456789012:";
const std::string kProdCluster = kArn + "cluster/0a1b2c3d-prod";
const std::string kDrCluster = kArn + "cluster/4e5f6a7b-dr";
const std::string kProdPanel = kArn + "controlpanel/8c9d0e1f-prod";
const std::string kDrPanel = kArn + "controlpanel/2a3b4c5d-dr";
const std::string kCheckArn = "arn:aws:route53-recovery-readiness::123456789012:readiness-check/";

Json cluster(const std::string& arn, const std::string& name) {
  return {{"ClusterArn", arn},
          {"ClusterEndpoints",
           Json::array({{{"Endpoint", "https://host-" + name + ".us-west-2.example.com/v1"},
                         {"Region", "us-west-2"}}})},
          {"Name", name},
          {"Status", "DEPLOYED"}};
}

Json panel(const std::string& arn, const std::string& cluster_arn, const std::string& name) {
  return {{"ClusterArn", cluster_arn},    {"ControlPanelArn", arn},
          {"DefaultControlPanel", false}, {"Name", name},
          {"RoutingControlCount", 2},     {"Status", "DEPLOYED"}};
}

// A ListSafetyRules item: {KIND: rule}.
Json rule(const std::string& kind, const std::string& panel_arn, int n, const std::string& status,
          int wait_ms) {
  Json body = {{"ControlPanelArn", panel_arn},
               {"Name", "rule-" + std::to_string(n)},
               {"RuleConfig", {{"Inverted", false}, {"Threshold", 1}, {"Type", "ATLEAST"}}},
               {"SafetyRuleArn", panel_arn + "/safetyrule/r" + std::to_string(n)},
               {"Status", status},
               {"WaitPeriodMs", wait_ms}};
  if (kind == "ASSERTION") {
    body["AssertedControls"] = Json::array({panel_arn + "/routingcontrol/a"});
  } else {
    body["GatingControls"] = Json::array({panel_arn + "/routingcontrol/a"});
    body["TargetControls"] = Json::array({panel_arn + "/routingcontrol/b"});
  }
  return {{kind, body}};
}

class Route53RecoveryTest : public ActionTest {
 protected:
  void SetUp() override {
    ActionTest::SetUp();
    proxy_ = std::make_unique<FaultProxy>(emulator().url());
    RecoveryController::serve(*proxy_, arc_);
    arc_->add_cluster(cluster(kProdCluster, "prod"), {{"team", "blue"}});
    arc_->add_cluster(cluster(kDrCluster, "dr"), {{"DesiredTag", "set"}, {"ExpiredTag", "2024"}});
    arc_->add_control_panel(panel(kProdPanel, kProdCluster, "prod-panel"), {{"ExpiredTag", "x"}});
    arc_->add_control_panel(panel(kDrPanel, kDrCluster, "dr-panel"), {{"DesiredTag", "y"}});
    // prod: two deployed assertions that wait long enough, one that does not, a gating rule.
    arc_->add_safety_rule(rule("ASSERTION", kProdPanel, 1, "DEPLOYED", 5000));
    arc_->add_safety_rule(rule("ASSERTION", kProdPanel, 2, "DEPLOYED", 60000));
    arc_->add_safety_rule(rule("ASSERTION", kProdPanel, 3, "DEPLOYED", 10));
    arc_->add_safety_rule(rule("GATING", kProdPanel, 4, "DEPLOYED", 60000));
    // dr: one deployed assertion, one still pending.
    arc_->add_safety_rule(rule("ASSERTION", kDrPanel, 5, "DEPLOYED", 5000));
    arc_->add_safety_rule(rule("ASSERTION", kDrPanel, 6, "PENDING", 5000));
    arc_->add_readiness_check({{"ReadinessCheckArn", kCheckArn + "web"},
                               {"ReadinessCheckName", "web"},
                               {"ResourceSet", "web-set"}},
                              Json::object());
    arc_->add_readiness_check({{"ReadinessCheckArn", kCheckArn + "db"},
                               {"ReadinessCheckName", "db"},
                               {"ResourceSet", "db-set"}},
                              {{"ExpiredTag", "old"}, {"DesiredTag", "v"}});
  }

  std::map<std::string, std::string> env() const { return {{"AWS_ENDPOINT_URL", proxy_->url()}}; }

  // Each resource's tags, as the AWS CLI reads them through the proxy.
  Json tags() const {
    Json all = Json::object();
    for (const std::string& arn : {kProdCluster, kDrCluster, kProdPanel, kDrPanel})
      all[arn] = aws_cli({kControl, "list-tags-for-resource", "--resource-arn", arn, "--region",
                          "us-west-2", "--endpoint-url", proxy_->url()})["Tags"];
    for (const std::string name : {"web", "db"})
      all[kCheckArn + name] =
          aws_cli({kReadiness, "list-tags-for-resources", "--resource-arn", kCheckArn + name,
                   "--region", "us-west-2", "--endpoint-url", proxy_->url()})["Tags"];
    return all;
  }

  std::string example(const std::string& name) const {
    return read_file(data_path("policies/c7n/route53/" + name + ".yml"));
  }

  // The example `name` (policy `name` too) changes the tags of `arn` alone, to `after`; ARC is
  // asked in us-west-2 only, and the undo the AWS CLI plays puts every tag back.
  void prove_tags(const std::string& name, const std::string& service, const std::string& arn,
                  const Json& after) const {
    const Json before = tags();
    Json records = prove_remedy(
        example(name), name, [&] { return tags(); },
        service + " " + (contains(name, "remove") ? "UntagResource" : "TagResource"), env());
    ASSERT_EQ(records.size(), 1u) << records.dump();
    // The record keeps each changed key's value before (null: it had none), and its undo goes
    // to us-west-2 too.
    const Json& record = records[0];
    ASSERT_TRUE(record["before"]["Tags"].is_object()) << record.dump();
    EXPECT_FALSE(record["before"]["Tags"].empty()) << record.dump();
    for (const auto& [key, value] : record["before"]["Tags"].items())
      EXPECT_EQ(value, before[arn].value(key, Json())) << key;
    for (const Json& step : record["undo"]) EXPECT_EQ(step["region"], "us-west-2") << step.dump();
    Json expected = before;
    expected[arn] = after;
    EXPECT_EQ(tags(), expected);
    EXPECT_EQ(arc_->signed_regions()[service], (std::set<std::string>{"us-west-2"}));
    expect_undo_restores(
        records, [&] { return tags(); }, before, proxy_->url());
  }

  std::shared_ptr<RecoveryController> arc_ = std::make_shared<RecoveryController>();
  std::unique_ptr<FaultProxy> proxy_;
};

TEST_F(Route53RecoveryTest, AClusterWithoutTheTagIsTagged) {
  prove_tags("recovery-cluster-tag", kControl, kProdCluster,
             {{"team", "blue"}, {"DesiredTag", "DesiredValue"}});
}

TEST_F(Route53RecoveryTest, AClusterLosesItsExpiredTag) {
  prove_tags("recovery-cluster-remove-tag", kControl, kDrCluster, {{"DesiredTag", "set"}});
}

TEST_F(Route53RecoveryTest, AControlPanelWithoutTheTagIsTagged) {
  prove_tags("control-panel-tag", kControl, kProdPanel,
             {{"ExpiredTag", "x"}, {"DesiredTag", "DesiredValue"}});
}

TEST_F(Route53RecoveryTest, AControlPanelLosesItsExpiredTag) {
  prove_tags("control-panel-remove-tag", kControl, kProdPanel, Json::object());
}

TEST_F(Route53RecoveryTest, AReadinessCheckWithoutTheTagIsTagged) {
  prove_tags("readiness-tag", kReadiness, kCheckArn + "web", {{"DesiredTag", "DesiredValue"}});
}

TEST_F(Route53RecoveryTest, AReadinessCheckLosesItsExpiredTag) {
  prove_tags("readiness-check-remove-tag", kReadiness, kCheckArn + "db", {{"DesiredTag", "v"}});
}

// The documents are botocore's, their tags Cloud Custodian's [{Key, Value}]; a control panel is
// listed per cluster and, as c7n's parent_spec says, not annotated with it (it has ClusterArn).
TEST_F(Route53RecoveryTest, DocumentsAreBotocoresWithTheirTags) {
  Json panels = matched_by("policies:\n  - name: panels\n    resource: recovery-control-panel\n",
                           "panels", env());
  ASSERT_EQ(panels.size(), 2u) << panels.dump();
  EXPECT_EQ(panels[0]["ControlPanelArn"], kProdPanel);
  EXPECT_EQ(panels[0]["ClusterArn"], kProdCluster);
  EXPECT_EQ(panels[0]["Tags"], Json::parse(R"([{"Key": "ExpiredTag", "Value": "x"}])"));
  EXPECT_FALSE(panels[0].contains("c7n:parent-id")) << panels[0].dump();
  Json checks =
      matched_by("policies:\n  - name: checks\n    resource: readiness-check\n", "checks", env());
  ASSERT_EQ(checks.size(), 2u) << checks.dump();
  EXPECT_EQ(checks[1]["ReadinessCheckName"], "db");
  EXPECT_EQ(checks[1]["ResourceSet"], "db-set");
  EXPECT_EQ(checks[1]["Tags"],
            Json::parse(R"([{"Key": "DesiredTag", "Value": "v"}, {"Key": "ExpiredTag",
                            "Value": "old"}])"));
  Json clusters = matched_by("policies:\n  - name: clusters\n    resource: recovery-cluster\n",
                             "clusters", env());
  ASSERT_EQ(clusters.size(), 2u) << clusters.dump();
  EXPECT_EQ(clusters[1]["ClusterEndpoints"][0]["Region"], "us-west-2");
  EXPECT_EQ(arc_->signed_regions()[kControl], (std::set<std::string>{"us-west-2"}));
  EXPECT_EQ(arc_->signed_regions()[kReadiness], (std::set<std::string>{"us-west-2"}));
}

// Cloud Custodian's check-safety, unchanged, matches no panel: AWS's Status is DEPLOYED and
// c7n's value filter compares case-sensitively (its `Deployed` is a slip of the example). With
// DEPLOYED, the panel with two deployed assertions that wait 30 ms or more matches, the one
// with one does not.
TEST_F(Route53RecoveryTest, SafetyRulesAreCountedAsCloudCustodianDoes) {
  const std::string policy = example("check-safety");
  EXPECT_EQ(matched_by(policy, "check-safety", env()), Json::array());
  std::string deployed = policy;
  deployed.replace(deployed.find("Status: Deployed"), 16, "Status: DEPLOYED");
  Json matched = matched_by(deployed, "check-safety", env());
  ASSERT_EQ(matched.size(), 1u) << matched.dump();
  EXPECT_EQ(matched[0]["ControlPanelArn"], kProdPanel);
  EXPECT_FALSE(matched[0].contains("c7n:ListItemMatches")) << matched[0].dump();

  // Without count, any rule the attrs match does, named as c7n's ListItemFilter names it.
  Json gated = matched_by(
      "policies:\n  - name: gated\n    resource: aws.recovery-control-panel\n"
      "    filters:\n      - {type: safety-rule, attrs: [{Type: GATING}]}\n",
      "gated", env());
  ASSERT_EQ(gated.size(), 1u) << gated.dump();
  EXPECT_EQ(gated[0]["c7n:ListItemMatches"], Json::array({"safety-rule[3]"}));
  // count 0: the panel none of whose rules the attrs match.
  Json none = matched_by(
      "policies:\n  - name: none\n    resource: aws.recovery-control-panel\n"
      "    filters:\n      - {type: safety-rule, attrs: [{Type: GATING}], count: 0}\n",
      "none", env());
  ASSERT_EQ(none.size(), 1u) << none.dump();
  EXPECT_EQ(none[0]["ControlPanelArn"], kDrPanel);
}

}  // namespace
}  // namespace custos::test
