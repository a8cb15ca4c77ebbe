// The filters types get from data, over real HTTP against moto: Cloud Custodian's used/unused
// (what other resources use), default-vpc, the load balancers' is-logging/is-not-logging, and
// security-group/subnet/vpc on the types beyond EC2 and kms-key (value filters over the related
// resources).
// The AWS CLI creates the resources; each policy keeps the ones it should.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "integration/fixture.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class TypeFiltersTest : public IntegrationTest {
 protected:
  // The `field` of what each policy kept, sorted.
  Json kept(const std::string& policy, const std::string& field) const {
    Json resources = Json::parse(read_file(path("out/" + policy + "/resources.json")));
    std::vector<std::string> values;
    for (const Json& resource : resources) values.push_back(resource.value(field, ""));
    std::sort(values.begin(), values.end());
    return values;
  }
  void run(const std::string& policies) const {
    write("p.yml", "policies:\n" + policies);
    auto result = custos({"run", "-s", path("out"), path("p.yml")});
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  }
};

TEST_F(TypeFiltersTest, SecurityGroupsUsedByAnInterfaceOrAnotherGroupAreUsed) {
  std::string vpc = aws_cli({"ec2", "create-vpc", "--cidr-block", "10.0.0.0/16"})["Vpc"]["VpcId"];
  std::string subnet = aws_cli({"ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block",
                                "10.0.1.0/24"})["Subnet"]["SubnetId"];
  auto group = [&](const std::string& name) -> std::string {
    return aws_cli({"ec2", "create-security-group", "--group-name", name, "--description", name,
                    "--vpc-id", vpc})["GroupId"];
  };
  std::string on_eni = group("on-eni"), referenced = group("referenced"), idle = group("idle");
  aws_cli({"ec2", "create-network-interface", "--subnet-id", subnet, "--groups", on_eni});
  aws_cli({"ec2", "authorize-security-group-ingress", "--group-id", on_eni, "--protocol", "tcp",
           "--port", "443", "--source-group", referenced});
  std::string names = "{type: value, key: GroupName, op: in, value: [on-eni, referenced, idle]}";
  run("  - name: used\n    resource: security-group\n    filters: [used, " + names +
      "]\n  - name: unused\n    resource: security-group\n    filters: [unused, " + names + "]\n");
  EXPECT_EQ(kept("used", "GroupName"), Json::array({"on-eni", "referenced"}));
  EXPECT_EQ(kept("unused", "GroupName"), Json::array({"idle"}));
}

// As Cloud Custodian's `used`, each group is annotated with what its interfaces in use serve,
// so a value filter on c7n:InterfaceResourceTypes (a key that is no JMESPath) finds the groups
// of instances and not those of databases.
TEST_F(TypeFiltersTest, SecurityGroupsInUseSayWhatTheirInterfacesServe) {
  std::string vpc = aws_cli({"ec2", "create-vpc", "--cidr-block", "10.0.0.0/16"})["Vpc"]["VpcId"];
  std::string subnet = aws_cli({"ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block",
                                "10.0.1.0/24"})["Subnet"]["SubnetId"];
  std::string group = aws_cli({"ec2", "create-security-group", "--group-name", "web",
                               "--description", "web", "--vpc-id", vpc})["GroupId"];
  aws_cli({"ec2", "run-instances", "--image-id", "ami-12c6146b", "--subnet-id", subnet,
           "--security-group-ids", group});
  auto by = [](const char* kind) {
    return std::string(
               "[used, {GroupName: web}, {type: value, key: c7n:InterfaceResourceTypes, "
               "op: intersect, value: [") +
           kind + "]}]";
  };
  run("  - name: instances\n    resource: security-group\n    filters: " + by("ec2") +
      "\n  - name: databases\n    resource: security-group\n    filters: " + by("rds") + "\n");
  EXPECT_EQ(kept("instances", "GroupName"), Json::array({"web"}));
  EXPECT_EQ(kept("databases", "GroupName"), Json::array());
  Json groups = Json::parse(read_file(path("out/instances/resources.json")));
  EXPECT_EQ(groups[0]["c7n:InstanceOwnerIds"], Json::array({"123456789012"})) << groups.dump();
}

