// Runs a policy's actions on the resources it matched: each (action, resource) is claimed in
// the journal before it is acted on and completed as its record arrives, what the incident
// already did is skipped, the calls made are kept with their request ids, and afterwards each
// change is read back to see that it holds.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "policy/output.h"
#include "policy/runner.h"

namespace custos::policy {

// Appends to result.records. `acting_for(action)` is the client an action acts through (one
// that records the calls and sends none, in a dry run); `client` reads the changes back.
void act_and_verify(const Policy& policy, const aws::Client& client, const RunOptions& options,
                    PolicyOutput& output, RunResult& result,
                    const std::function<aws::Client(const std::string& action)>& acting_for);

}  // namespace custos::policy
