// Runs a compiled policy: check its conditions, fetch its resources (all of them, or those an
// event names), filter, check max-resources, record the output folder, then act (or, in a dry
// run, record the calls acting would make).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "aws/client.h"
#include "policy/describe.h"
#include "policy/event.h"
#include "policy/journal.h"
#include "policy/policy.h"
#include "policy/safety.h"
#include "policy/vars.h"

namespace custos::policy {

struct RunObserver {
  std::function<void(const Policy&, std::size_t matched)> on_matched;
  std::function<void(const ActionRecord&)> on_record;
  // After acting: whether each change was seen to hold when read back.
  std::function<void(const ActionRecord&, bool holds, const std::string& detail)> on_verified;
  // In a dry run, each call an action would have made: {action, service, operation, params}.
  std::function<void(const Json& call)> on_dry_call;
};

struct RunOptions {
  std::string output_dir;
  // Act through a client that sends only read-only calls and records the others, in
  // OUTDIR/<policy>/dryrun-calls.json.
  bool dryrun = false;
  const Json* event = nullptr;  // the triggering event, for event-mode policies
  // Shared by the policies of a run so STS is asked once; null: the run asks when needed.
  const AccountId* account = nullptr;
  // Records each action before and after it happens; actions it has seen succeed are not
  // repeated. Null: nothing journaled.
  Journal* journal = nullptr;
  // The changes the whole run may attempt (--max-actions); null: no cap.
  ActionBudget* budget = nullptr;
  // No action starts after this (a Lambda invocation's deadline less a margin): each one left
  // is recorded as failed, "not started", and journaled as left, for a later delivery to do.
  std::optional<std::chrono::system_clock::time_point> act_until;
  RunObserver observer;
  // Keep the matched documents in RunResult::resources even when the policy has no actions
  // (the audit reads them); otherwise only the count is kept, and resources.json is written
  // from the store.
  bool keep_documents = false;

  // Whether act_until has passed.
  bool out_of_time() const;
};

// Why an action or policy was not started when out of time.
extern const char* const kNotStarted;

struct RunResult {
  std::string policy;
  bool skipped = false;         // its conditions did not hold: nothing fetched, nothing written
  std::size_t matched = 0;      // how many resources it matched
  std::vector<Json> resources;  // their documents, when it has actions or keep_documents
  std::vector<ActionRecord> records;
  std::vector<Json> dry_calls;  // in a dry run, the calls acting would have made
  std::string execution_id;     // metadata.json's execution.id
  double started = 0;           // seconds since the epoch
  double seconds = 0;
  bool ok() const;  // every action record succeeded
};

// For event modes, `target` (from event_target) says which resources the event names.
// Throws ResourceLimitExceeded, before any action, when the policy matched too many.
RunResult run_policy(const Policy& policy, const aws::Client& client, const RunOptions& options,
                     const EventTarget* target = nullptr);

}  // namespace custos::policy
