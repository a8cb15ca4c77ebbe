// A compiled policy: which resources (resource type and mode), when it runs (conditions),
// which of them (filters), how many at most (max-resources) and what to do to them (actions).
// Compiling validates everything before anything runs.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/doc_store.h"
#include "core/error.h"
#include "core/stored_list.h"
#include "policy/conditions.h"
#include "policy/registry.h"
#include "policy/source.h"
#include "policy/vars.h"

namespace custos::policy {

// A CloudTrail call a cloudtrail-mode policy reacts to, and where its event names resources.
struct TrailEvent {
  std::string source;  // detail.eventSource: "s3.amazonaws.com"
  std::string event;   // detail.eventName: "CreateBucket"
  std::string ids;     // JMESPath over the event (when it starts with detail.) or its detail
};

struct Mode {
  // pull, guard-duty, cloudtrail, ec2-instance-state (events); periodic, config-rule,
  // config-poll-rule (run as pull)
  std::string type = "pull";
  Json data = Json::object();
  std::vector<TrailEvent> trail_events;      // cloudtrail: the events of `events:`
  std::vector<std::string> instance_states;  // ec2-instance-state: `events:` (empty: any)
  std::string schedule;                      // periodic, config-poll-rule
  bool include_samples = false;              // guard-duty: act on GuardDuty's sample findings too
  std::string kill_switch;                   // custos's `kill-switch:` (see policy/safety.h)
  bool is_event() const {
    return type == "guard-duty" || type == "cloudtrail" || type == "ec2-instance-state";
  }
};

// The policy would have acted on more resources than its max-resources allows.
class ResourceLimitExceeded : public Error {
 public:
  using Error::Error;
};

// Cloud Custodian's max-resources / max-resources-percent circuit breaker.
struct ResourceLimit {
  std::optional<long long> amount;  // max-resources: N, or {amount: N}
  Json percent;                     // a number, or null (as written, for the message)
  std::string op;                   // "and" / "or"; empty: $C7N_MAXRES_OP, else "or"
  // Throws ResourceLimitExceeded when `selected` of `population` resources breaks the limit,
  // with Cloud Custodian's message ("policy:NAME exceeded resource-limit:5 found:7 total: 9").
  void check(const std::string& policy, std::size_t selected, std::size_t population) const;
};

struct Policy {
  std::string name;
  const ResourceType* resource = nullptr;
  Mode mode;
  Conditions conditions;
  std::vector<FilterPtr> filters;  // all must match
  std::vector<std::pair<std::string, ActionPtr>> actions;
  ResourceLimit limit;
  Json query = Json::object();  // `query`: parameters added to the listing call
  // `resource` narrowed to the detail calls query's augment-keys names (owned here), or null.
  std::shared_ptr<const ResourceType> narrowed;
  Json data;                   // the policy as written
  Json vars = Json::object();  // the file's `vars:`
  Location location;
  std::shared_ptr<const SourceDocument> expanded;  // what a variable-expanded copy compiled from

  // Passes `resources` through each filter in turn, as Cloud Custodian does, and returns those
  // every filter kept (stored first, then filtered by filter_stored).
  std::vector<Json> filter_resources(std::vector<Json> resources,
                                     const FilterContext& context) const;
  // The same over documents of `store`, returning those kept, in order, as documents of the
  // store (annotated ones, with c7n:MatchedFilters when context.annotate is set, are added to
  // it). Filters with a stored matcher read the store directly; from the first one that judges
  // the set, the remaining documents go on as Json.
  std::vector<DocStore::Value> filter_stored(DocStore& store,
                                             std::vector<DocStore::Value> documents,
                                             const FilterContext& context) const;
  // The same over batches of documents in several stores (a StoredList), in order: the batches
  // of what was kept. A filter that judges the set sees every batch's documents at once (what
  // it keeps is added to the first batch's store).
  std::vector<StoredList::Batch> filter_stored(std::vector<StoredList::Batch> batches,
                                               const FilterContext& context) const;
  // Whether every filter keeps this one resource on its own.
  bool matches(const Json& resource, const FilterContext& context) const;
};

// Compiles every policy in `source` (a document with a `policies:` list). Throws PolicyError
// at the first problem, naming file:line:col and the policy.
std::vector<Policy> compile_policies(const SourceDocument& source, const Registry& registry);

// The IAM actions (ec2:StopInstances) running the policy calls: listing its resources, its
// filters and its actions.
std::set<std::string> permissions_of(const Policy& policy, const Registry& registry);

// Cloud Custodian's expand_variables: the policy with every string formatted with `vars`
// (mode.member-role excepted), compiled again; nullopt when no string changed.
std::optional<Policy> expand_variables(const Policy& policy, const Variables& vars,
                                       const Registry& registry);

}  // namespace custos::policy
