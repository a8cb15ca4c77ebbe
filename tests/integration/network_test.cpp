// Network containment over real HTTP against moto: an instance isolated in two steps (through
// a group allowing all traffic, then the empty forensic group) on a GuardDuty finding, network
// interfaces, security group rules, Elastic IPs and VPC flow logs. The AWS CLI reads every end
// state back; each action is proven by a dry run, a run and a second run that changes nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "incident/journal_store.h"
#include "integration/action_check.h"
#include "integration/findings.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class NetworkTest : public ActionTest {
 protected:
  std::string default_vpc() const {
    return aws_cli(
        {"ec2", "describe-vpcs", "--filters", "Name=is-default,Values=true"})["Vpcs"][0]["VpcId"];
  }
  std::string create_group(const std::string& name, const std::string& vpc) const {
    return aws_cli({"ec2", "create-security-group", "--group-name", name, "--description", name,
                    "--vpc-id", vpc})["GroupId"];
  }
  // A group allowing all traffic in and out: the first step of a two-step isolation.
  std::string allow_all_group(const std::string& vpc) const {
    std::string id = create_group("untrack-all", vpc);
    aws_cli({"ec2", "authorize-security-group-ingress", "--group-id", id, "--ip-permissions",
             R"([{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])"});
    return id;
  }
  // A group with no rule at all: nothing in, nothing out.
  std::string forensic_group(const std::string& vpc) const {
    std::string id = create_group("forensic-isolation", vpc);
    aws_cli({"ec2", "revoke-security-group-egress", "--group-id", id, "--ip-permissions",
             R"([{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])"});
    return id;
  }
  std::string instance() const {
    return aws_cli({"ec2", "run-instances", "--image-id", "ami-12c6146b", "--instance-type",
                    "t3.micro"})["Instances"][0]["InstanceId"];
  }
  std::string interface_of(const std::string& instance_id) const {
    return aws_cli({"ec2", "describe-network-interfaces", "--filters",
                    "Name=attachment.instance-id,Values=" +
                        instance_id})["NetworkInterfaces"][0]["NetworkInterfaceId"];
  }
  Json groups_of(const std::string& eni) const {
    Json groups = aws_cli({"ec2", "describe-network-interfaces", "--network-interface-ids",
                           eni})["NetworkInterfaces"][0]["Groups"];
    Json ids = Json::array();
    for (const Json& group : groups) ids.push_back(group["GroupId"]);
    return ids;
  }
  Json ingress_of(const std::string& group) const {
    return aws_cli({"ec2", "describe-security-groups", "--group-ids",
                    group})["SecurityGroups"][0]["IpPermissions"];
  }
  Json address(const std::string& allocation) const {
    Json found = aws_cli({"ec2", "describe-addresses", "--filters",
                          "Name=allocation-id,Values=" + allocation})["Addresses"];
    return found.empty() ? Json() : found[0];
  }
  // The groups each ModifyNetworkInterfaceAttribute call of the incident set, in order.
  Json group_calls(const std::string& journal) const {
    incident::SqliteJournal opened(journal, false);
    Json sets = Json::array();
    for (const auto& record : opened.records(opened.incidents().at(0).id))
      if (record.kind == "completed")
        for (const Json& call : record.body["calls"])
          if (call["operation"] == "ModifyNetworkInterfaceAttribute")
            sets.push_back(call["params"]["Groups"]);
    return sets;
  }
};

