// ECS services judged by their task definitions (Cloud Custodian's task-definition filter, a
// value filter over the related ecs-task-definition) against moto.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class EcsTest : public ActionTest {};

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

}  // namespace
}  // namespace custos::test
