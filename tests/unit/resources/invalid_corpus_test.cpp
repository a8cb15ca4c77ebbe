// Every policy in tests/data/policies/invalid/ must fail to compile with the builtin registry,
// with the error its first line announces: "# expect: LINE:COL: MESSAGE-PREFIX".
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>
#include <vector>

#include "policy/policy.h"
#include "resources/builtin.h"
#include "support/paths.h"

namespace custos {
namespace {

std::vector<std::string> corpus_files() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(test::data_path("policies/invalid")))
    if (entry.path().extension() == ".yml") files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

// The text after "# expect: " on the first line.
std::string expectation(const std::string& path) {
  std::string text = test::read_file(path);
  const std::string marker = "# expect: ";
  if (text.rfind(marker, 0) != 0) return "";
  return text.substr(marker.size(), text.find('\n') - marker.size());
}

class InvalidPolicy : public ::testing::TestWithParam<std::string> {};

TEST_P(InvalidPolicy, FailsWithTheExpectedPositionAndMessage) {
  const std::string& path = GetParam();
  std::string expect = expectation(path);
  ASSERT_FALSE(expect.empty()) << path << ": first line must be '# expect: L:C: message'";
  try {
    auto source = policy::SourceDocument::load_file(path);
    auto policies = policy::compile_policies(source, resources::builtin_registry());
    FAIL() << path << " compiled into " << policies.size() << " policies";
  } catch (const policy::PolicyError& e) {
    std::string message = e.what();
    EXPECT_EQ(message.rfind(path + ":" + expect, 0), 0u) << message;
    EXPECT_EQ(e.where().file, path);
  }
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string stem = std::filesystem::path(info.param).stem().string();
  std::replace_if(
      stem.begin(), stem.end(), [](char c) { return !std::isalnum(c); }, '_');
  return "f" + stem;
}

INSTANTIATE_TEST_SUITE_P(Corpus, InvalidPolicy, ::testing::ValuesIn(corpus_files()), test_name);

TEST(InvalidCorpus, CoversAtLeastFortyCases) { EXPECT_GE(corpus_files().size(), 40u); }

}  // namespace
}  // namespace custos