TEST_F(TypeFiltersTest, KeyPairsImagesAndLaunchConfigsInUse) {
  aws_cli({"ec2", "create-key-pair", "--key-name", "in-use"});
  aws_cli({"ec2", "create-key-pair", "--key-name", "idle"});
  std::string image = aws_cli(
      {"ec2", "register-image", "--name", "golden", "--root-device-name", "/dev/xvda"})["ImageId"];
  aws_cli({"ec2", "register-image", "--name", "spare", "--root-device-name", "/dev/xvda"});
  aws_cli({"ec2", "run-instances", "--image-id", image, "--key-name", "in-use", "--count", "1",
           "--instance-type", "t3.micro"});
  for (const char* config : {"in-asg", "idle"})
    aws_cli({"autoscaling", "create-launch-configuration", "--launch-configuration-name", config,
             "--image-id", "ami-12c6146b", "--instance-type", "t3.micro"});
  aws_cli({"autoscaling", "create-auto-scaling-group", "--auto-scaling-group-name", "web",
           "--launch-configuration-name", "in-asg", "--min-size", "0", "--max-size", "1",
           "--availability-zones", "us-east-1a"});
  run(R"(  - name: keys-unused
    resource: key-pair
    filters: [unused]
  - name: keys-used
    resource: key-pair
    filters: [{type: unused, state: false}]
  - name: images-unused
    resource: ami
    filters: [unused]
  - name: images-used
    resource: ami
    filters: [{type: unused, value: false}]
  - name: configs-unused
    resource: launch-config
    filters: [unused]
)");
  EXPECT_EQ(kept("keys-unused", "KeyName"), Json::array({"idle"}));
  EXPECT_EQ(kept("keys-used", "KeyName"), Json::array({"in-use"}));
  EXPECT_EQ(kept("images-unused", "Name"), Json::array({"spare"}));
  EXPECT_EQ(kept("images-used", "Name"), Json::array({"golden"}));
  EXPECT_EQ(kept("configs-unused", "LaunchConfigurationName"), Json::array({"idle"}));
}

TEST_F(TypeFiltersTest, DefaultVpcKeepsWhatIsInTheRegionsDefaultVpc) {
  std::string vpc = aws_cli({"ec2", "create-vpc", "--cidr-block", "10.0.0.0/16"})["Vpc"]["VpcId"];
  aws_cli({"ec2", "create-security-group", "--group-name", "own", "--description", "own",
           "--vpc-id", vpc});
  aws_cli({"ec2", "create-security-group", "--group-name", "in-default", "--description", "d"});
  run(R"(  - name: in-default
    resource: security-group
    filters: [default-vpc, {type: value, key: GroupName, op: in, value: [own, in-default]}]
  - name: elsewhere
    resource: security-group
    filters: [{not: [default-vpc]}, {type: value, key: GroupName, op: in, value: [own, in-default]}]
)");
  EXPECT_EQ(kept("in-default", "GroupName"), Json::array({"in-default"}));
  EXPECT_EQ(kept("elsewhere", "GroupName"), Json::array({"own"}));
}

