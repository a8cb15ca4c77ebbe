// Cloud Custodian's policy conditions: filters over what the run knows (name, region,
// account_id, now, ...) that decide whether a policy runs at all, e.g. only in one region or
// only inside a time window.
#pragma once

#include <string>
#include <vector>

#include "policy/filter.h"
#include "policy/registry.h"

namespace custos::policy {

class Conditions {
 public:
  // Compiles the policy's `conditions:` (value and event filters, and/or/not blocks) and its
  // `region:` key (a condition on region, as Cloud Custodian reads it). Fails at file:line:col.
  static Conditions compile(const Spec& policy, const BuildContext& context);

  bool empty() const { return filters_.empty(); }
  // Whether a condition reads account_id (so the run must learn it, from STS).
  bool needs_account_id() const { return needs_account_id_; }
  // Whether every condition holds for `document` (see condition_document).
  bool hold(const Json& document, const FilterContext& context) const;

 private:
  std::vector<FilterPtr> filters_;
  bool needs_account_id_ = false;
};

// What conditions look at, as Cloud Custodian's PolicyConditions.evaluate builds it: name,
// region, resource (as written), provider, account_id, now (ISO 8601, UTC) and the policy.
Json condition_document(const Json& policy_data, const std::string& region,
                        const std::string& account_id);

}  // namespace custos::policy
