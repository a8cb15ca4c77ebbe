// `custos deploy`: each event-mode policy of a file as a Lambda function behind an EventBridge
// rule, as Cloud Custodian deploys them (function and rule custodian-NAME, the rule's target
// and the function's invoke permission), kept in step with the policy: what already matches is
// left alone, so a second deploy changes nothing and an edited policy is updated in place.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "aws/client.h"
#include "core/json.h"
#include "policy/policy.h"

namespace custos::serverless {

struct DeployOptions {
  std::string policy_file;
  std::string role;  // for policies whose mode names none (an ARN, or a role name)
  bool remove = false;
  // Plan only: reads are sent, changes are reported ("to create", "to update", "to remove")
  // and not made.
  bool dryrun = false;
};

// One thing deploy looked at: a policy's function, rule, target or permission, and what it did.
struct DeployStep {
  std::string policy;
  std::string function;  // the function's name
  std::string part;      // function, function code, function tags, rule, target, permission
  std::string status;    // created, updated, unchanged, removed, absent (to ... in a dry run)
  std::string detail;    // what differed, for updates
};

// Deploys (or, with options.remove, removes) in the client's region. Throws InputError before
// any change for what deploy cannot do (no role, an option not supported).
std::vector<DeployStep> deploy(const DeployOptions& options, const aws::Client& client,
                               const std::function<void(const DeployStep&)>& on_step);

// Cloud Custodian's EventBridge pattern for an event-mode policy (mu.py render_event_pattern).
Json event_pattern(const policy::Policy& policy);

}  // namespace custos::serverless
