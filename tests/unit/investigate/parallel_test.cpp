// ordered_parallel_parts: every part of every input delivered in input order whatever order the
// workers finish in, a worker ahead of the delivery held to a bounded number of parts, and a
// failure on either side stopping the pass and reaching the caller.
#include "investigate/parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace custos::investigate {
namespace {

using Emit = std::function<void(std::string&&)>;

TEST(OrderedParallelParts, DeliversEachInputsPartsInOrderWhateverOrderTheyAreMadeIn) {
  std::vector<std::pair<std::size_t, std::string>> got;
  std::vector<bool> lasts;
  ordered_parallel_parts<std::string>(
      40, 3,
      [](std::size_t i, unsigned, const Emit& emit) {
        // Later inputs finish sooner, so the workers run ahead of the delivery.
        std::this_thread::sleep_for(std::chrono::microseconds((40 - i) * 50));
        for (std::size_t part = 0; part < i % 4; ++part)
          emit(std::to_string(i) + "." + std::to_string(part));
        return std::to_string(i) + ".end";
      },
      [&](std::size_t i, std::string&& part, bool last) {
        got.emplace_back(i, std::move(part));
        lasts.push_back(last);
      });
  std::vector<std::pair<std::size_t, std::string>> expected;
  std::vector<bool> expected_lasts;
  for (std::size_t i = 0; i < 40; ++i) {
    for (std::size_t part = 0; part < i % 4; ++part) {
      expected.emplace_back(i, std::to_string(i) + "." + std::to_string(part));
      expected_lasts.push_back(false);
    }
    expected.emplace_back(i, std::to_string(i) + ".end");
    expected_lasts.push_back(true);
  }
  EXPECT_EQ(got, expected);
  EXPECT_EQ(lasts, expected_lasts);
}

TEST(OrderedParallelParts, AWorkerAheadOfTheDeliveryHoldsAtMostTwoParts) {
  // Input 0 is slow; input 1 makes 50 parts meanwhile. Its worker must wait after two.
  std::atomic<int> made_by_one{0};
  std::atomic<bool> zero_done{false};
  int made_when_zero_ended = -1;
  ordered_parallel_parts<std::string>(
      2, 2,
      [&](std::size_t i, unsigned, const Emit& emit) {
        if (i == 0) {
          auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
          while (made_by_one < 2 && std::chrono::steady_clock::now() < give_up)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
          std::this_thread::sleep_for(
              std::chrono::milliseconds(50));  // time to run on, were it free
          made_when_zero_ended = made_by_one.load();
          zero_done = true;
          return std::string("zero");
        }
        for (int part = 0; part < 50; ++part) {
          emit("part");
          ++made_by_one;
        }
        return std::string("one");
      },
      [&](std::size_t, std::string&&, bool) {});
  EXPECT_TRUE(zero_done);
  EXPECT_EQ(made_when_zero_ended, 2);
  EXPECT_EQ(made_by_one.load(), 50);
}

TEST(OrderedParallelParts, AFailureInAWorkerStopsThePassAndReachesTheCaller) {
  std::atomic<int> started{0};
  EXPECT_THROW(ordered_parallel_parts<std::string>(
                   1000, 2,
                   [&](std::size_t i, unsigned, const Emit& emit) {
                     ++started;
                     emit("part");
                     if (i == 5) throw std::runtime_error("input 5 is unreadable");
                     return std::string("end");
                   },
                   [](std::size_t, std::string&&, bool) {}),
               std::runtime_error);
  EXPECT_LT(started.load(), 1000);
}

TEST(OrderedParallelParts, AFailureInDeliveryReleasesAWorkerWaitingToEmit) {
  EXPECT_THROW(ordered_parallel_parts<std::string>(
                   4, 2,
                   [](std::size_t, unsigned, const Emit& emit) {
                     for (int part = 0; part < 100; ++part) emit("part");
                     return std::string("end");
                   },
                   [](std::size_t i, std::string&&, bool) {
                     if (i == 0) throw std::runtime_error("the output is closed");
                   }),
               std::runtime_error);
}

TEST(OrderedParallel, DeliversWholeResultsInInputOrder) {
  std::vector<std::size_t> got;
  ordered_parallel<std::size_t>(
      100, 2, [](std::size_t i, unsigned) { return i * i; },
      [&](std::size_t i, std::size_t&& square) {
        EXPECT_EQ(square, i * i);
        got.push_back(i);
      });
  ASSERT_EQ(got.size(), 100u);
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], i);
}

}  // namespace
}  // namespace custos::investigate
