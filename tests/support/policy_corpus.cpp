#include "support/policy_corpus.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "policy/policy.h"
#include "resources/builtin.h"
#include "support/paths.h"

namespace custos::test {

std::vector<std::string> policy_files(const std::string& relative) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(data_path(relative)))
    if (entry.path().extension() == ".yml") files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

std::string expectation(const std::string& path) {
  std::string text = read_file(path);
  const std::string marker = "# expect: ";
  if (text.rfind(marker, 0) != 0) return "";
  return text.substr(marker.size(), text.find('\n') - marker.size());
}

void expect_announced_outcome(const std::string& path) {
  std::string expect = expectation(path);
  ASSERT_FALSE(expect.empty()) << path << ": first line must be '# expect: valid|L:C: message'";
  try {
    auto source = policy::SourceDocument::load_file(path);
    policy::compile_policies(source, resources::builtin_registry());
    EXPECT_EQ(expect, "valid") << path << " compiled";
  } catch (const policy::PolicyError& e) {
    std::string message = e.what();
    EXPECT_NE(expect, "valid") << message;
    EXPECT_EQ(message.rfind(path + ":" + expect, 0), 0u) << message;
  }
}

std::string policy_test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string stem = std::filesystem::path(info.param).stem().string();
  std::replace_if(
      stem.begin(), stem.end(), [](char c) { return !std::isalnum(c); }, '_');
  return stem;
}

}  // namespace custos::test
