// Fuzz targets: each feeds arbitrary bytes to one parser of untrusted input and lets only
// custos's own errors (a clear message for bad input) through; any other exception, crash or
// sanitizer report is a finding. Built as libFuzzer binaries (scripts/fuzz.sh) and replayed on
// their seeds and past findings by the ordinary test suite (tests/unit/fuzz).
#pragma once

#include <string_view>
#include <vector>

#include "core/error.h"

namespace custos::fuzz {

struct Target {
  const char* name;
  void (*run)(std::string_view input);
  // Where its seeds come from, relative to tests/data (folders are read recursively).
  std::vector<const char*> seeds;
};

// The targets that need only the layers below the policy language (JMESPath, AWS answers,
// SigV4, INI: lower_layer_targets.cpp).
const std::vector<Target>& lower_layer_targets();
// Every target: those and the policy loader, the event parser and the log scanners.
const std::vector<Target>& targets();
const Target& find_target(const std::vector<Target>& among, std::string_view name);

// Bad input must end in custos's own error (a message for the user); anything else escapes.
template <typename Fn>
void expect_clear_errors(Fn&& fn) {
  try {
    fn();
  } catch (const custos::Error&) {
  }
}

}  // namespace custos::fuzz
