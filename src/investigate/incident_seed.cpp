#include "investigate/incident_seed.h"

#include <algorithm>

#include "incident/incident_journal.h"

namespace custos::investigate {
namespace {

// The string at `pointer` of `event`, or "".
std::string at(const Json& event, const char* pointer) {
  const Json::json_pointer path(pointer);
  if (!event.contains(path)) return "";
  const Json& value = event.at(path);
  return value.is_string() ? value.get<std::string>() : "";
}

void add(std::vector<std::string>& list, const std::string& value) {
  if (!value.empty() && std::find(list.begin(), list.end(), value) == list.end())
    list.push_back(value);
}

// Each ranked list cut to its leading entries: the journal keeps what a report shows.
Json leading(Json summary, std::size_t top) {
  for (auto& [key, value] : summary.items())
    if (value.is_array() && value.size() > top) value.erase(value.begin() + top, value.end());
  return summary;
}

Json query_json(const TrailQuery& q) {
  Json out = Json::object();
  if (q.since) out["since"] = iso_time(*q.since);
  if (q.until) out["until"] = iso_time(*q.until);
  auto list = [&](const char* name, const std::vector<std::string>& values) {
    if (!values.empty()) out[name] = values;
  };
  list("principal", q.principals);
  list("resource", q.resources);
  list("ip", q.ips);
  list("event", q.events);
  list("service", q.services);
  list("account", q.accounts);
  list("region", q.regions);
  list("where", q.where);
  if (q.errors) out["errors"] = true;
  if (q.access != TrailQuery::Access::kAny)
    out["access"] = q.access == TrailQuery::Access::kReadOnly ? "read-only" : "mutating";
  return out;
}

}  // namespace

IncidentSeed seed_from_incident(const incident::IncidentJournal& journal, const std::string& id) {
  incident::IncidentInfo info = journal.incident(id);
  Json event;
  for (const incident::Record& record : journal.records(id))
    if (record.kind == "opened") event = record.body.value("event", Json());
  IncidentSeed seed;
  if (event.is_object()) {
    // GuardDuty: the key and its user, or the instance (its role's sessions are named after it).
    add(seed.principals, at(event, "/detail/resource/accessKeyDetails/accessKeyId"));
    add(seed.principals, at(event, "/detail/resource/accessKeyDetails/userName"));
    add(seed.principals, at(event, "/detail/resource/instanceDetails/instanceId"));
    // CloudTrail: who made the call.
    add(seed.principals, at(event, "/detail/userIdentity/accessKeyId"));
    add(seed.principals, at(event, "/detail/userIdentity/arn"));
  }
  auto time = [&](const char* key) -> std::optional<Millis> {
    const Json& value = info.summary.value(key, Json());
    return value.is_string() ? parse_event_time(value.get<std::string>()) : std::nullopt;
  };
  if (auto first = time("first_seen")) seed.since = *first - kSeedMargin;
  if (auto last = time("last_seen")) seed.until = *last + kSeedMargin;
  return seed;
}

void apply_seed(const IncidentSeed& seed, TrailQuery& query) {
  if (query.principals.empty()) query.principals = seed.principals;
  if (!query.since) query.since = seed.since;
  if (!query.until) query.until = seed.until;
}

Json investigation_record(const std::vector<std::string>& sources, const TrailQuery& query,
                          const TrailAnswer& answer) {
  return {{"sources", sources},
          {"query", query_json(query)},
          {"matched", answer.matched},
          {"files", answer.stats.files},
          {"skipped", answer.stats.skipped.size()},
          {"summary", leading(answer.summary, 5)}};
}

}  // namespace custos::investigate
