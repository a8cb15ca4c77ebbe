// Fuzz targets: each feeds arbitrary bytes to one parser of untrusted input and lets only
// custos's own errors (a clear message for bad input) through; any other exception, crash or
// sanitizer report is a finding. Built as libFuzzer binaries (scripts/fuzz.sh) and replayed on
// their seeds and past findings by the ordinary test suite (tests/unit/fuzz).
#pragma once

#include <string_view>
#include <vector>

namespace custos::fuzz {

struct Target {
  const char* name;
  void (*run)(std::string_view input);
  // Where its seeds come from, relative to tests/data (folders are read recursively).
  std::vector<const char*> seeds;
};

// Every target, by name.
const std::vector<Target>& targets();
const Target& target(std::string_view name);

}  // namespace custos::fuzz
