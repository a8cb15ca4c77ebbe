// A policy's output folder, laid out as Cloud Custodian writes it so existing tooling keeps
// working: OUTDIR/<policy>/resources.json, metadata.json, custodian-run.log.
#pragma once

#include <fstream>
#include <string>

#include "core/json.h"

namespace custos::policy {

class PolicyOutput {
 public:
  // Creates OUTDIR/<policy>/ (throws custos::Error when it cannot) and opens the run log.
  PolicyOutput(const std::string& output_dir, const std::string& policy_name);

  // Appends "DATE TIME,ms - custodian.policy - LEVEL - message" to custodian-run.log.
  void log(const std::string& level, const std::string& message);
  void write(const std::string& file_name, const Json& document) const;  // indented by 2
  void write_text(const std::string& file_name, const std::string& text) const;
  const std::string& folder() const { return folder_; }

 private:
  std::string folder_;
  std::ofstream log_;
};

}  // namespace custos::policy
