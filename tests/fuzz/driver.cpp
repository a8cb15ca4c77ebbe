// The libFuzzer entry point: one binary for every target (or, built with
// CUSTOS_FUZZ_LOWER_LAYERS_ONLY, for the lower layers' targets), chosen by CUSTOS_FUZZ_TARGET
// (unset: it lists each target with its seed folders and exits), so scripts/fuzz.sh learns
// them here.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>

#include "targets.h"

namespace {
const custos::fuzz::Target* chosen = nullptr;

const std::vector<custos::fuzz::Target>& built_in() {
#ifdef CUSTOS_FUZZ_LOWER_LAYERS_ONLY
  return custos::fuzz::lower_layer_targets();
#else
  return custos::fuzz::targets();
#endif
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* name = std::getenv("CUSTOS_FUZZ_TARGET");
  if (!name) {
    for (const auto& target : built_in()) {
      std::cout << target.name;
      for (const char* folder : target.seeds) std::cout << " " << folder;
      std::cout << "\n";
    }
    std::exit(2);
  }
  chosen = &custos::fuzz::find_target(built_in(), name);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  chosen->run({reinterpret_cast<const char*>(data), size});
  return 0;
}
