// Cloud Custodian's own documented examples for the network and EBS types (the docstring
// examples of c7n/resources/ec2.py, vpc.py, ebs.py, c7n/actions/network.py and
// c7n/filters/vpc.py, one policy a file under tests/data/policies/c7n/<type>/): each compiles,
// or is refused at the file:line:col its first line announces, naming what custos lacks.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "support/policy_corpus.h"

namespace custos {
namespace {

std::vector<std::string> examples() {
  std::vector<std::string> files;
  for (const char* type :
       {"ec2", "security-group", "eni", "vpc", "network-addr", "ebs", "ebs-snapshot"}) {
    auto more = test::policy_files(std::string("policies/c7n/") + type);
    files.insert(files.end(), more.begin(), more.end());
  }
  return files;
}

class CloudCustodianNetworkExample : public ::testing::TestWithParam<std::string> {};

TEST_P(CloudCustodianNetworkExample, ValidatesOrIsRefusedWhereAnnounced) {
  test::expect_announced_outcome(GetParam());
}

INSTANTIATE_TEST_SUITE_P(Examples, CloudCustodianNetworkExample, ::testing::ValuesIn(examples()),
                         test::policy_test_name);

// The examples that use only what docs/resources/network.md and ec2-filters.md list as supported
// validate: 45 of the 96 (most of the rest are cost and hygiene filters, not containment).
TEST(CloudCustodianNetworkExamples, HowManyValidate) {
  auto files = examples();
  ASSERT_EQ(files.size(), 96u);
  EXPECT_EQ(std::count_if(files.begin(), files.end(),
                          [](const std::string& f) { return test::expectation(f) == "valid"; }),
            45);
}

}  // namespace
}  // namespace custos
