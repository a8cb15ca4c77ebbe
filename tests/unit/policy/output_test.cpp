// A policy's output folder: files written whole, by any number of writers sharing the folder,
// and a write that cannot happen is an error naming the file, with no temporary left behind.
#include "policy/output.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <thread>
#include <vector>

#include "core/error.h"
#include "support/paths.h"

namespace custos::policy {
namespace {

namespace fs = std::filesystem;

class OutputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("custos-output-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  std::vector<std::string> files() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(root_ / "p"))
      names.push_back(entry.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }
  fs::path root_;
};

TEST_F(OutputTest, ManyWritersOfOneFileEachWriteItWhole) {
  std::vector<std::thread> writers;
  std::atomic<int> failures{0};
  for (int writer = 0; writer < 8; ++writer) {
    writers.emplace_back([&, writer] {
      PolicyOutput output(root_.string(), "p");
      for (int n = 0; n < 50; ++n) {
        try {
          output.write("resources.json", Json::array({{{"writer", writer}, {"n", n}}}));
        } catch (const Error&) {
          ++failures;
        }
      }
    });
  }
  for (auto& writer : writers) writer.join();
  EXPECT_EQ(failures, 0);
  EXPECT_THAT(files(), ::testing::ElementsAre("custodian-run.log", "resources.json"));
  Json last = Json::parse(test::read_file((root_ / "p" / "resources.json").string()));
  EXPECT_EQ(last.at(0).at("n"), 49);
}

// A folder where the file should be cannot be replaced, even by root.
TEST_F(OutputTest, AFileThatCannotBeReplacedIsAnErrorNamingItAndLeavesNoTemporary) {
  PolicyOutput output(root_.string(), "p");
  fs::create_directories(root_ / "p" / "metadata.json" / "inside");
  try {
    output.write("metadata.json", Json::object());
    FAIL() << "a folder was replaced by a file";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr((root_ / "p" / "metadata.json").string()));
  }
  EXPECT_THAT(files(), ::testing::ElementsAre("custodian-run.log", "metadata.json"));
}

}  // namespace
}  // namespace custos::policy
