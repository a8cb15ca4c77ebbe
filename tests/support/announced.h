// The check of a policy file whose first line announces what custos makes of it ("# expect:
// valid" or "# expect: LINE:COL: MESSAGE-PREFIX"): it compiles, or is refused exactly there.
// Header-only: only the resources tests, which link the registry, use it.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "policy/policy.h"
#include "resources/builtin.h"
#include "support/policy_corpus.h"

namespace custos::test {

inline void expect_as_announced(const std::string& path) {
  std::string expect = expectation(path);
  ASSERT_FALSE(expect.empty()) << path << ": first line must be '# expect: valid|L:C: message'";
  if (expect == "valid") {
    EXPECT_NO_THROW(policy::compile_policies(policy::SourceDocument::load_file(path),
                                             resources::builtin_registry()))
        << path;
    return;
  }
  try {
    // Loading refuses some (a repeated key) before compiling.
    policy::compile_policies(policy::SourceDocument::load_file(path),
                             resources::builtin_registry());
    FAIL() << path << " compiled; expected " << expect;
  } catch (const policy::PolicyError& e) {
    std::string message = e.what();
    EXPECT_EQ(message.rfind(path + ":" + expect, 0), 0u) << message;
  }
}

}  // namespace custos::test
