// Runs a compiled policy: fetch its resources (all of them, or those an event names), filter,
// record the output folder, then act.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "aws/client.h"
#include "policy/event.h"
#include "policy/policy.h"

namespace custos::policy {

struct RunObserver {
  std::function<void(const Policy&, const std::vector<Json>& matched)> on_matched;
  std::function<void(const ActionRecord&)> on_record;
};

struct RunOptions {
  std::string output_dir;
  bool dryrun = false;          // filter and report, change nothing
  const Json* event = nullptr;  // the triggering event, for event-mode policies
  RunObserver observer;
};

struct RunResult {
  std::string policy;
  std::vector<Json> resources;  // the matched resources
  std::vector<ActionRecord> records;
  double seconds = 0;
  bool ok() const;  // every action record succeeded
};

// Lists every resource of `type` (all pages), or only those with `ids` when given.
std::vector<Json> describe_resources(const ResourceType& type, const aws::Client& client,
                                     const std::vector<std::string>* ids);

// For event modes, `target` (from event_target) says which resources the event names.
RunResult run_policy(const Policy& policy, const aws::Client& client, const RunOptions& options,
                     const EventTarget* target = nullptr);

}  // namespace custos::policy