const char* const kIsolate = R"(policies:
  - name: isolate-compromised
    resource: aws.ec2
    mode:
      type: guard-duty
    actions:
      - type: modify-security-groups
        remove: all
        isolation-group: forensic-isolation
        isolation: two-step
        untracking-group: UNTRACK
)";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// AWS's guidance on connection tracking: a group allowing all traffic makes the tracked
// connections untracked, then the empty group ends them. The journal's calls show both steps,
// in order; the AWS CLI reads the interface's final group; recovery puts the old group back.
TEST_F(NetworkTest, TwoStepIsolationGoesThroughTheAllowAllGroupToTheForensicGroup) {
  std::string vpc = default_vpc();
  std::string untrack = allow_all_group(vpc);
  std::string forensic = forensic_group(vpc);
  std::string id = instance();
  std::string eni = interface_of(id);
  Json original = groups_of(eni);
  ASSERT_EQ(original.size(), 1u);
  write("policy.yml", replaced(kIsolate, "UNTRACK", untrack));
  write("finding.json", instance_finding(id).dump());
  std::vector<std::string> run = {"run",
                                  "-s",
                                  path("out"),
                                  "--journal",
                                  path("journal.db"),
                                  "--event",
                                  path("finding.json"),
                                  path("policy.yml")};

  std::vector<std::string> dry = run;
  dry.insert(dry.begin() + 1, "--dryrun");
  auto dried = custos(dry);
  ASSERT_EQ(dried.exit_code, 0) << dried.out << dried.err;
  auto first = dried.out.find("would call ec2 ModifyNetworkInterfaceAttribute");
  ASSERT_NE(first, std::string::npos) << dried.out;
  EXPECT_LT(dried.out.find(untrack, first), dried.out.find(forensic, first)) << dried.out;
  EXPECT_EQ(groups_of(eni), original) << "the dry run changed the interface";

  auto result = custos(run);
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(groups_of(eni), Json::array({forensic}));
  EXPECT_EQ(group_calls(path("journal.db")),
            Json::parse("[[\"" + untrack + "\"], [\"" + forensic + "\"]]"));
  Json records = actions_of("isolate-compromised");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["outcome"], "changed");
  EXPECT_EQ(records[0]["after"]["UntrackedThrough"], untrack);
  EXPECT_EQ(records[0]["before"]["Interfaces"][0]["Groups"], original);
  EXPECT_EQ(records[0]["summary"],
            eni + ": " + original[0].get<std::string>() + " -> " + untrack + " -> " + forensic);

  auto again = custos({"run", "--no-journal", "-s", path("out"), "--event", path("finding.json"),
                       path("policy.yml")});
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(actions_of("isolate-compromised")[0]["outcome"], "unchanged");
  EXPECT_EQ(groups_of(eni), Json::array({forensic}));

  std::string incident = incident::SqliteJournal(path("journal.db"), false).incidents().at(0).id;
  auto recovered = custos({"incident", "recover", incident, "--journal", path("journal.db")});
  ASSERT_EQ(recovered.exit_code, 0) << recovered.out << recovered.err;
  EXPECT_EQ(groups_of(eni), original);
}

// The first step is only safe when its group really allows everything: otherwise it is refused
// and the interface left as it was.
TEST_F(NetworkTest, TwoStepIsolationRefusesAnUntrackingGroupThatDoesNotAllowEverything) {
  std::string vpc = default_vpc();
  std::string narrow = create_group("untrack-some", vpc);
  forensic_group(vpc);
  std::string id = instance();
  std::string eni = interface_of(id);
  Json original = groups_of(eni);
  write("policy.yml", replaced(kIsolate, "UNTRACK", narrow));
  write("finding.json", instance_finding(id).dump());
  auto result = custos({"run", "--no-journal", "-s", path("out"), "--event", path("finding.json"),
                        path("policy.yml")});
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  Json records = actions_of("isolate-compromised");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["outcome"], "failed");
  EXPECT_NE(records[0]["error"].get<std::string>().find("must allow all traffic"),
            std::string::npos);
  EXPECT_EQ(groups_of(eni), original);
}

// An interface whose group a security-group filter picked out loses that group and, left with
// none, gets the isolation group (Cloud Custodian's remove: matched and isolation-group).
TEST_F(NetworkTest, InterfaceLosesTheMatchedGroup) {
  std::string vpc = default_vpc();
  std::string web = create_group("web", vpc);
  std::string forensic = forensic_group(vpc);
  std::string eni = aws_cli({"ec2", "create-network-interface", "--subnet-id",
                             aws_cli({"ec2", "describe-subnets", "--filters",
                                      "Name=vpc-id,Values=" + vpc})["Subnets"][0]["SubnetId"],
                             "--groups", web})["NetworkInterface"]["NetworkInterfaceId"];
  std::string yaml = R"(policies:
  - name: eni-web
    resource: eni
    filters:
      - {type: security-group, key: GroupName, value: web}
    actions:
      - {type: modify-security-groups, remove: matched, isolation-group: )" +
                     forensic + "}\n";
  // The second run matches nothing (the web group is gone): prove the action on the id instead.
  run_policy(yaml, {"--no-journal", "--dryrun"});
  EXPECT_EQ(groups_of(eni), Json::array({web}));
  run_policy(yaml, {"--no-journal"});
  EXPECT_EQ(groups_of(eni), Json::array({forensic}));
  Json records = actions_of("eni-web");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["check"]["operation"], "DescribeNetworkInterfaces");
  Json resources = Json::parse(read_file(path("out/eni-web/resources.json")));
  EXPECT_EQ(resources[0]["c7n:matched-security-groups"], Json::array({web}));
  run_policy(yaml, {"--no-journal"});
  EXPECT_TRUE(actions_of("eni-web").empty());

  std::string by_id =
      "policies:\n  - name: eni-add\n    resource: eni\n    filters:\n"
      "      - NetworkInterfaceId: " +
      eni + "\n    actions:\n      - {type: modify-security-groups, add: web}\n";
  Json added = prove_action(by_id, "eni-add", [&] { return groups_of(eni); },
                            "ec2 ModifyNetworkInterfaceAttribute", {}, {"--no-journal"});
  EXPECT_EQ(groups_of(eni), Json::array({forensic, web}));
  expect_undo_restores(
      added, [&] { return groups_of(eni); }, Json::array({forensic}));
}

