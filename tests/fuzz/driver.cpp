// The libFuzzer entry point: one binary for every target, chosen by CUSTOS_FUZZ_TARGET (unset:
// it lists each target with its seed folders and exits), so scripts/fuzz.sh learns them here.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>

#include "targets.h"

namespace {
const custos::fuzz::Target* chosen = nullptr;
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* name = std::getenv("CUSTOS_FUZZ_TARGET");
  if (!name) {
    for (const auto& target : custos::fuzz::targets()) {
      std::cout << target.name;
      for (const char* folder : target.seeds) std::cout << " " << folder;
      std::cout << "\n";
    }
    std::exit(2);
  }
  chosen = &custos::fuzz::find_target(custos::fuzz::targets(), name);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  chosen->run({reinterpret_cast<const char*>(data), size});
  return 0;
}
