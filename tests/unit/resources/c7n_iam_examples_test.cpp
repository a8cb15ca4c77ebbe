// Cloud Custodian's own documented examples for iam-user, iam-role and iam-policy
// (tests/data/policies/c7n/iam/): each compiles as `custos validate` compiles it, or is refused
// at the file:line:col its first line announces ("# expect: valid" or "# expect: L:C: MESSAGE"),
// naming what custos does not support.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "support/announced.h"

namespace custos {
namespace {

std::vector<std::string> examples() { return test::policy_files("policies/c7n/iam"); }

class CloudCustodianIamExample : public ::testing::TestWithParam<std::string> {};

TEST_P(CloudCustodianIamExample, ValidatesOrIsRefusedWhereAnnounced) {
  test::expect_as_announced(GetParam());
}

INSTANTIATE_TEST_SUITE_P(Examples, CloudCustodianIamExample, ::testing::ValuesIn(examples()),
                         test::policy_test_name);

// Every documented example that uses only what docs/resources/iam.md lists as supported
// validates: 29 of the 39.
TEST(CloudCustodianIamExamples, MostValidate) {
  auto files = examples();
  ASSERT_EQ(files.size(), 39u);
  EXPECT_EQ(std::count_if(files.begin(), files.end(),
                          [](const std::string& f) { return test::expectation(f) == "valid"; }),
            29);
}

}  // namespace
}  // namespace custos
