// c7n-org's accounts files: read as c7n-org reads them, refused where it (or custos) would.
#include "org/accounts.h"

#include <gtest/gtest.h>

#include <fstream>

#include "core/error.h"
#include "core/json.h"

namespace custos::org {
namespace {

std::string written(const std::string& text) {
  std::string path = ::testing::TempDir() + "accounts-" + std::to_string(::getpid()) + ".yml";
  std::ofstream(path) << text;
  return path;
}

std::string error_of(const std::string& text) {
  try {
    load_accounts(written(text));
  } catch (const InputError& e) {
    std::string message = e.what();
    return message.substr(message.find(".yml:") + 5);
  }
  return "no error";
}

TEST(AccountsTest, ReadsC7nOrgsFormat) {
  auto accounts = load_accounts(written(R"(accounts:
  - account_id: "123456789012"
    name: dev
    role: arn:aws:iam::123456789012:role/custodian
    regions: [us-east-1, eu-west-1]
    tags: [type:dev, team:blue]
  - account_id: 012345678901
)"));
  ASSERT_EQ(accounts.size(), 2u);
  EXPECT_EQ(accounts[0].name, "dev");
  EXPECT_EQ(accounts[0].regions, (std::vector<std::string>{"us-east-1", "eu-west-1"}));
  EXPECT_EQ(accounts[1].id, "012345678901");
  EXPECT_EQ(accounts[1].name, "012345678901");
  EXPECT_EQ(selected_accounts(accounts, {}, {"team:blue"}).size(), 1u);
  EXPECT_EQ(selected_accounts(accounts, {"012345678901"}, {}).front().id, "012345678901");
}

TEST(AccountsTest, AnAccountsVarsOverrideTheFilesOwn) {
  auto accounts = load_accounts(written(R"(vars: {stage: none, owner: security}
accounts:
  - {account_id: "123456789012", name: prod, vars: {stage: prod}}
  - {account_id: "123456789013", name: lab}
)"));
  ASSERT_EQ(accounts.size(), 2u);
  EXPECT_EQ(accounts[0].vars, Json({{"stage", "prod"}, {"owner", "security"}}));
  EXPECT_EQ(accounts[1].vars, Json({{"stage", "none"}, {"owner", "security"}}));
  // What list-accounts writes keeps them.
  std::string again = written(accounts_yaml(accounts));
  EXPECT_EQ(load_accounts(again)[0].vars, accounts[0].vars);
}

TEST(AccountsTest, RefusesWhatItCannotRun) {
  EXPECT_EQ(error_of("accounts: {}\n"),
            "1:1: an accounts file needs 'accounts:', a list of {account_id, name, role, regions, "
            "tags} (c7n-org's format)");
  EXPECT_EQ(error_of("accounts:\n  - name: x\n"), "2:5: an account needs an account_id");
  EXPECT_EQ(error_of("accounts:\n  - account_id: 'abc'\n"),
            "2:17: account_id must be 12 digits, not 'abc'");
  EXPECT_EQ(error_of("accounts:\n  - {account_id: '123456789012', vars: [a]}\n"),
            "2:40: 'vars' must be a mapping of names to values");
  EXPECT_EQ(error_of("accounts:\n  - {account_id: '123456789012', name: a}\n"
                     "  - {account_id: '123456789013', name: a}\n"),
            "3:5: a second account named 'a' (names are output folders: they must differ)");
}

}  // namespace
}  // namespace custos::org
