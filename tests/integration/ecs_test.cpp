// ECS services against moto: judged by their task definitions (Cloud Custodian's task-definition
// filter, a value filter over the related ecs-task-definition), modified and deleted.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class EcsTest : public ActionTest {
 protected:
  // A cluster with a service `name` running `count` tasks of nginx, in a public subnet.
  void service(const std::string& name, int count) const {
    aws_cli({"ecs", "create-cluster", "--cluster-name", "apps"});
    aws_cli({"ecs", "register-task-definition", "--family", "web", "--container-definitions",
             R"([{"name": "web", "image": "nginx", "memory": 128}])"});
    std::string vpc = aws_cli({"ec2", "create-vpc", "--cidr-block", "10.0.0.0/16"})["Vpc"]["VpcId"];
    subnet_ = aws_cli({"ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block",
                       "10.0.1.0/24"})["Subnet"]["SubnetId"];
    Json network = {{"awsvpcConfiguration",
                     {{"subnets", Json::array({subnet_})},
                      {"securityGroups", Json::array()},
                      {"assignPublicIp", "ENABLED"}}}};
    aws_cli({"ecs", "create-service", "--cluster", "apps", "--service-name", name,
             "--task-definition", "web", "--desired-count", std::to_string(count),
             "--network-configuration", network.dump(), "--tags",
             R"([{"key": "InvalidTag", "value": "x"}])"});
  }
  Json described(const std::string& name) const {
    return aws_cli(
        {"ecs", "describe-services", "--cluster", "apps", "--services", name})["services"][0];
  }
  mutable std::string subnet_;
};

// As Cloud Custodian's fargate-find-stop-image, on services: which run a given image.
TEST_F(EcsTest, ServicesByTheImageOfTheirTaskDefinition) {
  aws_cli({"ecs", "create-cluster", "--cluster-name", "apps"});
  for (const auto& [family, image] :
       {std::pair{"search", "elasticsearch/elasticsearch:6.4.3"}, std::pair{"web", "nginx:1.25"}}) {
    aws_cli({"ecs", "register-task-definition", "--family", family, "--container-definitions",
             Json::array({{{"name", family}, {"image", image}, {"memory", 128}}}).dump()});
    aws_cli({"ecs", "create-service", "--cluster", "apps", "--service-name", family,
             "--task-definition", family, "--desired-count", "0"});
  }
  write("policy.yml", R"(policies:
  - name: old-search
    resource: ecs-service
    filters:
      - type: task-definition
        key: "containerDefinitions[0].image"
        value: "elasticsearch/elasticsearch:6.4.3"
)");
  ProcessResult result = custos({"run", "--no-journal", "-s", path("out"), path("policy.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  Json found = Json::parse(read_file(path("out/old-search/resources.json")));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["serviceName"], "search");
  EXPECT_EQ(found[0]["c7n:matched-task-definitions"], Json::array({found[0]["taskDefinition"]}));
}

// Cloud Custodian's no-public-ips-services, unchanged: the public IP turned off, the subnets kept;
// the undo turns it back on.
TEST_F(EcsTest, ModifyTurnsOffPublicIpsAndKeepsTheSubnets) {
  service("web", 0);
  auto network = [&] { return described("web")["networkConfiguration"]["awsvpcConfiguration"]; };
  const Json before = network();
  const std::string yaml =
      read_file(data_path("policies/c7n/ecs-service/ecs-325-no-public-ips-services.yml"));
  Json records = prove_remedy(yaml, "no-public-ips-services", network, "ecs UpdateService");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(network()["assignPublicIp"], "DISABLED");
  EXPECT_EQ(network()["subnets"], Json::array({subnet_}));
  expect_undo_restores(records, network, before);
}

// delete, as mark-for-op's op in Cloud Custodian's ecs-service-invalid-tag-stop: a service with
// tasks running is deleted (force); a deleted one, listed as INACTIVE, is left alone.
TEST_F(EcsTest, DeleteTakesAServiceWithRunningTasks) {
  service("web", 2);
  ASSERT_EQ(custos({"validate", data_path("policies/c7n/ecs-service/"
                                          "ecs-828-ecs-service-invalid-tag-stop.yml")})
                .exit_code,
            0);
  const std::string yaml = R"(policies:
  - name: remove
    resource: ecs-service
    filters:
      - "tag:InvalidTag": present
    actions:
      - delete
)";
  run_policy(yaml);
  Json records = actions_of("remove");
  ASSERT_EQ(records.size(), 1u) << records.dump();
  EXPECT_EQ(records[0]["outcome"], "changed");
  EXPECT_EQ(described("web")["status"], "INACTIVE");
  run_policy(yaml);
  Json again = actions_of("remove");
  for (const Json& record : again) EXPECT_EQ(record["outcome"], "unchanged") << record.dump();
}

}  // namespace
}  // namespace custos::test
