// The policy packs custos ships (policies/ in the source tree), built into the binary so that the
// game day and the audit find them from any folder, installed or packaged.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace custos::packs {

struct ShippedPolicy {
  std::string_view path;  // relative to policies/, e.g. "incident-response/ec2-compromised.yml"
  std::string_view text;
};

// Every shipped policy file, sorted by path.
const std::vector<ShippedPolicy>& shipped_policies();
// The text of one shipped file; throws custos::Error naming it when it was not built in.
std::string shipped_policy(std::string_view path);

}  // namespace custos::packs
