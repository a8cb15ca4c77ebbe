// Delivers one event, or a pull run, to compiled policies: which react and to which resources,
// then each runs (conditions, filters, max-resources, actions), one policy's failure never
// stopping the others. What `custos run`, incident resume and the game day share.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "policy/event.h"
#include "policy/runner.h"

namespace custos::policy {

// For each policy, what `event` means to it; every target when `event` is null (a pull run).
// Throws InputError, before any AWS call, when the event lacks an id a policy needs.
std::vector<EventTarget> targets_for(const std::vector<Policy>& policies, const Json* event);

struct DispatchObserver {
  std::function<void(const Policy&, const std::string& reason)> on_skipped;
  std::function<void(const Policy&, const std::string& error)> on_failed;
};

// Runs the policies that apply. Returns 0 when all that ran succeeded, else 1.
int dispatch(const std::vector<Policy>& policies, const std::vector<EventTarget>& targets,
             const aws::Client& client, const RunOptions& options,
             const DispatchObserver& observer);

}  // namespace custos::policy
