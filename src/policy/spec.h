// A piece of a policy being compiled (a filter, an action, a mode): its JSON, where it was
// written, and the checks every piece needs, each failing with file:line:col.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "policy/source.h"

namespace custos::policy {

class Spec {
 public:
  Spec(const SourceDocument& source, Json::json_pointer pointer, std::string policy_name);

  const Json& value() const { return *value_; }
  const Json::json_pointer& pointer() const { return pointer_; }
  const std::string& policy_name() const { return policy_name_; }
  Location location() const { return source_->locate(pointer_, at_key_); }
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

 private:
  const SourceDocument* source_;
  Json::json_pointer pointer_;
  const Json* value_;
  std::string policy_name_;
  bool at_key_ = false;
};

std::string json_type_name(const Json& value);

}  // namespace custos::policy
