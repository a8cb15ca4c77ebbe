// `custos gameday` end to end: on its own local emulator, and against an endpoint it is given,
// where it must refuse an account nobody named as a sandbox.
#include <gtest/gtest.h>

#include "integration/fixture.h"

namespace custos::test {
namespace {

class GamedayTest : public IntegrationTest {};

TEST_F(GamedayTest, ContainsOnItsOwnLocalEmulator) {
  auto result = custos({"gameday", "-s", path("out")}, {{"AWS_ENDPOINT_URL", ""}});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("CONTAINED"), std::string::npos) << result.out;
  EXPECT_EQ(result.out.find("FAIL"), std::string::npos) << result.out;
  EXPECT_TRUE(std::filesystem::exists(path("out/finding.json")));
  EXPECT_TRUE(std::filesystem::exists(path("out/ec2-compromised-contain/resources.json")));
}

TEST_F(GamedayTest, RefusesAnEndpointWhoseAccountIsNotNamed) {
  auto result = custos({"gameday", "-s", path("out"), "--endpoint", emulator().url()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("--yes-this-is-a-sandbox-account 123456789012"), std::string::npos)
      << result.err;
  Json instances = aws_cli({"ec2", "describe-instances"});
  EXPECT_TRUE(instances["Reservations"].empty());

  result = custos({"gameday", "-s", path("out"), "--endpoint", emulator().url(),
                   "--yes-this-is-a-sandbox-account", "999999999999"});
  EXPECT_EQ(result.exit_code, 2);
}

TEST_F(GamedayTest, RunsOnAGivenEndpointAndCleansUp) {
  auto result = custos({"gameday", "-s", path("out"), "--endpoint", emulator().url(),
                        "--yes-this-is-a-sandbox-account", "123456789012"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("CONTAINED"), std::string::npos);
  Json roles = aws_cli({"iam", "list-roles"})["Roles"];
  for (const Json& role : roles)
    EXPECT_EQ(role["RoleName"].get<std::string>().rfind("custos-gameday", 0), std::string::npos);
  Json instances = aws_cli({"ec2", "describe-instances", "--filters",
                            "Name=instance-state-name,Values=running,stopped"});
  EXPECT_TRUE(instances["Reservations"].empty());
}

}  // namespace
}  // namespace custos::test
