// Every policy in tests/data/policies/invalid/ must fail to compile with the builtin registry,
// with the error its first line announces: "# expect: LINE:COL: MESSAGE-PREFIX".
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "policy/policy.h"
#include "resources/builtin.h"
#include "support/policy_corpus.h"

namespace custos {
namespace {

std::vector<std::string> corpus_files() { return test::policy_files("policies/invalid"); }

class InvalidPolicy : public ::testing::TestWithParam<std::string> {};

TEST_P(InvalidPolicy, FailsWithTheExpectedPositionAndMessage) {
  const std::string& path = GetParam();
  std::string expect = test::expectation(path);
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

// "f" + the stem: a name may not start with a digit.
std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  return "f" + test::policy_test_name(info);
}

INSTANTIATE_TEST_SUITE_P(Corpus, InvalidPolicy, ::testing::ValuesIn(corpus_files()), test_name);

TEST(InvalidCorpus, CoversAtLeastFortyCases) { EXPECT_GE(corpus_files().size(), 40u); }

}  // namespace
}  // namespace custos
