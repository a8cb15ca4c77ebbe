// has-specific-managed-policy on IAM groups and instance profiles against moto: Cloud
// Custodian's iam-groups-have-admin and iam-profile-has-admin-policy, each with one resource
// that has admin-policy attached (to the group, or to the profile's role) and one that does not.
#include <gtest/gtest.h>

#include <algorithm>

#include "integration/action_check.h"
#include "integration/moto_gaps.h"
#include "support/fault_proxy.h"

namespace custos::test {
namespace {

class ManagedPolicyFiltersTest : public ActionTest {
 protected:
  void SetUp() override {
    ActionTest::SetUp();
    admin_ = aws_cli({"iam", "create-policy", "--policy-name", "admin-policy", "--policy-document",
                      R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                          "Action": "*", "Resource": "*"}]})"})["Policy"]["Arn"];
  }

  Json names(const std::string& resource, const std::string& field,
             const std::map<std::string, std::string>& env = {}) const {
    Json found = Json::array();
    for (const Json& each : matched_by("policies:\n  - name: admin\n    resource: " + resource +
                                           "\n    filters:\n      - {type: "
                                           "has-specific-managed-policy, value: admin-policy}\n",
                                       "admin", env))
      found.push_back(each[field]);
    return found;
  }

  std::string admin_;
};

TEST_F(ManagedPolicyFiltersTest, GroupsWithThePolicyAttached) {
  for (const char* group : {"admins", "readers"})
    aws_cli({"iam", "create-group", "--group-name", group});
  aws_cli({"iam", "attach-group-policy", "--group-name", "admins", "--policy-arn", admin_});
  EXPECT_EQ(names("iam-group", "GroupName"), Json::array({"admins"}));
}

TEST_F(ManagedPolicyFiltersTest, ProfilesWhoseRoleHasThePolicyAttached) {
  const std::string trust = R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})";
  for (const char* name : {"ops", "web"}) {
    aws_cli({"iam", "create-role", "--role-name", name, "--assume-role-policy-document", trust});
    aws_cli({"iam", "create-instance-profile", "--instance-profile-name", name});
    aws_cli({"iam", "add-role-to-instance-profile", "--instance-profile-name", name, "--role-name",
             name});
  }
  aws_cli({"iam", "create-instance-profile", "--instance-profile-name", "empty"});
  aws_cli({"iam", "attach-role-policy", "--role-name", "ops", "--policy-arn", admin_});
  // Listing profiles reads their tags, which moto 5.2.1 cannot answer: a proxy says none.
  FaultProxy proxy(emulator().url());
  answer_instance_profile_tags(proxy);
  EXPECT_EQ(names("iam-profile", "InstanceProfileName", {{"AWS_ENDPOINT_URL", proxy.url()}}),
            Json::array({"ops"}));
}

}  // namespace
}  // namespace custos::test
