// used and unused on IAM roles against moto: a role an instance's profile carries and a role a
// Lambda function runs as are in use; a role nothing names is not (ECS services, which moto
// serves too, name none here).
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class IamRoleUsageTest : public ActionTest {
 protected:
  void SetUp() override {
    ActionTest::SetUp();
    run_instance_with_profile("web");
    for (const char* role : {"fn", "idle"})
      aws_cli(
          {"iam", "create-role", "--role-name", role, "--assume-role-policy-document",
           R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]})"});
    write("code.zip", std::string("PK\x05\x06", 4) + std::string(18, '\0'));
    aws_cli({"lambda", "create-function", "--function-name", "handler", "--runtime", "python3.12",
             "--handler", "h.handler", "--role", "arn:aws:iam::123456789012:role/fn", "--zip-file",
             "fileb://" + path("code.zip")});
  }
  // The roles among web, fn and idle that `filter` keeps, by name.
  Json kept(const std::string& filter) const {
    Json names = Json::array();
    for (const Json& role : matched_by(
             "policies:\n  - name: roles\n    resource: iam-role\n    filters:\n"
             "      - {type: value, key: RoleName, op: in, value: [web, fn, idle]}\n      - " +
                 filter + "\n",
             "roles"))
      names.push_back(role["RoleName"]);
    std::sort(names.begin(), names.end());
    return names;
  }
};

TEST_F(IamRoleUsageTest, RolesOfInstancesAndFunctionsAreInUse) {
  EXPECT_EQ(kept("{type: used, state: true}"), Json::array({"fn", "web"}));
  EXPECT_EQ(kept("{type: used, state: false}"), Json::array({"idle"}));
  EXPECT_EQ(kept("unused"), Json::array({"idle"}));
  EXPECT_EQ(kept("{type: unused, state: false}"), Json::array({"fn", "web"}));
}

}  // namespace
}  // namespace custos::test
