#include "policy/acting.h"

#include <fmt/format.h>

#include <map>
#include <mutex>

#include "jmespath/jmespath.h"
#include "policy/vars.h"

namespace custos::policy {
namespace {

using Calls = std::vector<aws::Client::MutatingCall>;

// The calls of a record: those made since the previous record (a per-resource action's), and
// earlier ones that name the resource (a batch call, such as StopInstances for several).
Calls calls_of(const Calls& earlier, const Calls& since, const std::string& resource) {
  Calls about = since;
  const std::string quoted = Json(resource).dump();
  for (const auto& call : earlier)
    if (call.params.dump().find(quoted) != std::string::npos) about.push_back(call);
  return about;
}

// One action's pass over the matched resources.
class ActionStep {
 public:
  ActionStep(const Policy& policy, std::size_t index, const RunOptions& options)
      : policy_(policy), index_(index), options_(options) {}

  // The resources this step acts on: with a journal, those it claims; the others get a
  // record saying why they are left alone.
  std::vector<Json> claim(const std::vector<Json>& resources, const ActionContext& context,
                          std::vector<ActionRecord>& out) {
    std::vector<Json> todo;
    for (const Json& resource : resources) {
      JournalEntry entry = entry_for(context.id_of(resource));
      Journal* journal = options_.journal;
      auto claim = journal && !options_.dryrun ? journal->claim(entry) : Journal::Claim::kAct;
      if (claim == Journal::Claim::kAct) {
        entries_[entry.resource] = entry;
        todo.push_back(resource);
        continue;
      }
      context.emit(
          out, ActionRecord::unchanged(entry.action, entry.resource,
                                       claim == Journal::Claim::kDone
                                           ? "done earlier in incident " + journal->incident_id()
                                           : "being done by another custos process for incident " +
                                                 journal->incident_id()));
    }
    return todo;
  }

  // Journals a record as it arrives (crash safety: completed right after the change).
  void completed(const ActionRecord& record) {
    auto entry = entries_.find(record.resource_id);
    if (entry == entries_.end()) return;
    if (options_.journal && options_.dryrun) {
      options_.journal->would_do(entry->second, record);
    } else if (options_.journal) {
      std::lock_guard lock(mutex_);
      options_.journal->complete(entry->second, record,
                                 calls_of(earlier_, since_, record.resource_id));
      earlier_.insert(earlier_.end(), since_.begin(), since_.end());
      since_.clear();
    }
    entries_.erase(entry);
  }

  void called(const aws::Client::MutatingCall& call) {
    std::lock_guard lock(mutex_);
    since_.push_back(call);
  }

  // Every claimed resource fails with `why`, before the action is called.
  void refuse(const std::string& why, const ActionContext& context,
              std::vector<ActionRecord>& out) {
    fail_unrecorded(why, context, out, true);  // a refusal is a failure even in a dry run
  }

  // Resources the action made no record for (it threw, or forgot one) are failed, not lost.
  void fail_unrecorded(const std::string& why, const ActionContext& context,
                       std::vector<ActionRecord>& out, bool refused = false) {
    auto left = entries_;
    for (const auto& [resource, entry] : left) {
      ActionRecord record{entry.action, resource};
      if (options_.dryrun && !refused) {
        // A dry run's pretend answers are empty: the calls shown are what it would do.
        record.summary = "would act (the calls are shown above)";
      } else {
        record.outcome = ActionRecord::Outcome::kFailed;
        record.error = why;
        record.summary = "failed: " + why;
      }
      context.emit(out, std::move(record));
    }
  }

 private:
  JournalEntry entry_for(const std::string& resource) const {
    const auto& name = policy_.actions[index_].first;
    return {policy_.name, index_, name, resource, phase_of(name, policy_.data)};
  }

