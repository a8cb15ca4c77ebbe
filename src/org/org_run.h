// `custos org run`: a policy file's pull-mode policies in every account (as its role) and
// region, N at a time, outputs under OUTDIR/<account>/<region>/<policy>/; one account's failure
// is reported and the others go on. Only counts are kept per run, so memory stays bounded
// however many accounts there are.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "org/accounts.h"
#include "serverless/handler.h"

namespace custos::org {

struct OrgRunOptions {
  std::vector<Account> accounts;
  std::string output_dir;
  // Empty: each account's regions, else the session's. "all": every region of the partition.
  std::vector<std::string> regions;
  int parallel = 4;
  bool progress_bar = false;  // redraw one line (a terminal) rather than a line per run
};

// One policy in one account and region.
struct RunSummary {
  std::string account, region, policy;
  std::size_t resources = 0;
  std::size_t actions = 0;  // records
  std::size_t failed = 0;   // failed action records
  std::string error;        // the policy (or the account's session) failed
};

// Runs the handler's pull-mode policies everywhere; progress on `progress`. Returns a summary
// per (account, region, policy), in the accounts' and regions' order.
std::vector<RunSummary> org_run(const serverless::Handler& handler,
                                const aws::SessionOptions& session, const OrgRunOptions& options,
                                std::ostream& progress);

// The summary as a table (account, region, policy, resources, actions, status), then totals.
std::string summary_table(const std::vector<RunSummary>& runs);

// Every region of the partition `region` belongs to that offers EC2, from botocore's
// endpoints: what --region all means.
std::vector<std::string> all_regions(const std::string& region);

}  // namespace custos::org
