// A filter decides whether one resource document matches; filters compose (and/or/not).
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/doc_store.h"
#include "core/json.h"

namespace custos::aws {
class Client;
}

namespace custos::policy {

// What a filter may look at besides the resource.
struct FilterContext {
  const Json* event = nullptr;          // the triggering event, if any
  const aws::Client* client = nullptr;  // for filters that fetch data (value_from s3://)
  // Record in each kept resource's c7n:MatchedFilters the keys of the value filters that
  // matched it, as Cloud Custodian does.
  bool annotate = false;
  // Where value filters append their key as they match (set per resource by Filter::process;
  // filters that test something other than the resource, like list-item, clear it).
  std::vector<std::string>* matched_keys = nullptr;
};

// Judges the documents of one DocStore without building their Json: how large sets are
// filtered fast. Made for one pass over the store, so it may remember verdicts by value
// (equal Values are equal JSON).
class StoredMatcher {
 public:
  virtual ~StoredMatcher() = default;
  virtual bool match(DocStore::Value document, const FilterContext& context) = 0;
};
using StoredMatcherPtr = std::unique_ptr<StoredMatcher>;

class Filter {
 public:
  virtual ~Filter() = default;
  virtual bool match(const Json& resource, const FilterContext& context) const = 0;
  // Keeps the resources this filter lets through, in order. Filters that judge the set as a
  // whole (reduce) override it; the default keeps those match() accepts.
  virtual std::vector<Json> process(std::vector<Json> resources,
                                    const FilterContext& context) const;
  // True for filters whose verdict on a resource depends on the others (reduce,
  // resource_count): boolean blocks around them must pass them the whole set.
  virtual bool judges_set() const { return false; }
  // True for filters that write annotations on the resources they keep in process()
  // (c7n:matched-keys, c7n:AccessKeys): boolean blocks must then call process, not match.
  virtual bool annotates() const { return false; }
  // A matcher for the documents of `store` (made once they are added) with match()'s verdicts
  // and c7n:MatchedFilters keys; nullptr when this filter judges the set or writes other
  // annotations in process() (Policy::filter_stored goes on with Json). The default builds
  // each document's Json for match(); filters that can read the store override it.
  virtual StoredMatcherPtr stored_matcher(const DocStore& store) const;
  // The IAM actions this filter calls AWS with (value_from s3://: s3:GetObject), for
  // `custos schema --permissions`.
  virtual std::vector<std::string> permissions() const { return {}; }
};

// A filter that writes what it found on the resources it keeps in process() (Cloud Custodian's
// annotations, c7n:...), so it judges Json documents, not the store.
class AnnotatingFilter : public Filter {
 public:
  // One resource is judged as a set of one (process() writes the annotations).
  bool match(const Json& resource, const FilterContext& context) const override {
    return !process({resource}, context).empty();
  }
  bool annotates() const override { return true; }
  StoredMatcherPtr stored_matcher(const DocStore&) const override { return nullptr; }
};

using FilterPtr = std::unique_ptr<const Filter>;

// The IAM actions `filters` call AWS with, together (each once, sorted).
std::vector<std::string> permissions_of(const std::vector<FilterPtr>& filters);

// The filter types a policy's filters use (the list under its `filters`), through and/or/not
// blocks, as Cloud Custodian's iter_filters walks them: actions that need a filter check for it.
std::set<std::string> filter_types(const Json& filters);

// The context's client, for a filter that must ask AWS for `needs` ("c7n:AccessKeys"); throws
// custos::Error saying so when the run makes no AWS calls (custos eval).
const aws::Client& require_client(const FilterContext& context, const std::string& needs);

}  // namespace custos::policy
