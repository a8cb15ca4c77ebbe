// Cloud Custodian's own documented examples for hostedzone/rrset, cloudtrail, account,
// org-account and its notify and webhook actions (their docstrings' yaml, in
// tests/data/policies/c7n/{route53,cloudtrail,account,org,notify}/): each compiles, or is refused
// at the file:line:col its first line announces, naming what custos does not support.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "support/policy_corpus.h"

namespace custos {
namespace {

std::vector<std::string> examples() {
  std::vector<std::string> files;
  for (const char* folder : {"route53", "cloudtrail", "account", "org", "notify"}) {
    auto found = test::policy_files(std::string("policies/c7n/") + folder);
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

class CloudCustodianDnsAccountExample : public ::testing::TestWithParam<std::string> {};

TEST_P(CloudCustodianDnsAccountExample, ValidatesOrIsRefusedWhereAnnounced) {
  test::expect_announced_outcome(GetParam());
}

INSTANTIATE_TEST_SUITE_P(Examples, CloudCustodianDnsAccountExample, ::testing::ValuesIn(examples()),
                         test::policy_test_name);

// docs/resources/dns-account.md lists what the refused ones need.
TEST(CloudCustodianDnsAccountExamples, AllAreHere) {
  auto files = examples();
  EXPECT_EQ(files.size(), 69u);
}

}  // namespace
}  // namespace custos