  const Policy& policy_;
  std::size_t index_;
  const RunOptions& options_;
  std::map<std::string, JournalEntry> entries_;  // claimed, not yet recorded, by resource
  Calls earlier_;                                // calls already given to a record
  Calls since_;                                  // calls made since the last record
  std::mutex mutex_;
};

// Runs a record's check: its call (read-only) and whether `expect` holds on the answer.
std::pair<bool, std::string> holds(const Json& check, const aws::Client& client) {
  aws::Client reader =
      check.contains("region") ? client.in_region(check["region"].get<std::string>()) : client;
  Json answer = reader.call(check.value("service", ""), check.value("operation", ""),
                            check.value("params", Json::object()));
  std::string expect = check.value("expect", "");
  bool ok = jmespath::Expression::compile(expect).search(answer) == true;
  return {ok, (ok ? "holds: " : "does not hold: ") + expect};
}

void verify(const Policy& policy, const aws::Client& client, const RunOptions& options,
            const std::vector<ActionRecord>& records) {
  for (const auto& record : records) {
    if (record.outcome == ActionRecord::Outcome::kFailed || !record.check.is_object()) continue;
    std::pair<bool, std::string> seen;
    try {
      seen = holds(record.check, client);
    } catch (const Error& e) {
      seen = {false, std::string("could not read it back: ") + e.what()};
    }
    if (options.journal) {
      std::size_t index = 0;
      while (index < policy.actions.size() && policy.actions[index].first != record.action) ++index;
      options.journal->verified({policy.name, index, record.action, record.resource_id,
                                 phase_of(record.action, policy.data)},
                                seen.first, seen.second);
    }
    if (options.observer.on_verified) options.observer.on_verified(record, seen.first, seen.second);
  }
}

// Why the next action must not run: the kill switch is engaged, or the run's budget of
// changes would be exceeded; empty when it may.
std::string brake(const Policy& policy, std::size_t changes, const aws::Client& client,
                  const RunOptions& options) {
  if (!policy.mode.kill_switch.empty() && KillSwitch(policy.mode.kill_switch).engaged(client))
    return "stopped by the kill switch " + policy.mode.kill_switch;
  if (options.budget && !options.budget->take(changes))
    return "refused: this run may attempt at most " + std::to_string(*options.budget->max()) +
           " changes (--max-actions)";
  return {};
}

// Out of time: every resource of every action from `first` on is left for a later delivery.
void leave(const Policy& policy, std::size_t first, const std::vector<Json>& resources,
           const ActionContext& context, const RunOptions& options,
           std::vector<ActionRecord>& out) {
  for (std::size_t i = first; i < policy.actions.size(); ++i) {
    const std::string& name = policy.actions[i].first;
    for (const Json& resource : resources) {
      ActionRecord record{name, context.id_of(resource)};
      record.outcome = ActionRecord::Outcome::kFailed;
      record.error = record.summary = kNotStarted;
      if (options.journal && !options.dryrun)
        options.journal->left(
            {policy.name, i, name, record.resource_id, phase_of(name, policy.data)}, kNotStarted);
      context.emit(out, std::move(record));
    }
  }
}

}  // namespace

void act_and_verify(const Policy& policy, const aws::Client& client, const RunOptions& options,
                    PolicyOutput& output, RunResult& result,
                    const std::function<aws::Client(const std::string& action)>& acting_for) {
  AccountId own_account([&client] { return sts_account_id(client); });
  std::vector<ActionRecord> records;
  for (std::size_t i = 0; i < policy.actions.size(); ++i) {
    const auto& [name, action] = policy.actions[i];
    ActionStep step(policy, i, options);
    ActionContext context{
        .client = acting_for(name).observed([&step](const auto& call) { step.called(call); }),
        .policy_name = policy.name,
        .event = options.event,
        .on_record =
            [&](const ActionRecord& record) {
              step.completed(record);
              output.log(record.ok() ? "INFO" : "ERROR",
                         fmt::format("policy:{} action:{} resource:{} {}{}", policy.name,
                                     record.action, record.resource_id,
                                     options.dryrun ? "(dry run) " : "", record.summary));
              if (options.observer.on_record) options.observer.on_record(record);
            },
        .resource_type = policy.resource,
        .account = options.account ? options.account : &own_account,
        .execution_id = result.execution_id,
        .execution_start = result.started};
    if (options.out_of_time()) {
      leave(policy, i, result.resources, context, options, records);
      break;
    }
    std::vector<Json> todo = step.claim(result.resources, context, records);
    if (todo.empty()) continue;
    if (std::string why = brake(policy, todo.size(), client, options); !why.empty()) {
      output.log("ERROR", "policy:" + policy.name + " action:" + name + " " + why);
      step.refuse(why, context, records);
      continue;
    }
    if (options.journal) context.incident_id = options.journal->incident_id();  // opened now
    try {
      for (auto& record : action->process(todo, context)) records.push_back(std::move(record));
    } catch (const std::exception& e) {
      step.fail_unrecorded(name + " stopped: " + e.what(), context, records);
      continue;
    }
    step.fail_unrecorded(name + " made no record for this resource", context, records);
  }
  if (!options.dryrun) verify(policy, client, options, records);
  result.records.insert(result.records.end(), records.begin(), records.end());
}

}  // namespace custos::policy
