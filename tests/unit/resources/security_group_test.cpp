// aws.security-group's ingress and egress filters judged as Cloud Custodian's own tests judge
// them (tests/test_vpc.py SecurityGroupTest): the same groups, written inline there or recorded
// with placebo from real accounts, must give the same matches and MatchedIpPermissions; and the
// options are checked when compiling.
#include <gtest/gtest.h>

#include "policy/policy.h"
#include "resources/builtin.h"
#include "resources/sg_permissions.h"
#include "support/paths.h"

namespace custos {
namespace {

policy::Policy compile(const std::string& filters) {
  auto source = policy::SourceDocument::parse(
      "policies:\n  - name: p\n    resource: security-group\n    filters:\n" + filters, "p.yml");
  return std::move(policy::compile_policies(source, resources::builtin_registry()).at(0));
}

std::vector<Json> kept(const std::string& filters, std::vector<Json> groups) {
  return compile(filters).filter_resources(std::move(groups), policy::FilterContext{});
}

std::string compile_error(const std::string& filters) {
  try {
    compile(filters);
  } catch (const policy::PolicyError& e) {
    return e.what();
  }
  return "compiled";
}

// The groups of a recorded DescribeSecurityGroups answer.
std::vector<Json> recorded(const std::string& test, int n = 1) {
  Json answer = Json::parse(test::read_file(test::data_path("responses/cloud-custodian-placebo/" +
                                                            test + "__ec2.DescribeSecurityGroups_" +
                                                            std::to_string(n) + ".json")));
  return answer["data"]["SecurityGroups"].get<std::vector<Json>>();
}

Json rule(int from, int to, const std::string& cidr) {
  return {{"FromPort", from},
          {"ToPort", to},
          {"IpProtocol", "tcp"},
          {"IpRanges", {{{"CidrIp", cidr}}}},
          {"Ipv6Ranges", Json::array()},
          {"PrefixListIds", Json::array()},
          {"UserIdGroupPairs", Json::array()}};
}

// Cloud Custodian's inline "Typical Internet-Facing Security Group" (IpRanges as bare strings).
Json internet_facing(const Json& ranges) {
  return {{"GroupId", "sg-abcd1234"},
          {"GroupName", "TestInternetSG"},
          {"OwnerId", "123456789012"},
          {"VpcId", "vpc-1234abcd"},
          {"IpPermissionsEgress", Json::array()},
          {"IpPermissions",
           {{{"FromPort", 53},
             {"ToPort", 53},
             {"IpProtocol", "tcp"},
             {"IpRanges", ranges},
             {"PrefixListIds", Json::array()},
             {"UserIdGroupPairs", Json::array()}}}}};
}

TEST(PermissionExpansion, OneRulePerRange) {
  Json expanded = resources::expand_permissions(Json::parse(R"([
    {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
     "IpRanges": [{"CidrIp": "10.0.0.0/8"}, {"CidrIp": "10.1.0.0/16"}],
     "UserIdGroupPairs": [{"GroupId": "sg-1", "UserId": "1"}]}])"));
  ASSERT_EQ(expanded.size(), 3u);
  EXPECT_EQ(expanded[0]["IpRanges"], Json::parse(R"([{"CidrIp": "10.0.0.0/8"}])"));
  EXPECT_EQ(expanded[0]["UserIdGroupPairs"], Json::array());
  EXPECT_EQ(expanded[0]["Ipv6Ranges"], Json::array());
  EXPECT_EQ(expanded[2]["UserIdGroupPairs"].size(), 1u);
  EXPECT_EQ(expanded[2]["IpRanges"], Json::array());
}

// test_only_ports_ingress, test_ports_ingress, test_multi_attribute_ingress.
TEST(IngressFilter, InlineGroupsOfCloudCustodiansTests) {
  Json bare = Json::array({"10.0.0.0/8"});
  EXPECT_EQ(kept("      - {type: ingress, OnlyPorts: [80]}\n", {internet_facing(bare)}).size(), 1u);
  EXPECT_EQ(kept("      - {type: ingress, Ports: [53]}\n", {internet_facing(bare)}).size(), 1u);
  Json cidr = Json::parse(R"([{"CidrIp": "10.0.0.0/8"}])");
  EXPECT_EQ(kept("      - {type: ingress, Cidr: {value: 10.0.0.0/8}, Ports: [53]}\n",
                 {internet_facing(cidr)})
                .size(),
            1u);
  EXPECT_EQ(kept("      - {type: ingress, OnlyPorts: [53]}\n", {internet_facing(bare)}).size(), 0u);
  EXPECT_EQ(kept("      - {type: ingress, Ports: [54]}\n", {internet_facing(bare)}).size(), 0u);
}

// test_description_ingress: a rule without ToPort, judged on its first range's description.
TEST(IngressFilter, DescriptionOfTheFirstRange) {
  Json group = Json::parse(R"({
    "GroupId": "sg-0b090df1c1f95bc13", "OwnerId": "644160558196", "IpPermissionsEgress": [],
    "IpPermissions": [{"FromPort": 22, "IpProtocol": "tcp", "Ipv6Ranges": [],
                       "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "ssh"}]}]})");
  std::string approved =
      "      - type: ingress\n        Description: {value: Approved, op: not-equal}\n"
      "        Cidr: {value: 0.0.0.0/0}\n        Ports: [22]\n";
  EXPECT_EQ(kept(approved, {group}).size(), 1u);
  std::string ssh = "      - type: ingress\n        Description: {value: ssh}\n";
  EXPECT_EQ(kept(ssh, {group}).size(), 1u);
  std::string other = "      - type: ingress\n        Description: {value: other}\n";
  EXPECT_EQ(kept(other, {group}).size(), 0u);
}

// test_self_reference_ingress_false_positives.
TEST(IngressFilter, SelfReferenceAndCidrOnGroupPairs) {
  Json self = Json::parse(R"({
    "GroupId": "sg-abcd1234", "OwnerId": "123456789012", "IpPermissionsEgress": [],
    "IpPermissions": [{"FromPort": 22, "ToPort": 22, "IpProtocol": "tcp", "IpRanges": [],
                       "PrefixListIds": [],
                       "UserIdGroupPairs": [{"UserId": "123456789012", "GroupId": "sg-abcd1234"}]}]})");
  auto count = [](const std::string& options, const Json& group) {
    return kept("      - {type: ingress, Ports: [22], " + options + "}\n", {group}).size();
  };
  EXPECT_EQ(count("match-operator: and, SelfReference: true", self), 1u);
  EXPECT_EQ(count("match-operator: and, SelfReference: false", self), 0u);
  EXPECT_EQ(count("match-operator: and, Cidr: {value: 0.0.0.0/0, op: eq, value_type: cidr}", self),
            0u);

  Json ranges = Json::parse(R"({
    "GroupId": "sg-abcd1234", "OwnerId": "123456789012", "IpPermissionsEgress": [],
    "IpPermissions": [{"FromPort": 22, "ToPort": 22, "IpProtocol": "tcp", "PrefixListIds": [],
                       "IpRanges": [{"CidrIp": "10.42.2.0/24"}, {"CidrIp": "10.42.4.0/24"}],
                       "UserIdGroupPairs": [{"UserId": "123456789012", "GroupId": "sg-abcd5678"}]}]})");
  EXPECT_EQ(count("Cidr: {value: 10.42.4.0/24, op: eq, value_type: cidr}", ranges), 1u);
  EXPECT_EQ(
      count("match-operator: and, Cidr: {value: 10.42.3.0/24, op: eq, value_type: cidr}", ranges),
      0u);
  EXPECT_EQ(count("Cidr: {value: 10.42.3.0/24, op: ne, value_type: cidr}", ranges), 1u);
  EXPECT_EQ(count("Cidr: {value: 0.0.0.0/0, op: in, value_type: cidr}", ranges), 1u);
}

// test_egress_ipv6: CidrV6 alone, and Cidr and CidrV6 in an or block, each rule kept once.
TEST(EgressFilter, Ipv6AndBothFamiliesInAnOrBlock) {
  Json group = Json::parse(R"({
    "GroupId": "sg-b744bafc", "OwnerId": "644160558196", "VpcId": "vpc-f8c6d983",
    "IpPermissionsEgress": [{"IpProtocol": "-1", "PrefixListIds": [], "UserIdGroupPairs": [],
                             "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                             "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}],
    "IpPermissions": [{"IpProtocol": "-1", "PrefixListIds": [], "IpRanges": [], "Ipv6Ranges": [],
                       "UserIdGroupPairs": [{"UserId": "644160558196", "GroupId": "sg-b744bafc"}]}]})");
  auto matched = kept("      - {type: egress, CidrV6: {value: '::/0'}}\n", {group});
  ASSERT_EQ(matched.size(), 1u);
  EXPECT_EQ(matched[0]["MatchedIpPermissionsEgress"].size(), 1u);
  matched = kept(
      "      - or:\n        - {type: egress, CidrV6: {value: '::/0'}}\n"
      "        - {type: egress, Cidr: {value: 0.0.0.0/0}}\n",
      {group});
  ASSERT_EQ(matched.size(), 1u);
  EXPECT_EQ(matched[0]["MatchedIpPermissionsEgress"].size(), 2u);
  // match-operator: or combines them in one filter, and an ingress filter leaves egress alone.
  EXPECT_EQ(kept("      - {type: egress, match-operator: or, Cidr: 0.0.0.0/0, CidrV6: '::/0'}\n",
                 {group})[0]["MatchedIpPermissionsEgress"]
                .size(),
            2u);
  EXPECT_EQ(kept("      - {type: ingress, CidrV6: {value: '::/0'}}\n", {group}).size(), 0u);
}

// test_only_ports: a 60000-62000 rule opens more than 61000; the 61000 rule does not.
TEST(RecordedGroups, OnlyPorts) {
  auto matched = kept("      - {type: ingress, OnlyPorts: [61000]}\n      - GroupName: web-tier\n",
                      recorded("test_security_group_only_ports"));
  ASSERT_EQ(matched.size(), 1u);
  EXPECT_EQ(matched[0]["MatchedIpPermissions"], Json::array({rule(60000, 62000, "10.2.0.0/16")}));
}

// test_port_within_range.
TEST(RecordedGroups, PortWithinRange) {
  auto matched = kept("      - {type: ingress, IpProtocol: tcp, FromPort: 60000}\n",
                      recorded("test_security_group_port_in_range"));
  ASSERT_EQ(matched.size(), 1u);
  EXPECT_EQ(matched[0]["MatchedIpPermissions"], Json::array({rule(60000, 62000, "10.2.0.0/16")}));
}

// test_only_ports_and_cidr_ingress: the rules open to the world on other ports than 80 and 443.
TEST(RecordedGroups, OnlyPortsAndCidr) {
  auto matched = kept(
      "      - GroupName: c7n-only-ports-and-cidr-test\n"
      "      - {type: ingress, OnlyPorts: [80, 443], Cidr: {value: 0.0.0.0/0}}\n",
      recorded("test_only_ports_and_cidr_ingress"));
  ASSERT_EQ(matched.size(), 1u);
  EXPECT_EQ(matched[0]["MatchedIpPermissions"],
            Json::array({rule(8080, 8080, "0.0.0.0/0"), rule(1234, 4321, "0.0.0.0/0")}));
}

// test_cidr_ingress: an address inside the rule's network, and no self reference.
TEST(RecordedGroups, CidrContainingAnAddress) {
  auto matched = kept(
      "      - {type: ingress, Cidr: {value: 10.42.1.239, op: in, value_type: cidr}}\n"
      "      - {type: ingress, SelfReference: false}\n",
      recorded("test_security_group_cidr_ingress"));
  ASSERT_EQ(matched.size(), 1u);
  EXPECT_EQ(matched[0]["MatchedIpPermissions"].size(), 1u);
}

// test_cidr_ingress_list: ni and in against lists of networks.
TEST(RecordedGroups, CidrAgainstLists) {
  auto groups = recorded("test_security_group_cidr_ingress_list");
  auto outside = kept(
      "      - type: ingress\n        Cidr: {value: [10.0.0.0/16, 172.0.0.0/16], op: ni, "
      "value_type: cidr}\n",
      groups);
  ASSERT_EQ(outside.size(), 1u);
  EXPECT_EQ(outside[0]["MatchedIpPermissions"][0]["IpRanges"][0]["CidrIp"], "192.0.0.0/32");
  auto inside = kept(
      "      - type: ingress\n        Cidr: {value: [192.0.0.0/16, 172.0.0.0/16], op: in, "
      "value_type: cidr}\n",
      groups);
  ASSERT_EQ(inside.size(), 2u);
  EXPECT_EQ(inside[0]["MatchedIpPermissions"][0]["IpRanges"][0]["CidrIp"], "172.0.0.0/32");
  EXPECT_EQ(inside[1]["MatchedIpPermissions"][0]["IpRanges"][0]["CidrIp"], "192.0.0.0/32");
}

// test_cidr_size_egress: a /16 among /24s.
TEST(RecordedGroups, CidrSize) {
  auto matched = kept(
      "      - GroupName: wide-egress\n"
      "      - {type: egress, Cidr: {value: 24, op: lt, value_type: cidr_size}}\n",
      recorded("test_security_group_cidr_size"));
  ASSERT_EQ(matched.size(), 1u);
  EXPECT_EQ(matched[0]["MatchedIpPermissionsEgress"],
            Json::array({rule(443, 443, "10.42.0.0/16")}));
}

// test_permission_expansion: of three ranges on one rule, only the one containing the address.
TEST(RecordedGroups, ExpandedRules) {
  auto matched =
      kept("      - {type: ingress, Cidr: {value: 10.42.1.1, op: in, value_type: cidr}}\n",
           recorded("test_security_group_perm_expand"));
  ASSERT_EQ(matched.size(), 1u);
  EXPECT_EQ(matched[0]["MatchedIpPermissions"], Json::array({rule(443, 443, "10.42.1.0/24")}));
}

// test_self_reference_once (its policies sg-find0, sg-find1, sg-find2).
TEST(RecordedGroups, SelfReference) {
  auto groups = recorded("test_security_group_self_reference", 2);
  EXPECT_EQ(
      kept("      - GroupName: sg1\n      - {type: ingress, match-operator: and, Ports: [80], "
           "SelfReference: false}\n",
           groups)
          .size(),
      1u);
  EXPECT_EQ(
      kept("      - {type: ingress, SelfReference: true}\n      - GroupName: sg1\n", groups).size(),
      1u);
  EXPECT_EQ(
      kept("      - {type: egress, SelfReference: true}\n      - GroupName: sg2\n", groups).size(),
      0u);
}

TEST(PermissionFilterOptions, AreCheckedWhenCompiling) {
  EXPECT_NE(
      compile_error("      - {type: egress, InvalidKey: true}\n").find("unknown key 'InvalidKey'"),
      std::string::npos);
  EXPECT_NE(compile_error("      - {type: ingress, Ports: [ssh]}\n")
                .find("'Ports' must be a list of port numbers"),
            std::string::npos);
  EXPECT_NE(compile_error("      - {type: ingress, IpProtocol: -1}\n")
                .find("IpProtocol is text in AWS's answers: write '-1' in quotes"),
            std::string::npos);
  EXPECT_NE(compile_error("      - {type: ingress, match-operator: xor}\n")
                .find("'match-operator' must be one of and, or"),
            std::string::npos);
  EXPECT_NE(compile_error("      - {type: ingress, Description: ssh}\n")
                .find("'Description' must be a value filter"),
            std::string::npos);
  EXPECT_NE(compile_error("      - {type: ingress, Cidr: {value: 10.0.0.0/33, value_type: cidr}}\n")
                .find("invalid cidr"),
            std::string::npos);
  EXPECT_NE(compile_error("      - {type: ingress, SelfReference: maybe}\n")
                .find("'SelfReference' must be true or false"),
            std::string::npos);
  EXPECT_EQ(
      compile_error("      - {type: ingress, IpProtocol: '-1', FromPort: {value: 0, op: gte}}\n"),
      "compiled");
}

}  // namespace
}  // namespace custos