// match-resource compares each related group's value at `key` with the interface's own (here
// the description); Cloud Custodian's examples, whose key neither has, match every interface.
TEST_F(NetworkTest, MatchResourceComparesTheGroupWithTheInterfaceItself) {
  std::string vpc = default_vpc();
  std::string web = create_group("web", vpc);
  std::string subnet = aws_cli({"ec2", "describe-subnets", "--filters",
                                "Name=vpc-id,Values=" + vpc})["Subnets"][0]["SubnetId"];
  auto interface = [&](const std::string& description) -> std::string {
    return aws_cli({"ec2", "create-network-interface", "--subnet-id", subnet, "--groups", web,
                    "--description", description})["NetworkInterface"]["NetworkInterfaceId"];
  };
  std::string same = interface("web"), other = interface("database");
  auto matched = [&](const std::string& op) {
    std::vector<std::string> ids;
    for (const Json& eni : matched_by("policies:\n  - name: p\n    resource: eni\n    filters:\n"
                                      "      - {type: security-group, match-resource: true, "
                                      "key: Description, op: " +
                                          op + "}\n",
                                      "p"))
      ids.push_back(eni["NetworkInterfaceId"]);
    return ids;
  };
  EXPECT_EQ(matched("eq"), std::vector<std::string>{same});
  EXPECT_EQ(matched("ne"), std::vector<std::string>{other});
  const std::string example =
      read_file(data_path("policies/c7n/eni/vpc-2071-network-interface-ssh.yml"));
  EXPECT_EQ(matched_by(example, "network-interface-ssh").size(), 2u);
}

// The subnet filter's igw and nat: instances in a subnet whose route table (its own, else the
// VPC's main one) routes to an internet gateway or a NAT gateway; Cloud Custodian's example
// (either) unchanged.
TEST_F(NetworkTest, SubnetRoutesToAnInternetOrNatGateway) {
  std::string vpc = aws_cli({"ec2", "create-vpc", "--cidr-block", "10.9.0.0/16"})["Vpc"]["VpcId"];
  auto subnet = [&](const std::string& cidr) -> std::string {
    return aws_cli(
        {"ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", cidr})["Subnet"]["SubnetId"];
  };
  auto routed = [&](const std::string& subnet_id, const std::string& target_option,
                    const std::string& target) {
    std::string table =
        aws_cli({"ec2", "create-route-table", "--vpc-id", vpc})["RouteTable"]["RouteTableId"];
    aws_cli({"ec2", "create-route", "--route-table-id", table, "--destination-cidr-block",
             "0.0.0.0/0", target_option, target});
    aws_cli({"ec2", "associate-route-table", "--route-table-id", table, "--subnet-id", subnet_id});
  };
  std::string public_subnet = subnet("10.9.1.0/24"), private_subnet = subnet("10.9.2.0/24"),
              isolated = subnet("10.9.3.0/24");
  std::string igw =
      aws_cli({"ec2", "create-internet-gateway"})["InternetGateway"]["InternetGatewayId"];
  aws_cli({"ec2", "attach-internet-gateway", "--internet-gateway-id", igw, "--vpc-id", vpc});
  routed(public_subnet, "--gateway-id", igw);
  std::string address = aws_cli({"ec2", "allocate-address", "--domain", "vpc"})["AllocationId"];
  std::string nat = aws_cli({"ec2", "create-nat-gateway", "--subnet-id", public_subnet,
                             "--allocation-id", address})["NatGateway"]["NatGatewayId"];
  routed(private_subnet, "--nat-gateway-id", nat);
  std::map<std::string, std::string> subnet_of;  // instance -> its subnet's name
  for (const auto& [name, id] :
       {std::pair{"public", public_subnet}, std::pair{"private", private_subnet},
        std::pair{"isolated", isolated}})
    subnet_of[aws_cli({"ec2", "run-instances", "--image-id", "ami-12c6146b", "--instance-type",
                       "t3.micro", "--subnet-id", id})["Instances"][0]["InstanceId"]] = name;
  auto matched = [&](const std::string& yaml, const std::string& policy) {
    std::vector<std::string> names;
    for (const Json& instance : matched_by(yaml, policy))
      names.push_back(subnet_of[instance["InstanceId"]]);
    std::sort(names.begin(), names.end());
    return names;
  };
  auto with = [](const std::string& options) {
    return "policies:\n  - name: p\n    resource: aws.ec2\n    filters:\n"
           "      - {type: subnet, " +
           options + "}\n";
  };
  using Names = std::vector<std::string>;
  EXPECT_EQ(matched(with("igw: true"), "p"), Names{"public"});
  EXPECT_EQ(matched(with("nat: true"), "p"), Names{"private"});
  EXPECT_EQ(matched(with("igw: false, nat: false"), "p"), Names{"isolated"});
  EXPECT_EQ(matched(with("igw: false, key: CidrBlock, value: 10.9.2.0/24"), "p"), Names{"private"});
  EXPECT_EQ(
      matched(read_file(data_path("policies/c7n/ec2/filters-vpc-58-public-ec2.yml")), "public-ec2"),
      (Names{"private", "public"}));
}