TEST_F(TypeFiltersTest, ClassicLoadBalancersByTheirAccessLogs) {
  for (const char* name : {"logged", "silent"})
    aws_cli({"elb", "create-load-balancer", "--load-balancer-name", name, "--listeners",
             "Protocol=HTTP,LoadBalancerPort=80,InstancePort=80", "--availability-zones",
             "us-east-1a"});
  aws_cli({"elb", "modify-load-balancer-attributes", "--load-balancer-name", "logged",
           "--load-balancer-attributes",
           R"({"AccessLog": {"Enabled": true, "S3BucketName": "prodlogs", "S3BucketPrefix": "elb",
               "EmitInterval": 60}})"});
  run(R"(  - name: logging
    resource: elb
    filters: [is-logging]
  - name: logging-elsewhere
    resource: elb
    filters: [{type: is-logging, bucket: otherlogs}]
  - name: not-logging
    resource: elb
    filters: [is-not-logging]
  - name: not-to-prodlogs
    resource: elb
    filters: [{type: is-not-logging, bucket: prodlogs, prefix: elb}]
)");
  EXPECT_EQ(kept("logging", "LoadBalancerName"), Json::array({"logged"}));
  EXPECT_EQ(kept("logging-elsewhere", "LoadBalancerName"), Json::array());
  EXPECT_EQ(kept("not-logging", "LoadBalancerName"), Json::array({"silent"}));
  EXPECT_EQ(kept("not-to-prodlogs", "LoadBalancerName"), Json::array({"silent"}));
}

TEST_F(TypeFiltersTest, ApplicationLoadBalancersByTheirAccessLogs) {
  auto [vpc, subnets] = vpc_with_two_subnets();
  std::string logged;
  for (const char* name : {"logged", "silent"}) {
    Json created = aws_cli(
        {"elbv2", "create-load-balancer", "--name", name, "--subnets", subnets[0], subnets[1]});
    if (std::string(name) == "logged") logged = created["LoadBalancers"][0]["LoadBalancerArn"];
  }
  aws_cli({"elbv2", "modify-load-balancer-attributes", "--load-balancer-arn", logged,
           "--attributes", "Key=access_logs.s3.enabled,Value=true",
           "Key=access_logs.s3.bucket,Value=prodlogs"});
  run(R"(  - name: logging
    resource: app-elb
    filters: [{type: is-logging, bucket: prodlogs}]
  - name: not-logging
    resource: app-elb
    filters: [is-not-logging]
)");
  EXPECT_EQ(kept("logging", "LoadBalancerName"), Json::array({"logged"}));
  EXPECT_EQ(kept("not-logging", "LoadBalancerName"), Json::array({"silent"}));
}

// Each type finds its related resources where Cloud Custodian's RelatedIdsExpression says: a
// classic load balancer's Subnets[] and VPCId, an application one's SecurityGroups[], a route
// table's and a network ACL's Associations[].SubnetId, a subnet's VpcId.
TEST_F(TypeFiltersTest, LoadBalancersRouteTablesAclsAndSubnetsByTheirNetwork) {
  std::string vpc = aws_cli({"ec2", "create-vpc", "--cidr-block", "10.0.0.0/16"})["Vpc"]["VpcId"];
  auto subnet = [&](const char* cidr, const char* zone) -> std::string {
    return aws_cli({"ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", cidr,
                    "--availability-zone", zone})["Subnet"]["SubnetId"];
  };
  std::string web = subnet("10.0.1.0/24", "us-east-1a"), data = subnet("10.0.2.0/24", "us-east-1b");
  std::string group = aws_cli({"ec2", "create-security-group", "--group-name", "lb-sg",
                               "--description", "lb", "--vpc-id", vpc})["GroupId"];
  aws_cli({"elb", "create-load-balancer", "--load-balancer-name", "classic", "--listeners",
           "Protocol=HTTP,LoadBalancerPort=80,InstancePort=80", "--subnets", web,
           "--security-groups", group});
  aws_cli({"elbv2", "create-load-balancer", "--name", "app", "--subnets", web, data,
           "--security-groups", group});
  aws_cli({"elbv2", "create-load-balancer", "--name", "app-no-group", "--subnets", web, data});
  std::string table =
      aws_cli({"ec2", "create-route-table", "--vpc-id", vpc})["RouteTable"]["RouteTableId"];
  aws_cli({"ec2", "associate-route-table", "--route-table-id", table, "--subnet-id", web});
  std::string acl =
      aws_cli({"ec2", "create-network-acl", "--vpc-id", vpc})["NetworkAcl"]["NetworkAclId"];
  Json acls = aws_cli(
      {"ec2", "describe-network-acls", "--filters", "Name=association.subnet-id,Values=" + web});
  aws_cli({"ec2", "replace-network-acl-association", "--association-id",
           acls["NetworkAcls"][0]["Associations"][0]["NetworkAclAssociationId"], "--network-acl-id",
           acl});
  run(R"(  - name: classic-in-web
    resource: elb
    filters: [{type: subnet, key: CidrBlock, value: 10.0.1.0/24}]
  - name: classic-in-vpc
    resource: elb
    filters: [{type: vpc, key: CidrBlock, value: 10.0.0.0/16}]
  - name: app-with-group
    resource: app-elb
    filters: [{type: security-group, key: GroupName, value: lb-sg}]
  - name: app-in-data
    resource: app-elb
    filters: [{type: subnet, key: CidrBlock, value: 10.0.2.0/24}]
  - name: table-of-web
    resource: route-table
    filters: [{type: subnet, key: CidrBlock, value: 10.0.1.0/24}]
  - name: acl-of-web
    resource: network-acl
    filters: [{type: subnet, key: CidrBlock, value: 10.0.1.0/24}]
  - name: subnets-in-vpc
    resource: subnet
    filters: [{type: vpc, key: CidrBlock, value: 10.0.0.0/16}]
)");
  EXPECT_EQ(kept("classic-in-web", "LoadBalancerName"), Json::array({"classic"}));
  EXPECT_EQ(kept("classic-in-vpc", "LoadBalancerName"), Json::array({"classic"}));
  EXPECT_EQ(kept("app-with-group", "LoadBalancerName"), Json::array({"app"}));
  EXPECT_EQ(kept("app-in-data", "LoadBalancerName"), Json::array({"app", "app-no-group"}));
  EXPECT_EQ(kept("table-of-web", "RouteTableId"), Json::array({table}));
  EXPECT_EQ(kept("acl-of-web", "NetworkAclId"), Json::array({acl}));
  Json both = Json::array({web, data});
  std::sort(both.begin(), both.end());
  EXPECT_EQ(kept("subnets-in-vpc", "SubnetId"), both);
}

