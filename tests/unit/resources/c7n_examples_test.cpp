// Cloud Custodian's own documented example policies for s3, kms-key and kms (the docstring
// examples of c7n/resources/s3.py and kms.py, in tests/data/policies/c7n/) each compile, or
// are refused at the file:line:col their first line announces, naming what custos lacks.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>
#include <vector>

#include "support/paths.h"
#include "support/policy_corpus.h"

namespace custos {
namespace {

std::vector<std::string> examples() {
  std::vector<std::string> files;
  for (const char* folder : {"policies/c7n/s3", "policies/c7n/kms"})
    for (const auto& entry : std::filesystem::directory_iterator(test::data_path(folder)))
      if (entry.path().extension() == ".yml") files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

class C7nExample : public ::testing::TestWithParam<std::string> {};

TEST_P(C7nExample, ValidatesOrIsRefusedWhereItSays) { test::expect_announced_outcome(GetParam()); }

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::filesystem::path file(info.param);
  std::string name = file.parent_path().filename().string() + "_" + file.stem().string();
  std::replace_if(
      name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); },
      '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(CloudCustodianDocs, C7nExample, ::testing::ValuesIn(examples()),
                         test_name);

TEST(C7nExamples, AllOfThemAreHere) { EXPECT_EQ(examples().size(), 57u); }

}  // namespace
}  // namespace custos