// SSH open to the world: the matched rule goes, the private one stays; all rules with `all`.
TEST_F(NetworkTest, RemovePermissionsRevokesTheMatchedRulesOnly) {
  std::string group = create_group("web", default_vpc());
  aws_cli({"ec2", "authorize-security-group-ingress", "--group-id", group, "--ip-permissions",
           R"([{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}, {"CidrIp": "10.0.0.0/8"}]},
               {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])"});
  std::string yaml = R"(policies:
  - name: ssh-from-anywhere
    resource: security-group
    filters:
      - {type: ingress, Ports: [22], Cidr: {value: 0.0.0.0/0}}
    actions:
      - {type: remove-permissions, ingress: matched}
)";
  run_policy(yaml, {"--no-journal", "--dryrun"});
  EXPECT_EQ(ingress_of(group).size(), 2u);
  // "PORT CIDR" of every inbound range, sorted (AWS may group re-authorized rules otherwise).
  auto open_to = [&] {
    Json ranges = Json::array();
    for (const Json& rule : ingress_of(group))
      for (const Json& range : rule["IpRanges"])
        ranges.push_back(std::to_string(rule["FromPort"].get<int>()) + " " +
                         range["CidrIp"].get<std::string>());
    std::sort(ranges.begin(), ranges.end());
    return ranges;
  };
  run_policy(yaml, {"--no-journal"});
  const Json kept = open_to();
  EXPECT_EQ(kept, Json::parse(R"(["22 10.0.0.0/8", "443 0.0.0.0/0"])"));
  Json record = actions_of("ssh-from-anywhere")[0];
  EXPECT_EQ(record["undo"][0]["operation"], "AuthorizeSecurityGroupIngress");
  EXPECT_EQ(record["check"]["operation"], "DescribeSecurityGroups");
  run_policy(yaml, {"--no-journal"});
  EXPECT_TRUE(actions_of("ssh-from-anywhere").empty());

  std::string all =
      "policies:\n  - name: close-all\n    resource: security-group\n    filters:\n"
      "      - GroupId: " +
      group + "\n    actions:\n      - {type: remove-permissions, ingress: all}\n";
  Json closed = prove_action(all, "close-all", [&] { return ingress_of(group); },
                             "ec2 RevokeSecurityGroupIngress", {}, {"--no-journal"});
  EXPECT_EQ(ingress_of(group), Json::array());
  expect_undo_restores(closed, open_to, kept);
}

// Cloud Custodian's sg-add-permission: SSH from anywhere is replaced by SSH from two known
// addresses (IpPermissions with TCP in capitals, as its example writes it), and an outbound
// rule is added in the Authorize calls' older form; undo puts the group back as it was.
TEST_F(NetworkTest, SetPermissionsReplacesSshFromAnywhereWithKnownAddresses) {
  std::string group = create_group("bastion", default_vpc());
  aws_cli({"ec2", "authorize-security-group-ingress", "--group-id", group, "--ip-permissions",
           R"([{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])"});
  // Every rule's "DIRECTION PROTOCOL PORT CIDR", sorted.
  auto rules = [&] {
    Json found = aws_cli({"ec2", "describe-security-groups", "--group-ids", group});
    Json text = Json::array();
    for (const auto& [key, direction] :
         {std::pair{"IpPermissions", "in"}, std::pair{"IpPermissionsEgress", "out"}})
      for (const Json& rule : found["SecurityGroups"][0][key])
        for (const Json& range : rule["IpRanges"])
          text.push_back(std::string(direction) + " " + rule["IpProtocol"].get<std::string>() +
                         " " + std::to_string(rule.value("FromPort", -1)) + " " +
                         range["CidrIp"].get<std::string>());
    std::sort(text.begin(), text.end());
    return text;
  };
  const Json before = rules();
  std::string yaml = R"(policies:
  - name: sg-add-permission
    resource: security-group
    filters:
      - {type: ingress, Ports: [22], Cidr: "0.0.0.0/0"}
    actions:
      - type: set-permissions
        remove-ingress: matched
        add-ingress:
          - IpPermissions:
            - IpProtocol: TCP
              FromPort: 22
              ToPort: 22
              IpRanges:
                - {Description: Ops SSH Access, CidrIp: "1.1.1.1/32"}
                - {Description: Security SSH Access, CidrIp: "2.2.2.2/32"}
        add-egress:
          - {IpProtocol: tcp, FromPort: 5044, ToPort: 5044, CidrIp: "192.168.1.2/32"}
)";
  run_policy(yaml, {"--no-journal", "--dryrun"});
  EXPECT_EQ(rules(), before);
  run_policy(yaml, {"--no-journal"});
  EXPECT_EQ(rules(), Json::parse(R"(["in tcp 22 1.1.1.1/32", "in tcp 22 2.2.2.2/32",
      "out -1 -1 0.0.0.0/0", "out tcp 5044 192.168.1.2/32"])"));
  Json records = actions_of("sg-add-permission");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_TRUE(check_holds(records[0]["check"])) << records[0];
  EXPECT_EQ(records[0]["summary"],
            "authorized 2 inbound rule(s): tcp port 22 1.1.1.1/32, tcp port 22 2.2.2.2/32; "
            "authorized 1 outbound rule(s): tcp port 5044 192.168.1.2/32; "
            "revoked 1 inbound rule(s): tcp port 22 0.0.0.0/0");
  run_policy(yaml, {"--no-journal"});
  EXPECT_TRUE(actions_of("sg-add-permission").empty());  // no SSH from anywhere is left
  expect_undo_restores(records, rules, before);

  // Rules the group has already are no change.
  std::string again =
      "policies:\n  - name: again\n    resource: security-group\n    filters:\n"
      "      - GroupId: " +
      group +
      "\n    actions:\n      - type: set-permissions\n        add-ingress:\n"
      "          - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}\n";
  run_policy(again, {"--no-journal"});
  Json unchanged = actions_of("again");
  ASSERT_EQ(unchanged.size(), 1u);
  EXPECT_EQ(unchanged[0]["outcome"], "unchanged") << unchanged[0];
  EXPECT_EQ(rules(), before);
}

