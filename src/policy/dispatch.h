// Delivers one event, or a pull run, to compiled policies: which react and to which resources,
// then each runs (conditions, filters, max-resources, actions) where it is placed, one policy's
// failure never stopping the others. What every caller that runs policies shares (through
// serverless::Handler) and incident resume and the game day reuse.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "policy/event.h"
#include "policy/runner.h"

namespace custos::policy {

// For each policy, what `event` means to it; every target when `event` is null (a pull run).
// Throws InputError, before any AWS call, when the event lacks an id a policy needs.
std::vector<EventTarget> targets_for(const std::vector<Policy>& policies, const Json* event);

// Where one policy runs for a delivery: as whom and in which region (its client), in which
// account, and the policy with its variables ({account_id}, {region}) expanded for them.
struct Placement {
  aws::Client client;
  std::optional<Policy> expanded;  // when a variable changed it
  const AccountId* account = nullptr;
};
// Throws (AssumeRole refused, ...) to fail that policy alone.
using Place = std::function<Placement(const Policy&)>;

struct DispatchObserver {
  std::function<void(const Policy&, const std::string& reason)> on_skipped;
  std::function<void(const Policy&, const std::string& error)> on_failed;
  std::function<void(const Policy&, const RunResult&)> on_result;
};

// Runs the policies that apply, each where `place` puts it; those not started before
// options.act_until are journaled as left. Returns 0 when all that ran succeeded, else 1.
int dispatch(const std::vector<Policy>& policies, const std::vector<EventTarget>& targets,
             const Place& place, const RunOptions& options, const DispatchObserver& observer);

}  // namespace custos::policy
