#include "policy/runner.h"

#include <fmt/format.h>

#include <chrono>

#include "core/uuid.h"
#include "core/version.h"
#include "jmespath/jmespath.h"
#include "policy/output.h"

namespace custos::policy {
namespace {

double epoch_seconds(std::chrono::system_clock::time_point time) {
  return std::chrono::duration<double>(time.time_since_epoch()).count();
}

Json metric(const char* name, double value, const char* unit) {
  return {{"MetricName", name}, {"Value", value}, {"Unit", unit}};
}

Json record_json(const ActionRecord& record) {
  return {{"action", record.action},   {"resource", record.resource_id}, {"ok", record.ok},
          {"summary", record.summary}, {"before", record.before},        {"after", record.after},
          {"error", record.error}};
}

}  // namespace

bool RunResult::ok() const {
  for (const auto& record : records)
    if (!record.ok) return false;
  return true;
}

std::vector<Json> describe_resources(const ResourceType& type, const aws::Client& client,
                                     const std::vector<std::string>* ids) {
  auto select = jmespath::Expression::compile(type.result_path);
  Json params = Json::object();
  if (ids) params[type.ids_param] = *ids;
  std::vector<Json> resources;
  client.paginate(type.service, type.enumerate_operation, params, [&](const Json& page) {
    Json items = select.search(page);
    if (items.is_array())
      for (auto& item : items) resources.push_back(std::move(item));
    return true;
  });
  return resources;
}

RunResult run_policy(const Policy& policy, const aws::Client& client, const RunOptions& options,
                     const EventTarget* target) {
  auto started = std::chrono::system_clock::now();
  PolicyOutput output(options.output_dir, policy.name);
  RunResult result;
  result.policy = policy.name;

  std::vector<Json> candidates =
      describe_resources(*policy.resource, client, target ? &target->resource_ids : nullptr);
  FilterContext filter_context{options.event};
  for (auto& resource : candidates)
    if (policy.matches(resource, filter_context)) result.resources.push_back(std::move(resource));
  auto filtered = std::chrono::system_clock::now();
  double resource_time = std::chrono::duration<double>(filtered - started).count();

  output.write("resources.json", result.resources);
  output.log("INFO", fmt::format("policy:{} resource:{} region:{} count:{} time:{:.2f}",
                                 policy.name, policy.resource->name, client.session().region(),
                                 result.resources.size(), resource_time));
  if (options.observer.on_matched) options.observer.on_matched(policy, result.resources);

  if (!options.dryrun && !result.resources.empty()) {
    ActionContext context{client, policy.name, options.event, [&](const ActionRecord& record) {
                            output.log(
                                record.ok ? "INFO" : "ERROR",
                                fmt::format("policy:{} action:{} resource:{} {}", policy.name,
                                            record.action, record.resource_id, record.summary));
                            if (options.observer.on_record) options.observer.on_record(record);
                          }};
    for (const auto& [name, action] : policy.actions) {
      auto records = action->process(result.resources, context);
      result.records.insert(result.records.end(), records.begin(), records.end());
    }
  }
  auto finished = std::chrono::system_clock::now();
  result.seconds = std::chrono::duration<double>(finished - started).count();

  Json records = Json::array();
  for (const auto& record : result.records) records.push_back(record_json(record));
  output.write("actions.json", records);
  output.write(
      "metadata.json",
      {{"policy", policy.data},
       {"version", std::string(custos::version())},
       {"execution",
        {{"id", random_uuid()},
         {"start", epoch_seconds(started)},
         {"end_time", epoch_seconds(finished)},
         {"duration", result.seconds}}},
       {"config",
        {{"region", client.session().region()},
         {"output_dir", options.output_dir},
         {"dryrun", options.dryrun},
         {"event", options.event ? *options.event : Json()}}},
       {"metrics",
        Json::array(
            {metric("ResourceCount", static_cast<double>(result.resources.size()), "Count"),
             metric("ResourceTime", resource_time, "Seconds"),
             metric("ActionTime", std::chrono::duration<double>(finished - filtered).count(),
                    "Seconds")})}});
  return result;
}

}  // namespace custos::policy