// SGReferences: rules letting in a group tagged Access=Public (a value filter on that group).
TEST_F(NetworkTest, IngressFromAGroupTaggedPublic) {
  std::string vpc = default_vpc();
  std::string open = create_group("public-lb", vpc);
  aws_cli({"ec2", "create-tags", "--resources", open, "--tags", "Key=Access,Value=Public"});
  std::string app = create_group("app", vpc);
  aws_cli({"ec2", "authorize-security-group-ingress", "--group-id", app, "--ip-permissions",
           R"([{"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080,
                "UserIdGroupPairs": [{"GroupId": ")" +
               open + R"("}]}])"});
  write("policy.yml", R"(policies:
  - name: from-public
    resource: security-group
    filters:
      - type: ingress
        SGReferences: {key: "tag:Access", value: Public, op: equal}
)");
  auto result = custos({"run", "--no-journal", "-s", path("out"), path("policy.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  Json found = Json::parse(read_file(path("out/from-public/resources.json")));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["GroupId"], app);
  EXPECT_EQ(found[0]["MatchedIpPermissions"][0]["UserIdGroupPairs"][0]["GroupId"], open);
}

TEST_F(NetworkTest, DeleteSecurityGroupIsIrreversibleAndDoneOnce) {
  std::string group = create_group("intruder-made", default_vpc());
  std::string yaml =
      "policies:\n  - name: drop-group\n    resource: security-group\n"
      "    filters:\n      - GroupId: " +
      group + "\n    actions:\n      - delete\n      - delete\n";
  run_policy(yaml, {"--no-journal", "--dryrun"});
  EXPECT_EQ(aws_cli({"ec2", "describe-security-groups", "--filters",
                     "Name=group-id,Values=" + group})["SecurityGroups"]
                .size(),
            1u);
  run_policy(yaml, {"--no-journal"});
  EXPECT_EQ(aws_cli({"ec2", "describe-security-groups", "--filters",
                     "Name=group-id,Values=" + group})["SecurityGroups"]
                .size(),
            0u);
  Json records = actions_of("drop-group");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0]["outcome"], "changed");
  EXPECT_TRUE(records[0]["undo"].is_null());
  EXPECT_NE(records[0]["summary"].get<std::string>().find("irreversible"), std::string::npos);
  EXPECT_EQ(records[0]["before"]["GroupName"], "intruder-made");
  EXPECT_EQ(records[1]["outcome"], "unchanged");  // the second delete finds it gone
}

