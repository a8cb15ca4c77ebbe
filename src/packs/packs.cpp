#include "packs/packs.h"

#include "core/error.h"

namespace custos::packs {

const std::vector<ShippedPolicy>& shipped_policies() {
  static const std::vector<ShippedPolicy> files = {
#include "shipped_policies.inc"
  };
  return files;
}

std::string shipped_policy(std::string_view path) {
  for (const ShippedPolicy& file : shipped_policies())
    if (file.path == path) return std::string(file.text);
  throw Error("policy " + std::string(path) + " is not built into this custos (policies/" +
              std::string(path) + " was missing when it was built)");
}

}  // namespace custos::packs
