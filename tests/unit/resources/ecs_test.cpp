// aws.ecs-service's taggable filter (Cloud Custodian's ECSTaggable) over ARNs in ECS's short
// and long formats.
#include <gtest/gtest.h>

#include "policy/policy.h"
#include "resources/builtin.h"

namespace custos {
namespace {

std::vector<Json> kept(const std::string& filter) {
  auto source = policy::SourceDocument::parse(
      "policies:\n  - name: p\n    resource: ecs-service\n    filters: [" + filter + "]\n",
      "p.yml");
  auto policies = policy::compile_policies(source, resources::builtin_registry());
  std::vector<Json> services = {
      {{"serviceArn", "arn:aws:ecs:us-east-1:123456789012:service/web"}},
      {{"serviceArn", "arn:aws:ecs:us-east-1:123456789012:service/prod/web"}}};
  return policies.at(0).filter_resources(services, {});
}

TEST(EcsTaggable, LongArnsAreTaggableAndTheDefaultKeepsTheOthers) {
  auto taggable = kept("{type: taggable, state: true}");
  ASSERT_EQ(taggable.size(), 1u);
  EXPECT_EQ(taggable[0]["serviceArn"], "arn:aws:ecs:us-east-1:123456789012:service/prod/web");
  auto untaggable = kept("taggable");
  ASSERT_EQ(untaggable.size(), 1u);
  EXPECT_EQ(untaggable[0]["serviceArn"], "arn:aws:ecs:us-east-1:123456789012:service/web");
}

}  // namespace
}  // namespace custos
