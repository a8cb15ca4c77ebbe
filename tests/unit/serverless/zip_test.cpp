// The zip writer's archives as Info-ZIP's unzip, an independent reader, sees them.
#include "serverless/zip.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/paths.h"
#include "support/process.h"

namespace custos::serverless {
namespace {

class ZipTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("custos-zip-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& zip) {
    std::string file = (dir_ / "a.zip").string();
    std::ofstream(file, std::ios::binary) << zip;
    return file;
  }
  std::filesystem::path dir_;
};

TEST_F(ZipTest, UnzipReadsBackEveryFileWithItsModeAndChecksum) {
  ZipWriter zip;
  std::string big(300000, 'x');
  for (std::size_t i = 0; i < big.size(); i += 7) big[i] = static_cast<char>('a' + i % 26);
  zip.add("bootstrap", "#!/bin/sh\necho hi\n", 0755);
  zip.add("lib/big.bin", big);
  zip.add("empty", "");
  std::string file = write(zip.finish());

  auto tested = test::run_process({"/usr/bin/unzip", "-t", file});
  EXPECT_EQ(tested.exit_code, 0) << tested.out << tested.err;
  auto extracted = test::run_process({"/usr/bin/unzip", "-q", file, "-d", (dir_ / "x").string()});
  ASSERT_EQ(extracted.exit_code, 0) << extracted.err;
  EXPECT_EQ(test::read_file((dir_ / "x/lib/big.bin").string()), big);
  EXPECT_EQ(test::read_file((dir_ / "x/empty").string()), "");
  auto perms = std::filesystem::status(dir_ / "x/bootstrap").permissions();
  EXPECT_NE(perms & std::filesystem::perms::owner_exec, std::filesystem::perms::none);
  EXPECT_EQ(std::filesystem::status(dir_ / "x/lib/big.bin").permissions() &
                std::filesystem::perms::owner_exec,
            std::filesystem::perms::none);
}

TEST_F(ZipTest, TheSameFilesMakeTheSameBytes) {
  auto build = [] {
    ZipWriter zip;
    zip.add("a", "one");
    zip.add("b/c", std::string(1000, 'z'), 0755);
    return zip.finish();
  };
  EXPECT_EQ(build(), build());
}

}  // namespace
}  // namespace custos::serverless
