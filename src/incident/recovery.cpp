#include "incident/recovery.h"

#include <set>

#include "jmespath/jmespath.h"

namespace custos::incident {
namespace {

// The changes recovery may undo: completed records that changed something, newest first,
// minus those already recovered.
std::vector<const Record*> changes_to_undo(const std::vector<Record>& records,
                                           const std::string& only) {
  std::set<std::int64_t> recovered;
  for (const auto& record : records)
    if (record.kind == "recovered") recovered.insert(record.body.value("change", 0L));
  std::vector<const Record*> changes;
  for (auto it = records.rbegin(); it != records.rend(); ++it) {
    const Record& record = *it;
    if (record.kind != "completed" || record.body.value("outcome", "") != "changed") continue;
    if (!only.empty() && record.entry.value("action", "") != only) continue;
    if (recovered.count(record.n)) continue;
    changes.push_back(&record);
  }
  return changes;
}

std::string describe_call(const Json& call) {
  return call.value("service", "") + " " + call.value("operation", "") + " " +
         call.value("params", Json::object()).dump();
}

aws::Client client_in(const aws::Client& client, const Json& call) {
  return call.contains("region") ? client.in_region(call["region"].get<std::string>()) : client;
}

// After an undo the change's check no longer holds.
bool undone(const Json& check, const aws::Client& client) {
  if (!check.is_object()) return false;
  Json answer = client_in(client, check)
                    .call(check.value("service", ""), check.value("operation", ""),
                          check.value("params", Json::object()));
  return jmespath::Expression::compile(check.value("expect", "")).search(answer) != true;
}

RecoveryStep undo_one(IncidentJournal& journal, const Record& change, const aws::Client& client,
                      const RecoveryOptions& options) {
  RecoveryStep step{change.entry, "", "", false};
  const Json& undo = change.body["undo"];
  if (undo.is_null()) {
    step.status = "irreversible";
    step.detail = change.body.value("summary", "");
    return step;
  }
  if (undo.empty()) {  // evidence (snapshots) is kept for the investigators
    step.status = "kept";
    step.detail = change.body.value("summary", "");
    return step;
  }
  std::string calls;
  for (const Json& call : undo) calls += (calls.empty() ? "" : "; ") + describe_call(call);
  if (options.dryrun) {
    step.status = "would-recover";
    step.detail = calls;
    return step;
  }
  Json entry = change.entry;
  entry["phase"] = "recovery";
  journal.append("recovery-started", entry, {{"change", change.n}, {"calls", undo}});
  Json made = Json::array();
  try {
    for (const Json& call : undo) {
      client_in(client, call)
          .call(call.value("service", ""), call.value("operation", ""),
                call.value("params", Json::object()));
      made.push_back(call);
    }
    step.status = "recovered";
    step.detail = calls;
    step.checkable = change.body["check"].is_object();
    step.verified = undone(change.body["check"], client);
  } catch (const Error& e) {
    step.status = "failed";
    step.detail = e.what();
  }
  journal.append(step.status == "recovered" ? "recovered" : "recovery-failed", entry,
                 {{"change", change.n},
                  {"calls", made},
                  {"detail", step.detail},
                  {"verified", step.verified}});
  return step;
}

}  // namespace

std::string verification_note(const RecoveryStep& step) {
  if (step.status != "recovered") return "";
  if (!step.checkable) return " (no check recorded)";
  return step.verified ? " (verified)" : " (NOT verified)";
}

std::vector<RecoveryStep> recover(IncidentJournal& journal, const std::string& incident,
                                  const aws::Client& client, const RecoveryOptions& options,
                                  const std::function<void(const RecoveryStep&)>& on_step) {
  journal.use(incident);
  std::vector<Record> records = journal.records(incident);
  if (!options.only.empty()) {
    bool known = false;
    for (const auto& record : records)
      known =
          known || (record.kind == "completed" && record.entry.value("action", "") == options.only);
    if (!known)
      throw InputError("incident " + incident + " has no '" + options.only +
                       "' action to recover (custos incident show " + incident + " lists them)");
  }
  std::vector<RecoveryStep> steps;
  for (const Record* change : changes_to_undo(records, options.only)) {
    steps.push_back(undo_one(journal, *change, client, options));
    if (on_step) on_step(steps.back());
  }
  return steps;
}

}  // namespace custos::incident
