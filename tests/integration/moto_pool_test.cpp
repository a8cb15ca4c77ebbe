// The pool of moto servers the integration tests share (support/moto_pool.h), on a pool folder
// of its own.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <optional>
#include <thread>

#include "core/file.h"
#include "core/json.h"
#include "gameday/emulator.h"
#include "support/moto_pool.h"

namespace custos::test {
namespace {

namespace fs = std::filesystem;

class MotoPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "custos-pool-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    pool_ = pattern;
  }
  // Also stops what a failed test left running.
  void TearDown() override {
    stop_moto_pool(pool_);
    fs::remove_all(pool_);
  }

  fs::path record_path(int slot) const {
    return pool_ / ("slot-" + std::to_string(slot) + ".json");
  }
  Json record(int slot) const {
    return Json::parse(custos::read_file(record_path(slot).string()).value_or("null"));
  }
  void write_record(int slot, pid_t pid, int port) const {
    std::ofstream(record_path(slot))
        << Json{{"url", "http://127.0.0.1:" + std::to_string(port)}, {"port", port}, {"pid", pid}};
  }

  fs::path pool_;
};

TEST_F(MotoPoolTest, HoldersAtTheSameTimeGetServersOfTheirOwnThatOutliveThem) {
  std::string first, second;
  {
    const MotoSlot a(pool_, 2), b(pool_, 2);
    first = a.url();
    second = b.url();
  }
  EXPECT_NE(first, second);
  EXPECT_TRUE(gameday::moto_answers(first));
  EXPECT_TRUE(gameday::moto_answers(second));
  EXPECT_EQ(MotoSlot(pool_, 2).url(), first);  // reused, not started again

  EXPECT_EQ(stop_moto_pool(pool_), 2);
  EXPECT_FALSE(gameday::moto_answers(first));
  EXPECT_FALSE(gameday::moto_answers(second));
}

TEST_F(MotoPoolTest, WaitsForASlotWhenAllAreBusy) {
  std::optional<MotoSlot> holder;
  holder.emplace(pool_, 1);
  const std::string url = holder->url();
  std::atomic<bool> acquired = false;
  std::string waited_url;
  std::thread waiter([&] {
    waited_url = MotoSlot(pool_, 1).url();
    acquired = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(acquired);
  holder.reset();
  waiter.join();
  EXPECT_EQ(waited_url, url);
}

TEST_F(MotoPoolTest, ReplacesARecordWhosePidIsNoLongerItsServer) {
  // A reused pid: this very process, which neither the pool nor its stop may take for a server.
  write_record(0, ::getpid(), 9);
  EXPECT_EQ(stop_moto_pool(pool_), 0);
  write_record(0, ::getpid(), 9);
  const std::string url = MotoSlot(pool_, 1).url();
  EXPECT_NE(url, "http://127.0.0.1:9");
  EXPECT_TRUE(gameday::moto_answers(url));

  gameday::stop_moto_server(record(0)["pid"].get<pid_t>());  // died, its record left behind
  const std::string restarted = MotoSlot(pool_, 1).url();
  EXPECT_TRUE(gameday::moto_answers(restarted));
}

}  // namespace
}  // namespace custos::test
