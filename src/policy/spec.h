// A piece of a policy being compiled (a filter, an action, a mode): its JSON, where it was
// written, and the checks every piece needs, each failing with file:line:col.
#pragma once

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/source.h"

namespace custos::policy {

class Spec {
 public:
  Spec(const SourceDocument& source, Json::json_pointer pointer, std::string policy_name);

  const Json& value() const { return *value_; }
  // Built on demand: a Spec keeps only its value, which is all compiling needs.
  Json::json_pointer pointer() const { return source_->pointer_to(*value_); }
  const std::string& policy_name() const { return *policy_name_; }
  Location location() const { return source_->locate(*value_, at_key_); }
  // The same piece, but errors point at the mapping key that names it.
  Spec at_key() const;

  bool has(std::string_view key) const;
  Spec child(std::string_view key) const;
  Spec element(std::size_t index) const;

  // Throws PolicyError at this piece: "FILE:L:C: policy 'NAME': MESSAGE".
  [[noreturn]] void fail(const std::string& message) const;
  // Fails on keys outside `allowed` (besides "type"), naming the allowed ones.
  void allow_keys(const std::vector<std::string>& allowed, std::string_view what) const;
  // Typed accessors for an optional key; fail when it exists with another type.
  std::string optional_string(std::string_view key, std::string fallback = {}) const;
  bool optional_bool(std::string_view key, bool fallback) const;
  // A list of strings (absent: empty).
  std::vector<std::string> string_list(std::string_view key) const;
  // A string that must be given (and not be empty).
  std::string required_string(std::string_view key) const;
  // One of `allowed`; when absent, `fallback`, or a failure when there is none.
  std::string one_of(std::string_view key, const std::vector<std::string>& allowed,
                     std::optional<std::string> fallback = std::nullopt) const;

 private:
  Spec(const Spec& parent, const Json& value);

  const SourceDocument* source_;
  const Json* value_;
  std::shared_ptr<const std::string> policy_name_;  // shared: every piece of a policy has it
  bool at_key_ = false;
};

std::string json_type_name(const Json& value);

}  // namespace custos::policy