// An instance's related filters: its VPC (the default one) and its security groups.
TEST_F(NetworkTest, InstancesByTheirVpcAndGroups) {
  std::string id = instance();
  write("policy.yml", R"(policies:
  - name: in-default-vpc
    resource: ec2
    filters:
      - {type: vpc, key: IsDefault, value: true}
      - {type: security-group, key: GroupName, value: default}
      - {type: subnet, key: DefaultForAz, value: true}
)");
  auto result = custos({"run", "--no-journal", "-s", path("out"), path("policy.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  Json found = Json::parse(read_file(path("out/in-default-vpc/resources.json")));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["InstanceId"], id);
  EXPECT_EQ(found[0]["c7n:matched-vpcs"], Json::array({default_vpc()}));
  EXPECT_EQ(found[0]["c7n:matched-security-groups"].size(), 1u);
}

TEST_F(NetworkTest, DisassociateTakesTheElasticIpOffAndUndoPutsItBack) {
  std::string id = instance();
  std::string allocation = aws_cli({"ec2", "allocate-address", "--domain", "vpc"})["AllocationId"];
  aws_cli({"ec2", "associate-address", "--allocation-id", allocation, "--instance-id", id});
  std::string yaml =
      "policies:\n  - name: eip-off\n    resource: network-addr\n    filters:\n"
      "      - AllocationId: " +
      allocation + "\n    actions:\n      - disassociate\n";
  Json records = prove_action(yaml, "eip-off",
                              [&] { return Json(address(allocation).value("AssociationId", "")); },
                              "ec2 DisassociateAddress", {}, {"--no-journal"});
  EXPECT_EQ(address(allocation).value("AssociationId", ""), "");
  ASSERT_EQ(records.size(), 1u);
  const Json& undo = records[0]["undo"][0];
  EXPECT_EQ(undo["operation"], "AssociateAddress");
  EXPECT_EQ(undo["params"]["NetworkInterfaceId"], interface_of(id));
  expect_undo_restores(
      records, [&] { return Json(address(allocation).value("NetworkInterfaceId", "")); },
      interface_of(id));
}

TEST_F(NetworkTest, ReleaseNeedsForceForAnAssociatedAddress) {
  std::string id = instance();
  std::string allocation = aws_cli({"ec2", "allocate-address", "--domain", "vpc"})["AllocationId"];
  aws_cli({"ec2", "associate-address", "--allocation-id", allocation, "--instance-id", id});
  std::string policy =
      "policies:\n  - name: eip-release\n    resource: elastic-ip\n    filters:\n"
      "      - AllocationId: " +
      allocation + "\n    actions:\n";
  run_policy(policy + "      - release\n", {"--no-journal"});
  Json records = actions_of("eip-release");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["outcome"], "unchanged");
  EXPECT_NE(records[0]["summary"].get<std::string>().find("force: true"), std::string::npos);
  EXPECT_FALSE(address(allocation).is_null());

  std::string forced = policy + "      - {type: release, force: true}\n      - release\n";
  run_policy(forced, {"--no-journal", "--dryrun"});
  EXPECT_FALSE(address(allocation).is_null());
  run_policy(forced, {"--no-journal"});
  EXPECT_TRUE(address(allocation).is_null());
  records = actions_of("eip-release");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0]["outcome"], "changed");
  EXPECT_TRUE(records[0]["undo"].is_null());
  EXPECT_EQ(records[1]["outcome"], "unchanged");  // already released
}

