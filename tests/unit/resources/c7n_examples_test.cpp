// Cloud Custodian's own documented example policies (tests/data/policies/c7n/<type>/, one policy
// a file, from its docstrings and docs: tests/data/SOURCES.md): each compiles as `custos
// validate` compiles it, or is refused at the file:line:col its first line announces, naming
// what custos does not support. One test case per folder, so a failure names the type and file;
// the last case prints how many are accepted, overall and per resource type.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "support/paths.h"
#include "support/policy_corpus.h"

namespace custos {
namespace {

std::vector<std::string> folders() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(test::data_path("policies/c7n")))
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> examples(const std::string& folder) {
  return test::policy_files("policies/c7n/" + folder);
}

class CloudCustodianExamples : public ::testing::TestWithParam<std::string> {};

TEST_P(CloudCustodianExamples, ValidateOrAreRefusedWhereAnnounced) {
  for (const auto& file : examples(GetParam())) {
    SCOPED_TRACE(file);
    test::expect_announced_outcome(file);
  }
}

std::string folder_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Corpus, CloudCustodianExamples, ::testing::ValuesIn(folders()),
                         folder_name);

// The resource type a policy file names, without "aws.".
std::string resource_of(const std::string& file) {
  static const std::regex resource(R"(\n\s*resource:\s*["']?(?:aws\.)?([A-Za-z0-9.-]+))");
  std::smatch found;
  std::string text = test::read_file(file);
  return std::regex_search(text, found, resource) ? found[1].str() : "?";
}

// How much of Cloud Custodian's documentation custos accepts unchanged: the numbers the README
// reports (issue 17). A change in either is deliberate: update them with the corpus.
TEST(CloudCustodianExampleCorpus, AcceptanceCount) {
  std::map<std::string, std::pair<int, int>> by_type;  // accepted, all
  int accepted = 0;
  int all = 0;
  for (const auto& folder : folders()) {
    for (const auto& file : examples(folder)) {
      bool valid = test::expectation(file) == "valid";
      auto& [type_accepted, type_all] = by_type[resource_of(file)];
      type_accepted += valid;
      accepted += valid;
      ++type_all;
      ++all;
    }
  }
  std::cout << "Cloud Custodian examples accepted: " << accepted << " of " << all << "\n";
  for (const auto& [type, counts] : by_type)
    std::cout << "  " << type << ": " << counts.first << " of " << counts.second << "\n";
  EXPECT_EQ(all, 752);
  EXPECT_EQ(accepted, 682);
}

}  // namespace
}  // namespace custos
