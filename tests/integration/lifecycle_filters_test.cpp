// lifecycle-policy on EFS file systems and lifecycle-rule on ECR repositories against moto:
// one of each with a lifecycle configuration and one without.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class LifecycleFiltersTest : public ActionTest {
 protected:
  Json kept(const std::string& resource, const std::string& filter,
            const std::string& field) const {
    Json names = Json::array();
    for (const Json& each : matched_by("policies:\n  - name: kept\n    resource: " + resource +
                                           "\n    filters:\n      - " + filter + "\n",
                                       "kept"))
      names.push_back(each[field]);
    std::sort(names.begin(), names.end());
    return names;
  }
};

// Cloud Custodian's efs-filter-lifecycle.
TEST_F(LifecycleFiltersTest, FileSystemsByTheirLifecyclePolicy) {
  std::string tiered =
      aws_cli({"efs", "create-file-system", "--creation-token", "tiered"})["FileSystemId"];
  std::string flat =
      aws_cli({"efs", "create-file-system", "--creation-token", "flat"})["FileSystemId"];
  aws_cli({"efs", "put-lifecycle-configuration", "--file-system-id", tiered, "--lifecycle-policies",
           "TransitionToIA=AFTER_7_DAYS"});
  EXPECT_EQ(
      kept("efs", "{type: lifecycle-policy, state: present, value: AFTER_7_DAYS}", "FileSystemId"),
      Json::array({tiered}));
  EXPECT_EQ(kept("efs", "{type: lifecycle-policy, state: absent}", "FileSystemId"),
            Json::array({flat}));
}

// Cloud Custodian's ecr-life: repositories without a rule expiring untagged images (30 or
// fewer kept).
TEST_F(LifecycleFiltersTest, RepositoriesByTheirLifecycleRules) {
  for (const char* name : {"pruned", "hoard"})
    aws_cli({"ecr", "create-repository", "--repository-name", name});
  aws_cli({"ecr", "put-lifecycle-policy", "--repository-name", "pruned", "--lifecycle-policy-text",
           R"({"rules": [{"rulePriority": 1, "selection": {"tagStatus": "untagged",
               "countType": "imageCountMoreThan", "countNumber": 10},
               "action": {"type": "expire"}}]})"});
  const std::string match = R"(match:
          - selection.tagStatus: untagged
          - action.type: expire
          - {type: value, key: selection.countNumber, value: 30, op: less-than})";
  EXPECT_EQ(
      kept("ecr", "type: lifecycle-rule\n        state: false\n        " + match, "repositoryName"),
      Json::array({"hoard"}));
  EXPECT_EQ(
      kept("ecr", "type: lifecycle-rule\n        state: true\n        " + match, "repositoryName"),
      Json::array({"pruned"}));
}

}  // namespace
}  // namespace custos::test
