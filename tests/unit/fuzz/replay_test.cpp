// Every fuzz target replays its seeds and past findings (tests/data/fuzz/<target>/ holds the
// inputs that once crashed it): in the ordinary build, without libFuzzer.
#include <gtest/gtest.h>

#include <filesystem>

#include "fuzz/targets.h"
#include "support/paths.h"

namespace custos::fuzz {
namespace {

class Replay : public ::testing::TestWithParam<std::string> {};

TEST_P(Replay, SeedsAndPastFindingsEndInAClearErrorOrNone) {
  const Target& fuzz_target = find_target(targets(), GetParam());
  std::size_t inputs = 0;
  for (const char* folder : fuzz_target.seeds) {
    std::filesystem::path root = test::data_path(folder);
    if (!std::filesystem::exists(root)) continue;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
      if (!entry.is_regular_file()) continue;
      SCOPED_TRACE(entry.path().string());
      EXPECT_NO_THROW(fuzz_target.run(test::read_file(entry.path().string())));
      ++inputs;
    }
  }
  EXPECT_GT(inputs, 0u) << "no seeds for " << fuzz_target.name;
}

std::vector<std::string> target_names() {
  std::vector<std::string> names;
  for (const auto& t : targets()) names.push_back(t.name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(Targets, Replay, ::testing::ValuesIn(target_names()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace custos::fuzz