// A queue may name its key by alias, by ARN or by id: each finds the key, whose first alias is
// c7n:AliasName.
TEST_F(TypeFiltersTest, QueuesByTheKmsKeyTheyNameHoweverTheyNameIt) {
  Json key = aws_cli({"kms", "create-key", "--description", "team"})["KeyMetadata"];
  aws_cli(
      {"kms", "create-alias", "--alias-name", "alias/team-key", "--target-key-id", key["KeyId"]});
  std::map<std::string, std::string> queues = {{"by-alias", "alias/team-key"},
                                               {"by-arn", key["Arn"]},
                                               {"by-id", key["KeyId"]},
                                               {"unencrypted", ""}};
  for (const auto& [name, named_key] : queues) {
    std::vector<std::string> args = {"sqs", "create-queue", "--queue-name", name};
    if (!named_key.empty())
      args.insert(args.end(), {"--attributes", "KmsMasterKeyId=" + named_key});
    aws_cli(args);
  }
  run(R"(  - name: team-key
    resource: sqs
    filters: [{type: kms-key, key: "c7n:AliasName", value: alias/team-key}]
  - name: customer-managed
    resource: sqs
    filters: [{type: kms-key, key: KeyManager, value: CUSTOMER}]
  - name: other-key
    resource: sqs
    filters: [{type: kms-key, key: "c7n:AliasName", value: alias/other}]
)");
  auto names = [&](const std::string& policy) {
    std::vector<std::string> found;
    for (const Json& url : kept(policy, "QueueUrl"))
      found.push_back(url.get<std::string>().substr(url.get<std::string>().rfind('/') + 1));
    return Json(found);
  };
  EXPECT_EQ(names("team-key"), Json::array({"by-alias", "by-arn", "by-id"}));
  EXPECT_EQ(names("customer-managed"), Json::array({"by-alias", "by-arn", "by-id"}));
  EXPECT_EQ(names("other-key"), Json::array());
}

}  // namespace
}  // namespace custos::test
