// tag and remove-tag on aws.cfn over real HTTP against moto, Cloud Custodian's documented
// add-cfn-tag and remove-cfn-tag unchanged: UpdateStack with the previous template keeps the
// stack and changes its tags (read back with the AWS CLI), a second run finds nothing to do, and
// the undo puts the stack's tags back.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class CfnTagTest : public ActionTest {
 protected:
  // moto clears no tag set to empty (UpdateStack without tags keeps them): the stack keeps a
  // tag of its own throughout.
  void make_stack() const {
    aws_cli({"cloudformation", "create-stack", "--stack-name", "web", "--template-body",
             R"({"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}})", "--tags",
             "Key=Team,Value=red"});
  }
  Json tags() const {
    Json stack = aws_cli({"cloudformation", "describe-stacks", "--stack-name", "web"})["Stacks"][0];
    Json found = Json::object();
    for (const Json& tag : stack.value("Tags", Json::array()))
      found[tag["Key"].get<std::string>()] = tag["Value"];
    return found;
  }
};

TEST_F(CfnTagTest, AddCfnTagTagsTheStackThroughUpdateStack) {
  make_stack();
  const Json before = tags();
  ASSERT_EQ(before, (Json{{"Team", "red"}}));
  Json records = prove_remedy(
      read_file(data_path("policies/c7n/cfn/cfn-150-add-cfn-tag.yml")), "add-cfn-tag",
      [&] { return tags(); }, "cloudformation UpdateStack");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(tags(), (Json{{"DesiredTag", "DesiredValue"}, {"Team", "red"}}));
  Json stack = aws_cli({"cloudformation", "describe-stacks", "--stack-name", "web"})["Stacks"][0];
  EXPECT_EQ(stack["StackStatus"], "UPDATE_COMPLETE");
  expect_undo_restores(
      records, [&] { return tags(); }, before);
}

TEST_F(CfnTagTest, RemoveCfnTagUntagsTheStackThroughUpdateStack) {
  make_stack();
  aws_cli({"cloudformation", "update-stack", "--stack-name", "web", "--use-previous-template",
           "--tags", "Key=Team,Value=red", "Key=DesiredTag,Value=x"});
  const Json before = tags();
  ASSERT_EQ(before, (Json{{"DesiredTag", "x"}, {"Team", "red"}}));
  Json records = prove_remedy(
      read_file(data_path("policies/c7n/cfn/cfn-207-remove-cfn-tag.yml")), "remove-cfn-tag",
      [&] { return tags(); }, "cloudformation UpdateStack");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(tags(), (Json{{"Team", "red"}}));
  expect_undo_restores(
      records, [&] { return tags(); }, before);
}

}  // namespace
}  // namespace custos::test
