#include "policy/spec.h"

#include <algorithm>

namespace custos::policy {

std::string json_type_name(const Json& value) {
  switch (value.type()) {
    case Json::value_t::object:
      return "a mapping";
    case Json::value_t::array:
      return "a list";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::null:
      return "empty (null)";
    default:
      return "a number";
  }
}

Spec::Spec(const SourceDocument& source, Json::json_pointer pointer, std::string policy_name)
    : source_(&source),
      value_(&source.root().at(pointer)),
      policy_name_(std::make_shared<const std::string>(std::move(policy_name))) {}

Spec::Spec(const Spec& parent, const Json& value)
    : source_(parent.source_), value_(&value), policy_name_(parent.policy_name_) {}

Spec Spec::at_key() const {
  Spec copy(*this);
  copy.at_key_ = true;
  return copy;
}

bool Spec::has(std::string_view key) const { return value_->is_object() && value_->contains(key); }

Spec Spec::child(std::string_view key) const { return Spec(*this, value_->at(key)); }

Spec Spec::element(std::size_t index) const { return Spec(*this, value_->at(index)); }

void Spec::fail(const std::string& message) const {
  std::string prefix = policy_name_->empty() ? "" : "policy '" + *policy_name_ + "': ";
  throw PolicyError(location(), prefix + message);
}

void Spec::allow_keys(const std::vector<std::string>& allowed, std::string_view what) const {
  if (!value_->is_object()) return;
  for (const auto& [key, unused] : value_->items()) {
    if (key == "type") continue;
    bool known = false;
    for (const auto& name : allowed) known = known || name == key;
    if (known) continue;
    std::string names;
    for (const auto& name : allowed) names += (names.empty() ? "" : ", ") + std::string(name);
    child(key).at_key().fail(
        "unknown key '" + key + "' in " + std::string(what) +
        (names.empty() ? " (it takes no options)" : " (allowed: " + names + ")"));
  }
}

std::string Spec::optional_string(std::string_view key, std::string fallback) const {
  if (!has(key)) return fallback;
  const Json& v = value_->at(key);
  if (!v.is_string())
    child(key).fail("'" + std::string(key) + "' must be a string, not " + json_type_name(v));
  return v.get<std::string>();
}

bool Spec::optional_bool(std::string_view key, bool fallback) const {
  if (!has(key)) return fallback;
  const Json& v = value_->at(key);
  if (!v.is_boolean())
    child(key).fail("'" + std::string(key) + "' must be true or false, not " + json_type_name(v));
  return v.get<bool>();
}

std::vector<std::string> Spec::string_list(std::string_view key) const {
  if (!has(key)) return {};
  const Json& value = value_->at(key);
  if (!value.is_array() ||
      !std::all_of(value.begin(), value.end(), [](const Json& item) { return item.is_string(); }))
    child(key).fail("'" + std::string(key) + "' must be a list of strings, not " + value.dump());
  return value.get<std::vector<std::string>>();
}

std::string Spec::required_string(std::string_view key) const {
  if (!has(key)) fail("'" + std::string(key) + "' is required");
  std::string value = optional_string(key);
  if (value.empty()) child(key).fail("'" + std::string(key) + "' must not be empty");
  return value;
}

std::string Spec::one_of(std::string_view key, const std::vector<std::string>& allowed,
                         std::optional<std::string> fallback) const {
  std::string choices;
  for (const auto& choice : allowed) choices += (choices.empty() ? "" : ", ") + choice;
  if (!has(key)) {
    if (fallback) return *fallback;
    fail("'" + std::string(key) + "' is required (one of: " + choices + ")");
  }
  std::string value = optional_string(key);
  if (std::find(allowed.begin(), allowed.end(), value) == allowed.end())
    child(key).fail("'" + std::string(key) + "' must be one of " + choices + ", not '" + value +
                    "'");
  return value;
}

}  // namespace custos::policy
