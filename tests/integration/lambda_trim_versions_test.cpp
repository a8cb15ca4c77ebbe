// trim-versions on a Lambda function in moto: Cloud Custodian's example (older-than: 60) keeps
// versions published today; without older-than it deletes the old version, keeps the one an
// alias names and, with retain-latest, the one with $LATEST's code. The AWS CLI reads the
// versions back; the record says the deletion cannot be undone.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class LambdaTrimVersionsTest : public ActionTest {
 protected:
  // An empty zip archive whose comment is `comment`: code with its own CodeSha256.
  std::string code(const std::string& comment) const {
    std::string zip = std::string("PK\x05\x06", 4) + std::string(16, '\0');
    zip += static_cast<char>(comment.size());
    zip += '\0';
    zip += comment;
    write("code-" + comment + ".zip", zip);
    return "fileb://" + path("code-" + comment + ".zip");
  }
  Json versions() const {
    Json listed = aws_cli({"lambda", "list-versions-by-function", "--function-name", "gc"});
    Json numbers = Json::array();
    for (const Json& version : listed["Versions"]) numbers.push_back(version["Version"]);
    return numbers;
  }
};

TEST_F(LambdaTrimVersionsTest, DeletesTheOldVersionOnly) {
  aws_cli(
      {"iam", "create-role", "--role-name", "gc", "--assume-role-policy-document",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]})"});
  aws_cli({"lambda", "create-function", "--function-name", "gc", "--runtime", "python3.12",
           "--handler", "h.handler", "--role", "arn:aws:iam::123456789012:role/gc", "--zip-file",
           code("a"), "--publish"});
  for (const char* comment : {"b", "c"}) {
    aws_cli(
        {"lambda", "update-function-code", "--function-name", "gc", "--zip-file", code(comment)});
    aws_cli({"lambda", "publish-version", "--function-name", "gc"});
  }
  aws_cli({"lambda", "create-alias", "--function-name", "gc", "--name", "live",
           "--function-version", "2"});
  Json before = versions();
  ASSERT_EQ(before, Json::array({"$LATEST", "1", "2", "3"}));

  std::string example = read_file(data_path("policies/c7n/lambda/awslambda-375-lambda-gc.yml"));
  run_policy(example);
  EXPECT_EQ(versions(), before);

  std::string yaml = example;
  yaml.replace(yaml.find("        older-than: 60 # default not-set\n"),
               std::string("        older-than: 60 # default not-set\n").size(), "");
  auto state = [&] { return versions(); };
  Json records = prove_action(yaml, "lambda-gc", state, "lambda DeleteFunction");
  EXPECT_EQ(versions(), Json::array({"$LATEST", "2", "3"}));
  ASSERT_EQ(records.size(), 1u) << records.dump();
  EXPECT_TRUE(records[0]["undo"].is_null()) << records.dump();
  EXPECT_TRUE(check_holds(records[0]["check"]));
}

}  // namespace
}  // namespace custos::test
