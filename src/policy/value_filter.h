// Cloud Custodian's value filter: compare the value at `key` of a document with `value` by
// `op`, with Python's semantics (a missing key is None; mismatched types never match).
#pragma once

#include <memory>
#include <string>

#include "core/json.h"
#include "jmespath/jmespath.h"
#include "policy/regex.h"
#include "policy/spec.h"

namespace custos::policy {

// Where a value filter reads its value: `tag:NAME`, a top-level key, or a JMESPath expression.
class ValueKey {
 public:
  // `key_spec` is where the key was written, for errors.
  ValueKey(std::string text, const Spec& key_spec);
  // The value, or nullptr when absent. `scratch` holds computed (non-path) results.
  const Json* lookup(const Json& document, Json& scratch) const;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::string tag_;  // non-empty for tag:NAME
  std::unique_ptr<jmespath::Expression> expression_;
};

// The comparison half: `value` and `op` applied to a looked-up value.
class ValueCondition {
 public:
  // The operand is value_spec's value; errors point at value_spec or op_spec.
  ValueCondition(const Spec& value_spec, const Spec& op_spec, std::string op);
  ValueCondition(ValueCondition&&) noexcept;
  ~ValueCondition();
  bool test(const Json* actual) const;

 private:
  Json value_;
  std::string op_;
  std::unique_ptr<Regex> regex_;
};

// A compiled {type: value} filter, also usable on non-resource documents (events).
class ValueMatcher {
 public:
  explicit ValueMatcher(const Spec& spec);
  bool matches(const Json& document) const;
  const std::string& key_text() const { return key_->text(); }

 private:
  std::unique_ptr<ValueKey> key_;
  std::unique_ptr<ValueCondition> condition_;
};

}  // namespace custos::policy
