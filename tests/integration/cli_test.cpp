// The CLI's contract: exit codes, errors that name file:line:col, help that teaches.
#include <gtest/gtest.h>

#include "integration/fixture.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class CliTest : public IntegrationTest {};

TEST_F(CliTest, ValidateAcceptsTheReferencePolicies) {
  auto result = custos({"validate", data_path("policies/ec2-compromised-contain.yml"),
                        data_path("policies/stop-tagged.yml")});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("1 valid policy"), std::string::npos);
}

TEST_F(CliTest, MalformedPoliciesExitTwoWithFileLineColumn) {
  struct Case {
    std::string text, expected;
  };
  std::vector<Case> cases = {
      {"policies:\n  - name: x\n    resource: ec2\n    filters: [\n", "bad.yml:5:1: invalid YAML"},
      {"policies:\n  - name: x\n    resource: ec2\n    filters:\n      - type: nosuch\n",
       "bad.yml:5:9: policy 'x': unknown filter 'nosuch'"},
      {"policies:\n  - name: x\n    resource: ec2\n    actions:\n      - explode\n",
       "bad.yml:5:9: policy 'x': unknown action 'explode'"},
      {"policies:\n  - name: x\n    resource: ec2\n    filters: {State.Name: running}\n",
       "bad.yml:4:14: policy 'x': 'filters' must be a list, not a mapping"},
      {"policies:\n  - name: x\n    resource: aws.nothing\n",
       "bad.yml:3:15: policy 'x': unknown resource type 'aws.nothing'"},
  };
  for (const auto& c : cases) {
    write("bad.yml", c.text);
    auto result = custos({"validate", path("bad.yml")});
    EXPECT_EQ(result.exit_code, 2) << c.text;
    EXPECT_NE(result.err.find(c.expected), std::string::npos)
        << "expected '" << c.expected << "' in: " << result.err;
    result = custos({"run", "-s", path("out"), path("bad.yml")});
    EXPECT_EQ(result.exit_code, 2) << c.text;
  }
}

TEST_F(CliTest, BadFlagsExitTwoAndHelpTeaches) {
  EXPECT_EQ(custos({"run", "--no-such-flag"}).exit_code, 2);
  EXPECT_EQ(custos({"nosuchcommand"}).exit_code, 2);
  auto help = custos({"run", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--event"), std::string::npos);
  EXPECT_NE(help.out.find("Example"), std::string::npos);
}

TEST_F(CliTest, VersionNamesTheServiceModels) {
  auto result = custos({"version"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find("custos "), std::string::npos);
  EXPECT_NE(result.out.find("botocore"), std::string::npos);
}

TEST_F(CliTest, MissingRegionIsAClearInputError) {
  write("p.yml", read_file(data_path("policies/stop-tagged.yml")));
  auto result = custos({"run", "-s", path("out"), path("p.yml")},
                       {{"AWS_REGION", ""}, {"AWS_DEFAULT_REGION", ""}});
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("region"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace custos::test
