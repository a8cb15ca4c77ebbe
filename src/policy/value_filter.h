// Cloud Custodian's value filter: compare the value at `key` of a document with `value` (or
// `value_from`) by `op`, after `value_regex` and `value_type`, with Python's semantics (a
// missing key is None; mismatched types never match).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "core/json.h"
#include "jmespath/jmespath.h"
#include "policy/filter.h"
#include "policy/regex.h"
#include "policy/spec.h"

namespace custos::policy {

// Where a value filter reads its value: `tag:NAME`, a top-level key, or a JMESPath expression.
class ValueKey {
 public:
  // `key_spec` is where the key was written, for errors. With `value_regex` (which must outlive
  // the key) the value is its first group, or None when it does not match.
  ValueKey(std::string text, const Spec& key_spec, const Regex* value_regex = nullptr);
  // The value, or nullptr when absent. `scratch` holds computed (non-path) results.
  const Json* lookup(const Json& document, Json& scratch) const;
  // What value_regex makes of `found`, the value at the key (found itself without one).
  const Json* refine(const Json* found, Json& scratch) const;
  const std::string& text() const { return text_; }
  // For finding the key in other document forms: the tag's name for tag:NAME keys (else
  // empty), and the expression otherwise (null for a member name that is no JMESPath, such as
  // c7n:InstanceOwnerIds, found only as a top-level member).
  const std::string& tag() const { return tag_; }
  const jmespath::Expression* expression() const { return expression_.get(); }

 private:
  const Json* find(const Json& document, Json& scratch) const;

  std::string text_;
  std::string tag_;  // non-empty for tag:NAME
  std::unique_ptr<jmespath::Expression> expression_;
  const Regex* value_regex_;
};

// The comparison half on its own, without value type: `value` and `op` applied to a value.
class ValueCondition {
 public:
  // The operand is value_spec's value; errors point at value_spec or op_spec.
  ValueCondition(const Spec& value_spec, const Spec& op_spec, const std::string& op);
  ValueCondition(ValueCondition&&) noexcept;
  ~ValueCondition();
  bool test(const Json* actual) const;

 private:
  struct Impl;
  std::unique_ptr<const Impl> impl_;
};

// A value filter's options (key, value, op, value_type, value_from, value_regex), then `extra`:
// what a filter that is a value filter with more takes.
std::vector<std::string> value_filter_options(const std::vector<std::string>& extra = {});

// A compiled {type: value} filter (or {KEY: VALUE} shorthand), also usable on non-resource
// documents (events).
class ValueMatcher {
 public:
  // For filters that are value filters with more (Cloud Custodian's access-key, credential):
  // the keys they add, and the key compared when none is written.
  struct Options {
    std::vector<std::string> extra_keys;
    std::string default_key;
  };
  explicit ValueMatcher(const Spec& spec);
  ValueMatcher(const Spec& spec, const Options& options);
  ValueMatcher(ValueMatcher&&) noexcept;
  ~ValueMatcher();

  // `context` supplies the client for a value_from s3:// URL.
  bool matches(const Json& document, const FilterContext& context = {}) const;
  const std::string& key_text() const;
  const ValueKey* key() const;  // null for resource_count

  // The verdict on `found`, the value at the key before value_regex (nullptr: absent), for
  // callers that find it themselves. Only when judges_found().
  bool matches_found(const Json* found, const FilterContext& context = {}) const;
  // Whether the verdict depends on the value at the key alone: not for value_type expr (which
  // reads more of the document) or resource_count.
  bool judges_found() const;

  // The IAM actions fetching its values needs (value_from s3://).
  std::vector<std::string> permissions() const;

  // value_type resource_count judges the whole set: len(resources) `op` value.
  bool counts_resources() const;
  bool count_matches(std::size_t count) const;

 private:
  struct Impl;
  std::unique_ptr<const Impl> impl_;
};

}  // namespace custos::policy
