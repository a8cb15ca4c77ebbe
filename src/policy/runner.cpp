#include "policy/runner.h"

#include <fmt/format.h>

#include <chrono>

#include "core/stored_json_text.h"
#include "core/uuid.h"
#include "core/version.h"
#include "jmespath/jmespath.h"
#include "policy/acting.h"
#include "policy/describe.h"
#include "policy/output.h"

namespace custos::policy {
namespace {

double epoch_seconds(std::chrono::system_clock::time_point time) {
  return std::chrono::duration<double>(time.time_since_epoch()).count();
}

Json metric(const char* name, double value, const char* unit) {
  return {{"MetricName", name}, {"Value", value}, {"Unit", unit}};
}

const char* outcome_name(ActionRecord::Outcome outcome) {
  switch (outcome) {
    case ActionRecord::Outcome::kChanged:
      return "changed";
    case ActionRecord::Outcome::kUnchanged:
      return "unchanged";
    case ActionRecord::Outcome::kFailed:
      return "failed";
  }
  return "?";
}

Json record_json(const ActionRecord& record, bool dryrun) {
  return {{"action", record.action},   {"resource", record.resource_id},
          {"ok", record.ok()},         {"outcome", outcome_name(record.outcome)},
          {"summary", record.summary}, {"before", record.before},
          {"after", record.after},     {"undo", record.undo},
          {"check", record.check},     {"error", record.error},
          {"dryrun", dryrun}};
}

// Cloud Custodian's is_runnable: STS is asked for the account id only if a condition reads it.
bool conditions_hold(const Policy& policy, const aws::Client& client, const RunOptions& options) {
  if (policy.conditions.empty()) return true;
  std::string account_id;
  if (policy.conditions.needs_account_id())
    account_id = options.account ? options.account->get() : sts_account_id(client);
  Json document = condition_document(policy.data, client.session().region(), account_id);
  return policy.conditions.hold(document, FilterContext{.event = options.event, .client = &client});
}

// A client that sends read-only calls and records each other one, for the dry run's output,
// answering it with an empty response.
aws::Client recording_client(const aws::Client& client, const Policy& policy,
                             const RunOptions& options, PolicyOutput& output,
                             const std::string& action, std::vector<Json>& calls) {
  return client.dry_run(
      [&, action](std::string_view service, std::string_view operation, const Json& params) {
        Json call = {{"action", action},
                     {"service", std::string(service)},
                     {"operation", std::string(operation)},
                     {"params", params}};
        output.log("INFO", fmt::format("policy:{} action:{} dryrun call:{} {} {}", policy.name,
                                       action, service, operation, params.dump()));
        if (options.observer.on_dry_call) options.observer.on_dry_call(call);
        calls.push_back(std::move(call));
        return Json::object();
      });
}

// The documents an event named, with what the event says of them (the finding's access key).
std::vector<DocStore::Value> annotated(DocStore& store, const std::vector<DocStore::Value>& found,
                                       const EventTarget& target) {
  std::vector<DocStore::Value> documents;
  for (DocStore::Value value : found) {
    Json document = store.to_json(value);
    for (const auto& [key, item] : target.annotation.items()) document[key] = item;
    documents.push_back(store.add(document));
  }
  return documents;
}

}  // namespace

const char* const kNotStarted = "not started: too little time was left before the deadline";

bool RunOptions::out_of_time() const {
  return act_until && std::chrono::system_clock::now() >= *act_until;
}

bool RunResult::ok() const {
  for (const auto& record : records)
    if (!record.ok()) return false;
  return true;
}

RunResult run_policy(const Policy& policy, const aws::Client& client, const RunOptions& options,
                     const EventTarget* target) {
  auto started = std::chrono::system_clock::now();
  RunResult result;
  result.policy = policy.name;
  result.execution_id = random_uuid();
  result.started = epoch_seconds(started);
  if (!conditions_hold(policy, client, options)) {
    result.skipped = true;
    return result;
  }
  PolicyOutput output(options.output_dir, policy.name);

  DocStore store;
  std::vector<DocStore::Value> candidates = describe_resources(
      *policy.resource, client, target ? &target->resource_ids : nullptr, store, policy.query);
  if (target && target->annotation.is_object()) candidates = annotated(store, candidates, *target);
  std::size_t population = candidates.size();
  FilterContext filter_context{.event = options.event, .client = &client, .annotate = true};
  const std::vector<DocStore::Value> kept =
      policy.filter_stored(store, std::move(candidates), filter_context);
  result.matched = kept.size();
  if (!policy.actions.empty() || options.keep_documents)
    for (DocStore::Value document : kept) result.resources.push_back(store.to_json(document));
  auto filtered = std::chrono::system_clock::now();
  double resource_time = std::chrono::duration<double>(filtered - started).count();
  try {
    policy.limit.check(policy.name, result.matched, population);
  } catch (const ResourceLimitExceeded& e) {
    output.log("ERROR", e.what());
    throw;
  }

  output.write_text("resources.json", json_list(store, kept, 2));
  output.log("INFO", fmt::format("policy:{} resource:{} region:{} count:{} time:{:.2f}",
                                 policy.name, policy.resource->name, client.session().region(),
                                 result.matched, resource_time));
  if (options.observer.on_matched) options.observer.on_matched(policy, result.matched);

  if (!result.resources.empty()) {
    act_and_verify(policy, client, options, output, result, [&](const std::string& action) {
      return options.dryrun
                 ? recording_client(client, policy, options, output, action, result.dry_calls)
                 : client;
    });
  }
  auto finished = std::chrono::system_clock::now();
  result.seconds = std::chrono::duration<double>(finished - started).count();

  Json records = Json::array();
  for (const auto& record : result.records) records.push_back(record_json(record, options.dryrun));
  output.write("actions.json", records);
  if (options.dryrun) output.write("dryrun-calls.json", result.dry_calls);
  output.write("metadata.json",
               {{"policy", policy.data},
                {"version", std::string(custos::version())},
                {"execution",
                 {{"id", result.execution_id},
                  {"start", result.started},
                  {"end_time", epoch_seconds(finished)},
                  {"duration", result.seconds}}},
                {"config",
                 {{"region", client.session().region()},
                  {"output_dir", options.output_dir},
                  {"dryrun", options.dryrun},
                  {"event", options.event ? *options.event : Json()}}},
                {"metrics",
                 Json::array({metric("ResourceCount", static_cast<double>(result.matched), "Count"),
                              metric("ResourceTime", resource_time, "Seconds"),
                              metric("ActionTime",
                                     std::chrono::duration<double>(finished - filtered).count(),
                                     "Seconds")})}});
  return result;
}

}  // namespace custos::policy