// flow-logs: without options the VPCs that have none; enabled with attributes the others.
TEST_F(NetworkTest, VpcsByTheirFlowLogs) {
  std::string logged =
      aws_cli({"ec2", "create-vpc", "--cidr-block", "10.1.0.0/16"})["Vpc"]["VpcId"];
  std::string dark = aws_cli({"ec2", "create-vpc", "--cidr-block", "10.2.0.0/16"})["Vpc"]["VpcId"];
  aws_cli({"logs", "create-log-group", "--log-group-name", "vpc-logs"});
  aws_cli({"ec2", "create-flow-logs", "--resource-type", "VPC", "--resource-ids", logged,
           "--traffic-type", "ALL", "--log-group-name", "vpc-logs", "--deliver-logs-permission-arn",
           "arn:aws:iam::123456789012:role/flow-logs"});
  write("policy.yml",
        "policies:\n"
        "  - name: dark\n    resource: vpc\n    filters:\n      - VpcId: {VPCS}\n"
        "      - flow-logs\n"
        "  - name: logged\n    resource: vpc\n    filters:\n      - VpcId: {VPCS}\n"
        "      - {type: flow-logs, enabled: true, status: active, traffic-type: all,"
        " log-group: vpc-logs}\n"
        "  - name: attrs\n    resource: vpc\n    filters:\n      - VpcId: {VPCS}\n"
        "      - type: flow-logs\n        attrs:\n          - TrafficType: ALL\n");
  std::string text =
      replaced(read_file(path("policy.yml")), "VpcId: {VPCS}",
               "{type: value, key: VpcId, op: in, value: [" + logged + ", " + dark + "]}");
  write("policy.yml", text);
  auto result = custos({"run", "--no-journal", "-s", path("out"), path("policy.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  auto ids = [&](const std::string& policy) {
    Json found = Json::parse(read_file(path("out/" + policy + "/resources.json")));
    Json list = Json::array();
    for (const Json& vpc : found) list.push_back(vpc["VpcId"]);
    return list;
  };
  EXPECT_EQ(ids("dark"), Json::array({dark}));
  EXPECT_EQ(ids("logged"), Json::array({logged}));
  EXPECT_EQ(ids("attrs"), Json::array({logged}));
  Json attrs = Json::parse(read_file(path("out/attrs/resources.json")));
  EXPECT_EQ(attrs[0]["c7n:ListItemMatches"][0]["LogGroupName"], "vpc-logs");
}

// dhcp-options: a VPC's option set by domain name, by exact server list, and by whether its DNS
// servers are Amazon's ("amazon": AmazonProvidedDNS, 169.254.169.253 or the VPC's base + 2).
TEST_F(NetworkTest, VpcsByTheirDhcpOptions) {
  std::string corp = aws_cli({"ec2", "create-vpc", "--cidr-block", "10.3.0.0/16"})["Vpc"]["VpcId"];
  std::string plain = aws_cli({"ec2", "create-vpc", "--cidr-block", "10.4.0.0/16"})["Vpc"]["VpcId"];
  auto options = [&](std::vector<std::string> configurations, const std::string& vpc) {
    configurations.insert(configurations.begin(),
                          {"ec2", "create-dhcp-options", "--dhcp-configurations"});
    std::string id = aws_cli(configurations)["DhcpOptions"]["DhcpOptionsId"];
    aws_cli({"ec2", "associate-dhcp-options", "--dhcp-options-id", id, "--vpc-id", vpc});
    return id;
  };
  std::string corp_options = options({"Key=domain-name,Values=corp.example",
                                      "Key=domain-name-servers,Values=10.3.0.2,203.0.113.53"},
                                     corp);
  options(
      {"Key=domain-name,Values=ec2.internal", "Key=domain-name-servers,Values=AmazonProvidedDNS"},
      plain);
  EXPECT_EQ(aws_cli({"ec2", "describe-vpcs", "--vpc-ids", corp})["Vpcs"][0]["DhcpOptionsId"],
            corp_options);
  std::string ours =
      "      - {type: value, key: VpcId, op: in, value: [" + corp + ", " + plain + "]}\n";
  auto policy = [&](const std::string& name, const std::string& filter) {
    return "  - name: " + name + "\n    resource: vpc\n    filters:\n" + ours + "      - " +
           filter + "\n";
  };
  write("policy.yml",
        "policies:\n" + policy("in-domain", "{type: dhcp-options, domain-name: corp.example}") +
            policy("exact", "{type: dhcp-options, domain-name-servers: [203.0.113.53, 10.3.0.2]}") +
            policy("any-amazon", "{type: dhcp-options, domain-name-servers: amazon}") +
            policy("not-only-amazon",
                   "{type: dhcp-options, match-operator: all, present: false,"
                   " domain-name-servers: amazon}"));
  auto result = custos({"run", "--no-journal", "-s", path("out"), path("policy.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  auto ids = [&](const std::string& name) {
    Json list = Json::array();
    for (const Json& vpc : Json::parse(read_file(path("out/" + name + "/resources.json"))))
      list.push_back(vpc["VpcId"]);
    std::sort(list.begin(), list.end());
    return list;
  };
  Json both = Json::array({corp, plain});
  std::sort(both.begin(), both.end());
  EXPECT_EQ(ids("in-domain"), Json::array({corp}));
  EXPECT_EQ(ids("exact"), Json::array({corp}));
  EXPECT_EQ(ids("any-amazon"), both);  // 10.3.0.2 is the corp VPC's own resolver
  EXPECT_EQ(ids("not-only-amazon"), Json::array({corp}));
  Json annotated = Json::parse(read_file(path("out/in-domain/resources.json")))[0];
  EXPECT_EQ(annotated["c7n:DhcpConfiguration"]["domain-name"], Json::array({"corp.example"}));
}

// Cloud Custodian's vpc-by-subnet, vpc-by-sg, vpc-by-igw, vpc-by-nat and the endpoint filters:
// a VPC judged by what it contains; an empty VPC matches none of them.
TEST_F(NetworkTest, VpcsAndSubnetsByWhatTheyContain) {
  std::string full = aws_cli({"ec2", "create-vpc", "--cidr-block", "10.7.0.0/16"})["Vpc"]["VpcId"];
  std::string empty = aws_cli({"ec2", "create-vpc", "--cidr-block", "10.8.0.0/16"})["Vpc"]["VpcId"];
  std::string subnet = aws_cli({"ec2", "create-subnet", "--vpc-id", full, "--cidr-block",
                                "10.7.1.0/24"})["Subnet"]["SubnetId"];
  aws_cli({"ec2", "create-tags", "--resources", subnet, "--tags", "Key=Color,Value=Gray"});
  std::string gateway =
      aws_cli({"ec2", "create-internet-gateway"})["InternetGateway"]["InternetGatewayId"];
  aws_cli({"ec2", "attach-internet-gateway", "--internet-gateway-id", gateway, "--vpc-id", full});
  std::string group = aws_cli({"ec2", "create-security-group", "--group-name", "web",
                               "--description", "web", "--vpc-id", full})["GroupId"];
  aws_cli({"ec2", "create-tags", "--resources", group, "--tags", "Key=Tier,Value=web"});
  std::string allocation = aws_cli({"ec2", "allocate-address"})["AllocationId"];
  aws_cli({"ec2", "create-nat-gateway", "--subnet-id", subnet, "--allocation-id", allocation});
  aws_cli({"ec2", "create-vpc-endpoint", "--vpc-id", full, "--vpc-endpoint-type", "Interface",
           "--service-name", "com.amazonaws.us-east-1.athena", "--subnet-ids", subnet});
  auto matched = [&](const std::string& resource, const std::string& filter, const Json& among) {
    write("contained.yml", "policies:\n  - name: contained\n    resource: " + resource +
                               "\n    filters:\n      - {type: value, key: " +
                               (resource == "vpc" ? "VpcId" : "SubnetId") +
                               ", op: in, value: " + among.dump() + "}\n      - " + filter + "\n");
    auto result = custos({"run", "--no-journal", "-s", path("out"), path("contained.yml")});
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    return Json::parse(read_file(path("out/contained/resources.json")));
  };
  const Json vpcs = Json::array({full, empty});
  for (const std::string filter :
       {"{type: subnet, key: 'tag:Color', value: Gray}",
        "{type: security-group, key: 'tag:Tier', value: web}",
        "{type: internet-gateway, key: InternetGatewayId, value: present}",
        "{type: nat-gateway, key: State, value: available}",
        "{type: vpc-endpoint, key: ServiceName, value: com.amazonaws.us-east-1.athena}"}) {
    Json found = matched("vpc", filter, vpcs);
    ASSERT_EQ(found.size(), 1u) << filter;
    EXPECT_EQ(found[0]["VpcId"], full) << filter;
  }
  Json by_subnet = matched("vpc", "{type: subnet, key: 'tag:Color', value: Gray}", vpcs);
  EXPECT_EQ(by_subnet[0]["MatchedVpcsSubnets"], Json::array({subnet}));
  Json subnets = matched("subnet", "{type: vpc-endpoint, key: VpcEndpointType, value: Interface}",
                         Json::array({subnet}));
  ASSERT_EQ(subnets.size(), 1u);
  EXPECT_EQ(subnets[0]["SubnetId"], subnet);
}

// vpc-attributes (Cloud Custodian's dns-hostname-enabled) and instance on volumes (its
// instance-ebs-volumes: volumes attached to an instance by the instance's tags).
TEST_F(NetworkTest, VpcsByDnsAttributesAndVolumesByTheirInstance) {
  std::string named = aws_cli({"ec2", "create-vpc", "--cidr-block", "10.9.0.0/16"})["Vpc"]["VpcId"];
  std::string bare = aws_cli({"ec2", "create-vpc", "--cidr-block", "10.10.0.0/16"})["Vpc"]["VpcId"];
  aws_cli({"ec2", "modify-vpc-attribute", "--vpc-id", named, "--enable-dns-hostnames",
           "{\"Value\": true}"});
  auto vpcs = [&](const std::string& filter) {
    write("attrs.yml",
          "policies:\n  - name: attrs\n    resource: vpc\n    filters:\n"
          "      - {type: value, key: VpcId, op: in, value: [" +
              named + ", " + bare + "]}\n      - " + filter + "\n");
    auto result = custos({"run", "--no-journal", "-s", path("out"), path("attrs.yml")});
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    Json ids = Json::array();
    for (const Json& vpc : Json::parse(read_file(path("out/attrs/resources.json"))))
      ids.push_back(vpc["VpcId"]);
    return ids;
  };
  EXPECT_EQ(vpcs("{type: vpc-attributes, dnshostnames: true}"), Json::array({named}));
  EXPECT_EQ(vpcs("{type: vpc-attributes, dnshostnames: false, dnssupport: true}"),
            Json::array({bare}));

  std::string id = aws_cli(
      {"ec2", "run-instances", "--image-id", "ami-12c6146b", "--instance-type", "t3.micro",
       "--tag-specifications",
       "ResourceType=instance,Tags=[{Key=Name,Value=OldManBySea}]"})["Instances"][0]["InstanceId"];
  std::string attached = aws_cli(
      {"ec2", "create-volume", "--availability-zone", "us-east-1a", "--size", "8"})["VolumeId"];
  std::string loose = aws_cli(
      {"ec2", "create-volume", "--availability-zone", "us-east-1a", "--size", "8"})["VolumeId"];
  aws_cli({"ec2", "attach-volume", "--volume-id", attached, "--instance-id", id, "--device",
           "/dev/sdf"});
  write("volumes.yml",
        "policies:\n  - name: volumes\n    resource: ebs\n    filters:\n"
        "      - {type: value, key: VolumeId, op: in, value: [" +
            attached + ", " + loose +
            "]}\n      - {type: instance, key: 'tag:Name', value: OldManBySea}\n");
  auto result = custos({"run", "--no-journal", "-s", path("out"), path("volumes.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  Json volumes = Json::parse(read_file(path("out/volumes/resources.json")));
  ASSERT_EQ(volumes.size(), 1u);
  EXPECT_EQ(volumes[0]["VolumeId"], attached);
  EXPECT_EQ(volumes[0]["c7n:matched-instances"], Json::array({id}));
}

}  // namespace
}  // namespace custos::test
