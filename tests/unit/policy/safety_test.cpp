// The brakes: the run's budget of changes, the kill switch as a file, and the account an event
// is about.
#include "policy/safety.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace custos::policy {
namespace {

TEST(ActionBudget, TakesUntilTheCapAndNothingPastIt) {
  ActionBudget budget(5);
  EXPECT_TRUE(budget.take(3));
  EXPECT_FALSE(budget.take(3));  // 6 > 5: refused whole
  EXPECT_TRUE(budget.take(2));
  EXPECT_FALSE(budget.take(1));
  ActionBudget unlimited(std::nullopt);
  EXPECT_TRUE(unlimited.take(1'000'000));
}

TEST(KillSwitch, AFileIsEngagedWhileItExists) {
  aws::SessionOptions options;
  options.region = "us-east-1";
  options.endpoint_url = "http://127.0.0.1:9";  // never asked: the switch is a file
  aws::Client client(std::make_shared<const aws::Session>(options));
  auto path =
      std::filesystem::temp_directory_path() / ("custos-stop-" + std::to_string(::getpid()));
  KillSwitch kill(path.string());
  EXPECT_FALSE(kill.engaged(client));
  std::ofstream(path) << "stop\n";
  EXPECT_TRUE(kill.engaged(client));
  std::filesystem::remove(path);
  EXPECT_FALSE(kill.engaged(client));
  EXPECT_THROW(KillSwitch("ssm:"), InputError);
}

TEST(EventAccount, IsTheAccountTheEventIsAbout) {
  EXPECT_EQ(event_account({{"account", "111"}, {"detail", {{"accountId", "222"}}}}), "222");
  EXPECT_EQ(event_account({{"account", "111"}, {"detail", {{"recipientAccountId", "333"}}}}),
            "333");
  EXPECT_EQ(event_account({{"account", "111"}, {"detail", Json::object()}}), "111");
  EXPECT_EQ(event_account({{"detail", Json::object()}}), "");
}

}  // namespace
}  // namespace custos::policy
