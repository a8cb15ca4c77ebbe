// An action changes the resources a policy matched (stop, snapshot, ...) and reports what it did.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "aws/client.h"
#include "core/json.h"

namespace custos::policy {

// One change an action made (or tried): enough to report it and, later, to undo it.
struct ActionRecord {
  ActionRecord(std::string action_name, std::string resource)
      : action(std::move(action_name)), resource_id(std::move(resource)) {}

  std::string action;       // the action's name, e.g. "stop"
  std::string resource_id;  // the resource it acted on
  bool ok = true;
  std::string summary;  // one line for humans: "stopped i-0abc (was running)"
  Json before;          // state the change replaced (for recovery)
  Json after;           // state it created (ids of snapshots, ...)
  std::string error;    // why it failed, when !ok
};

struct ActionContext {
  const aws::Client& client;
  std::string policy_name;
  const Json* event = nullptr;
  // Called as each change completes, so a responder sees progress as it happens.
  std::function<void(const ActionRecord&)> on_record;

  // Tells on_record about `record` and keeps it in `records`.
  void emit(std::vector<ActionRecord>& records, ActionRecord record) const;
};

class Action {
 public:
  virtual ~Action() = default;
  // Acts on `resources` (all matched by the policy) and returns one record per change.
  virtual std::vector<ActionRecord> process(const std::vector<Json>& resources,
                                            ActionContext& context) const = 0;
};

using ActionPtr = std::unique_ptr<const Action>;

}  // namespace custos::policy
