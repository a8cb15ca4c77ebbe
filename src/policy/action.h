// An action changes the resources a policy matched (stop, snapshot, ...) and reports what it did,
// with what it replaced and how to undo it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "aws/client.h"
#include "core/json.h"
#include "policy/resource_type.h"

namespace custos::policy {

class AccountId;

// One change an action made (or tried): enough to report it and, later, to undo it.
struct ActionRecord {
  enum class Outcome {
    kChanged,    // the action changed the resource
    kUnchanged,  // it was already in the target state: nothing was called
    kFailed,     // AWS refused or could not be reached: `error` says why
  };

  ActionRecord(std::string action_name, std::string resource)
      : action(std::move(action_name)), resource_id(std::move(resource)) {}
  static ActionRecord failed(std::string action, std::string resource, const std::exception& e);
  static ActionRecord unchanged(std::string action, std::string resource, std::string summary);

  std::string action;       // the action's name, e.g. "stop"
  std::string resource_id;  // the resource it acted on
  Outcome outcome = Outcome::kChanged;
  std::string summary;  // one line for humans: "stopped i-0abc (was running)"
  Json before;          // state the change replaced (for recovery)
  Json after;           // state it created (ids of snapshots, ...)
  std::string error;    // why it failed, when it did
  // The calls that undo the change, in order: [{service, operation, params, region}]. Empty:
  // nothing to undo; null: it cannot be undone (a deleted key), and `summary` says so.
  Json undo = Json::array();
  // How to see that the change holds: a read-only call and a JMESPath over its answer that is
  // true while it does ({service, operation, params, region, expect}); null: no such check.
  // After an undo, the same check is false.
  Json check = nullptr;

  bool ok() const { return outcome != Outcome::kFailed; }
};

// One AWS call of an undo list.
Json undo_call(std::string_view service, std::string_view operation, Json params,
               const std::string& region = {});
// An ActionRecord::check.
Json check_call(std::string_view service, std::string_view operation, Json params,
                std::string expect, const std::string& region = {});
// `value` as a JMESPath literal (`"192.0.2.1"`), for a check's expect.
std::string jmespath_literal(const Json& value);

struct ActionContext {
  const aws::Client& client;  // in the run's region; in a dry run, one that changes nothing
  std::string policy_name{};
  const Json* event = nullptr;
  // Called as each change completes, so a responder sees progress as it happens.
  std::function<void(const ActionRecord&)> on_record{};
  const ResourceType* resource_type = nullptr;
  const AccountId* account = nullptr;  // the account acted in, asked of STS when first needed
  std::string incident_id{};           // the incident acted for, when journaled
  // The run (metadata.json's execution): what notifications say they came from.
  std::string execution_id{};
  double execution_start = 0;  // seconds since the epoch

  // Tells on_record about `record` and keeps it in `records`.
  void emit(std::vector<ActionRecord>& records, ActionRecord record) const;
  // The client for the resource's own region (S3 buckets live anywhere).
  aws::Client client_for(const Json& resource) const;
  std::string id_of(const Json& resource) const;
  std::string arn_of(const Json& resource) const;
  const std::string& account_id() const;
  std::string partition() const;
};

class Action {
 public:
  virtual ~Action() = default;
  // Acts on `resources` (all matched by the policy) and returns one record per change.
  virtual std::vector<ActionRecord> process(const std::vector<Json>& resources,
                                            ActionContext& context) const = 0;
};

using ActionPtr = std::unique_ptr<const Action>;

// An action that changes resources one at a time: a failure on one is recorded and the others
// still get their turn.
class PerResourceAction : public Action {
 public:
  explicit PerResourceAction(std::string name) : name_(std::move(name)) {}
  std::vector<ActionRecord> process(const std::vector<Json>& resources,
                                    ActionContext& context) const override;

 protected:
  const std::string& name() const { return name_; }
  // One resource's change; throwing custos::Error records it as failed.
  virtual ActionRecord apply(const Json& resource, ActionContext& context) const = 0;

 private:
  std::string name_;
};

}  // namespace custos::policy
