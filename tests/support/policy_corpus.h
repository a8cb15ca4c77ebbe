// Folders of policy files whose first line says what custos must make of them
// ("# expect: LINE:COL: MESSAGE-PREFIX" or "# expect: valid"), run as parameterised tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace custos::test {

// The .yml files of data folder `relative`, sorted.
std::vector<std::string> policy_files(const std::string& relative);
// The text after "# expect: " on the file's first line; empty when there is none.
std::string expectation(const std::string& path);
// Compiles the policy file `path` with the builtin registry and checks that it did what its
// first line announces: "valid", or an error starting "PATH:LINE:COL: MESSAGE-PREFIX".
void expect_announced_outcome(const std::string& path);
// A test name from the file's name: its stem, with what is not a letter or digit as '_'.
std::string policy_test_name(const ::testing::TestParamInfo<std::string>& info);

}  // namespace custos::test
