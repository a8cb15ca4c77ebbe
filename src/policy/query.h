// Cloud Custodian's `query` policy key (c7n/utils.py QueryParser): parameters added to the
// resource type's listing call, such as EC2's describe filters (`- instance-state-name:
// running`), checked against the call's input shape when the policy compiles.
#pragma once

#include <memory>

#include "core/json.h"
#include "policy/resource_type.h"
#include "policy/spec.h"

namespace custos::policy {

// What `spec` (the policy's `query` list) asks of the listing: its call's extra parameters
// ({KEY: VALUE} entries naming them, {Filters: [{Name, Values}]}, or, for a call that takes
// Filters, {FILTER-NAME: VALUE(S)}), and Cloud Custodian's {augment-keys: all | none | detect |
// [KEY, ...]}: which of the type's detail calls to make (by the key each is kept under).
struct Query {
  Json params = Json::object();
  Json augment_keys;  // null: all
};
// Fails at the entry that does not fit.
Query compile_query(const Spec& spec, const ResourceType& type);

// The type narrowed to the detail calls `augment_keys` names ("detect": those whose keys the
// policy's value filters read, `filters`), besides the required ones and Tags; null when every
// call stays.
std::shared_ptr<const ResourceType> with_augment_keys(const ResourceType& type,
                                                      const Json& augment_keys,
                                                      const Json& filters);

}  // namespace custos::policy
