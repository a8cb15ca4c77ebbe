// network-location over real HTTP against moto: instances whose security groups (and subnet)
// carry another team's tag than theirs, Cloud Custodian's example (its isolation group made a
// real one) removing the mismatched group with modify-security-groups' remove:
// network-location; the AWS CLI reads the groups back and the undo puts the group back.
#include <gtest/gtest.h>

#include <algorithm>

#include "integration/action_check.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class NetworkLocationTest : public ActionTest {
 protected:
  void SetUp() override {
    ActionTest::SetUp();
    vpc_ = aws_cli({"ec2", "create-vpc", "--cidr-block", "10.20.0.0/16"})["Vpc"]["VpcId"];
    subnet_ = aws_cli({"ec2", "create-subnet", "--vpc-id", vpc_, "--cidr-block",
                       "10.20.1.0/24"})["Subnet"]["SubnetId"];
    tag(subnet_, "Red");
    red_ = group("red", "Red");
    blue_ = group("blue", "Blue");
    enterprise_ = group("enterprise", "Enterprise");
    isolation_ = group("isolation", "");
  }
  void tag(const std::string& id, const std::string& team) const {
    if (!team.empty())
      aws_cli({"ec2", "create-tags", "--resources", id, "--tags", "Key=TEAM_NAME,Value=" + team});
  }
  std::string group(const std::string& name, const std::string& team) const {
    std::string id = aws_cli({"ec2", "create-security-group", "--group-name", name, "--description",
                              name, "--vpc-id", vpc_})["GroupId"];
    tag(id, team);
    return id;
  }
  std::string instance(const std::string& team, const std::vector<std::string>& groups) const {
    // The groups on the interface: moto keeps an instance's own groups on every interface.
    Json interface = {{"DeviceIndex", 0}, {"SubnetId", subnet_}, {"Groups", groups}};
    std::string id = aws_cli({"ec2", "run-instances", "--image-id", "ami-12c6146b",
                              "--instance-type", "t3.micro", "--network-interfaces",
                              Json::array({interface}).dump()})["Instances"][0]["InstanceId"];
    tag(id, team);
    return id;
  }
  Json groups_of(const std::string& instance_id) const {
    Json found = aws_cli(
        {"ec2", "describe-network-interfaces", "--filters",
         "Name=attachment.instance-id,Values=" + instance_id})["NetworkInterfaces"][0]["Groups"];
    std::vector<std::string> ids;
    for (const Json& group : found) ids.push_back(group["GroupId"]);
    std::sort(ids.begin(), ids.end());
    return Json(ids);
  }
  static Json sorted(std::vector<std::string> ids) {
    std::sort(ids.begin(), ids.end());
    return Json(ids);
  }

  std::string vpc_, subnet_, red_, blue_, enterprise_, isolation_;
};

TEST_F(NetworkLocationTest, TheExampleRemovesTheGroupOfAnotherTeamAndTheUndoPutsItBack) {
  std::string mixed = instance("Red", {red_, blue_, enterprise_});
  std::string clean = instance("Red", {red_, enterprise_});
  std::string yaml =
      read_file(data_path("policies/c7n/ec2/filters-vpc-210-ec2-mismatched-sg-remove.yml"));
  yaml.replace(yaml.find("sg-xxxxxxxx"), std::string("sg-xxxxxxxx").size(), isolation_);

  // The filter alone first (matched_by runs the actions too).
  Json found = matched_by(yaml.substr(0, yaml.find("    actions:")), "ec2-mismatched-sg-remove");
  ASSERT_EQ(found.size(), 1u) << found.dump();
  EXPECT_EQ(found[0]["InstanceId"], mixed);
  bool mismatch = false;
  for (const Json& reason : found[0]["c7n:NetworkLocation"])
    if (reason["reason"] == "SecurityGroupMismatch") {
      mismatch = true;
      EXPECT_EQ(reason["resource"], "Red");
      EXPECT_EQ(reason["security-groups"], Json({{blue_, "Blue"}}));
    }
  EXPECT_TRUE(mismatch) << found.dump();

  auto state = [&] { return groups_of(mixed); };
  const Json before = state();
  Json records =
      prove_remedy(yaml, "ec2-mismatched-sg-remove", state, "ec2 ModifyNetworkInterfaceAttribute");
  EXPECT_EQ(state(), sorted({red_, enterprise_}));
  EXPECT_EQ(groups_of(clean), sorted({red_, enterprise_}));
  expect_undo_restores(records, state, before);
}

TEST_F(NetworkLocationTest, SubnetsGroupsAndTheResourceCompared) {
  std::string agreeing = instance("Red", {red_});
  std::string blue = instance("Blue", {blue_});
  std::string untagged = instance("", {red_});
  const std::string policy = R"(policies:
  - name: located
    resource: ec2
    filters:
      - {type: network-location, key: "tag:TEAM_NAME", match: MATCH}
)";
  auto with = [&](const std::string& match) {
    std::string yaml = policy;
    yaml.replace(yaml.find("MATCH"), 5, match);
    return yaml;
  };
  Json wrong = matched_by(with("not-equal"), "located");
  std::vector<std::string> ids;
  for (const Json& instance : wrong) ids.push_back(instance["InstanceId"]);
  EXPECT_EQ(sorted(ids), sorted({blue, untagged})) << wrong.dump();
  for (const Json& instance : wrong) {
    std::vector<std::string> reasons;
    for (const Json& reason : instance["c7n:NetworkLocation"]) reasons.push_back(reason["reason"]);
    if (instance["InstanceId"] == blue) {
      // Its group says Blue, its subnet Red.
      EXPECT_NE(std::find(reasons.begin(), reasons.end(), "LocationMismatch"), reasons.end());
    } else {
      EXPECT_NE(std::find(reasons.begin(), reasons.end(), "ResourceLocationAbsent"), reasons.end());
    }
  }
  Json right = matched_by(with("equal"), "located");
  ASSERT_EQ(right.size(), 1u) << right.dump();
  EXPECT_EQ(right[0]["InstanceId"], agreeing);
  // missing-ok: an untagged instance is not wrong for lacking the tag.
  Json lenient = matched_by(R"(policies:
  - name: lenient
    resource: ec2
    filters:
      - {type: network-location, key: "tag:TEAM_NAME", missing-ok: true, compare: [subnet, security-group]}
)",
                            "lenient");
  ASSERT_EQ(lenient.size(), 1u) << lenient.dump();
  EXPECT_EQ(lenient[0]["InstanceId"], blue);
}

}  // namespace
}  // namespace custos::test
