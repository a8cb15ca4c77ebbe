// `custos audit`: pull-mode policies run as readiness checks, in every region asked, several at
// a time; a check fails when its policy matches resources (the offending ones).
#pragma once

#include <string>
#include <vector>

#include "aws/config.h"
#include "core/json.h"

namespace custos::audit {

// A policy file to audit: its name (a path, or the pack's path for the shipped pack) and text.
struct PolicyFile {
  std::string name;
  std::string text;
};

// The preparation pack (policies/preparation/*.yml) as built into the binary (packs::).
std::vector<PolicyFile> shipped_pack();

// Resource `id` matched the check in `region`.
struct Finding {
  std::string region;
  std::string id;
};

struct Check {
  std::string name;
  std::string description;
  std::string phase = "unspecified";  // metadata.phase
  std::string severity = "medium";    // metadata.severity: critical, high, medium, low
  std::string cis;                    // metadata.cis
  std::string remediation;            // metadata.remediation
  std::string resource;               // aws.s3
  std::string file;
  int line = 0;
  std::string status = "pass";  // pass, fail, error
  std::vector<Finding> findings;
  std::vector<std::string> errors;  // "REGION: message"

  // The offending ids, each once, in order of finding.
  std::vector<std::string> resource_ids() const;
};

struct AuditOptions {
  aws::SessionOptions aws;
  // Regions to audit: empty is the session's; {"all"} every region of its partition.
  std::vector<std::string> regions;
  Json vars = Json::object();  // overrides of the files' `vars:`
  std::string output_dir;      // resources.json per region and policy; empty: none kept
  int parallel = 8;            // (region, policy) runs at a time
};

// Compiles every file (throws InputError, before any AWS call, for an invalid one or a policy
// that is not a pull-mode check without actions) and runs each policy in each region it applies
// to: metadata.scope `account` once (in the first region), `region` in each; without a scope,
// global resource types once. Checks come back in the files' order.
std::vector<Check> run_audit(const std::vector<PolicyFile>& files, const AuditOptions& options);

// Readiness in percent: the passed checks' weight over all checks' (critical 4, high 3,
// medium 2, low 1).
int readiness_score(const std::vector<Check>& checks);

// 0 every check passed, 1 some failed, 2 some could not be run.
int exit_code(const std::vector<Check>& checks);

// The phases of the checks in NIST SP 800-61's order (preparation, detection-and-analysis,
// containment-eradication-recovery, post-incident-activity), others after them by name.
std::vector<std::string> phases_of(const std::vector<Check>& checks);

}  // namespace custos::audit
