// An investigation started from an incident of the journal: the query seeded with what its
// finding names (access key, user, instance whose role session its credentials carry) and the
// window around its activity, and the answer journaled for the incident's report.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "investigate/trail.h"

namespace custos::incident {
class IncidentJournal;
}

namespace custos::investigate {

struct IncidentSeed {
  std::vector<std::string> principals;
  std::optional<Millis> since, until;
};

// How far before the first and after the last activity the finding reports the window reaches:
// credentials are often used well before GuardDuty notices.
constexpr Millis kSeedMargin = 24 * 3'600'000LL;

// Throws InputError when the journal has no such incident.
IncidentSeed seed_from_incident(const incident::IncidentJournal& journal, const std::string& id);

// Fills in what the user did not give: principals (when no --principal), since, until.
void apply_seed(const IncidentSeed& seed, TrailQuery& query);

// The answer as the incident's journal keeps it: sources, query, counts and the summary's
// leading entries.
Json investigation_record(const std::vector<std::string>& sources, const TrailQuery& query,
                          const TrailAnswer& answer);

}  // namespace custos::investigate
