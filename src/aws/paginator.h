// botocore's pagination rules (paginators-1.json): which output member holds the next page's
// token, which input member takes it, and which result lists add up across pages.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/model.h"
#include "core/json.h"

namespace custos::aws {

// The JMESPath subset paginators use: "A.B", "A[-1].B", "NextMarker || Contents[-1].Key".
class PageExpression {
 public:
  // Throws custos::Error naming the expression when it is outside that subset.
  explicit PageExpression(std::string_view text);
  // The value the expression selects in `document`; nullptr when missing or null.
  const Json* search(const Json& document) const;
  // The value at a plain "A.B" path, created as null with objects on the way when missing
  // (botocore's set_value_from_jmespath). Throws custos::Error for other expressions.
  Json& slot(Json& document) const;
  const std::string& text() const { return text_; }

 private:
  struct Step {
    std::string key;    // member name, or empty for an index
    long long index{};  // negative counts from the end
  };
  std::string text_;
  std::vector<std::vector<Step>> alternatives_;  // separated by ||
};

// One operation's entry of paginators-1.json.
struct PaginatorConfig {
  std::vector<std::string> input_tokens;
  std::vector<PageExpression> output_tokens;  // same order as input_tokens
  std::optional<PageExpression> more_results;
  std::vector<PageExpression> result_keys;
  std::vector<PageExpression> non_aggregate_keys;
  std::string limit_key;

  // Throws custos::Error when the entry is malformed.
  static PaginatorConfig parse(const Json& entry);
  // The input members to set for the page after `page` (null: remove); nullopt after the last.
  std::optional<Json> next_tokens(const Json& page) const;
};

// The operation's paginator, or nullptr when it does not paginate. A service's paginators are
// read once per process, from the model's data_folder().
const PaginatorConfig* find_paginator(const ServiceModel& model, std::string_view operation);

// Merges pages as botocore's build_full_result: result_key lists concatenated (numbers added,
// strings joined), non_aggregate_keys taken from the first page, other members dropped.
class FullResult {
 public:
  explicit FullResult(const PaginatorConfig& config) : config_(config) {}
  void add(const Json& page);
  const Json& result() const { return result_; }

 private:
  const PaginatorConfig& config_;
  Json result_ = Json::object();
  bool first_ = true;
};

}  // namespace custos::aws
