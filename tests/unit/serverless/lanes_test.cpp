#include "serverless/lanes.h"

#include <gtest/gtest.h>

#include <thread>

namespace custos::serverless {
namespace {

TEST(LanesTest, ItemsOfOneKeyLeaveOneLaneInTheOrderTheyCame) {
  Lanes<int> lanes(4);
  for (int i = 0; i < 100; ++i) lanes.push("i-0abc", i);
  std::size_t lane = lanes.lane_of("i-0abc");
  lanes.close();
  for (int i = 0; i < 100; ++i) EXPECT_EQ(lanes.pop(lane), i);
  EXPECT_FALSE(lanes.pop(lane).has_value());
  for (std::size_t other = 0; other < 4; ++other) {
    if (other != lane) {
      EXPECT_FALSE(lanes.pop(other).has_value());
    }
  }
}

TEST(LanesTest, TakeAllEmptiesEveryLaneAndWakesWaiters) {
  Lanes<std::string> lanes(3);
  for (int i = 0; i < 9; ++i) lanes.push("key" + std::to_string(i), "item" + std::to_string(i));
  std::thread waiter([&] { lanes.wait_below(1); });
  EXPECT_EQ(lanes.take_all().size(), 9u);
  waiter.join();
  lanes.close();
  for (std::size_t lane = 0; lane < 3; ++lane) EXPECT_FALSE(lanes.pop(lane).has_value());
}

}  // namespace
}  // namespace custos::serverless
