#include "resources/policy_checker.h"

#include <fnmatch.h>

#include <algorithm>
#include <cctype>

#include "core/ascii.h"
#include "resources/statements.h"

namespace custos::resources {
namespace {

// One condition as Cloud Custodian normalizes it: the operator, its first key in lower case,
// and that key's values.
struct Condition {
  std::string op;
  std::string key;
  std::vector<std::string> values;
};

std::vector<std::string> strings_of(const Json& value) {
  std::vector<std::string> all;
  auto add = [&all](const Json& item) {
    all.push_back(item.is_string() ? item.get<std::string>() : item.dump());
  };
  if (value.is_array())
    std::for_each(value.begin(), value.end(), add);
  else
    add(value);
  return all;
}

// Cloud Custodian's normalize_conditions: only these operators (and the ForAllValues/
// ForAnyValues ones, as it spells them) are read, and of each only its first key (custos's
// documents keep keys sorted, so "first" is the first by name).
std::vector<Condition> normalized(const Json& statement) {
  static const std::set<std::string> kOperators = {
      "StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike", "IpAddress",
      "NotIpAddress"};
  std::vector<Condition> conditions;
  auto block = statement.find("Condition");
  if (block == statement.end() || !block->is_object()) return conditions;
  for (const auto& [op, keys] : block->items()) {
    if (!kOperators.count(op) && !op.starts_with("ForAllValues") && !op.starts_with("ForAnyValues"))
      continue;
    if (!keys.is_object() || keys.empty()) continue;
    conditions.push_back({op, lowercase(keys.begin().key()), strings_of(keys.begin().value())});
  }
  return conditions;
}

bool any_outside(const std::vector<std::string>& values, const std::set<std::string>& allowed) {
  return std::any_of(values.begin(), values.end(),
                     [&](const std::string& value) { return !allowed.count(account_in(value)); });
}

}  // namespace

std::string account_in(const std::string& arn) {
  if (std::count(arn.begin(), arn.end(), ':') < 4) return arn;
  std::size_t at = 0;
  for (int i = 0; i < 4; ++i) at = arn.find(':', at) + 1;
  return arn.substr(at, arn.find(':', at) - at);
}

PolicyChecker::PolicyChecker(CheckerConfig config) : config_(std::move(config)) {
  // As Cloud Custodian, which compares them with the condition keys it lower-cases.
  std::set<std::string> conditions;
  for (const auto& key : config_.whitelist_conditions) conditions.insert(lowercase(key));
  config_.whitelist_conditions = std::move(conditions);
}

Json PolicyChecker::violations(const Json& policy) const {
  Json found = Json::array();
  for (const Json& statement : policy_statements(policy))
    if (statement.is_object() && violates(statement)) found.push_back(statement);
  return found;
}

bool PolicyChecker::violates(const Json& statement) const {
  return principal_outside(statement) && statement.value("Effect", "") == "Allow" &&
         grants_checked_action(statement) && !conditions_allow(statement);
}

bool PolicyChecker::principal_outside(const Json& statement) const {
  if (statement.contains("NotPrincipal")) return true;
  Json principals = statement.value("Principal", Json());
  if (principals.is_null() || principals.empty() || principals == "") return true;
  if (!principals.is_object()) principals = {{"AWS", principals}};
  // Service principals are AWS itself; the rest are judged together.
  std::set<std::string> others;
  for (const auto& [kind, ids] : principals.items())
    if (kind != "Service")
      for (const auto& id : strings_of(ids)) others.insert(id);
  if (others.empty()) return false;
  return std::any_of(others.begin(), others.end(), [this](const std::string& id) {
    if (id == "*") return true;
    if (config_.everyone_only || id.starts_with("arn:aws:iam::cloudfront:user")) return false;
    return !config_.allowed_accounts.count(account_in(id));
  });
}

bool PolicyChecker::grants_checked_action(const Json& statement) const {
  if (config_.check_actions.empty()) return true;
  // A NotAction statement grants all but what it names: custos counts it (Cloud Custodian
  // fails on it).
  if (!statement.contains("Action")) return true;
  // As Cloud Custodian (fnmatch.filter(check_actions, action)): the statement's action is the
  // pattern, so s3:* grants s3:GetObject.
  for (const auto& action : strings_of(statement["Action"]))
    for (const auto& checked : config_.check_actions)
      if (fnmatch(action.c_str(), checked.c_str(), 0) == 0) return true;
  return false;
}

bool PolicyChecker::conditions_allow(const Json& statement) const {
  std::vector<Condition> conditions = normalized(statement);
  if (conditions.empty()) return false;
  auto outside = [&](const Condition& c) -> std::optional<bool> {
    const std::string& key = c.key;
    if (key == "aws:sourceowner" || key == "aws:sourceaccount" || key == "aws:sourcearn")
      return any_outside(c.values, config_.allowed_accounts);
    if (key == "aws:sourceip") return false;
    if (key == "aws:sourcevpce")
      return !config_.allowed_vpce.empty() && any_outside(c.values, config_.allowed_vpce);
    if (key == "aws:sourcevpc")
      return !config_.allowed_vpc.empty() && any_outside(c.values, config_.allowed_vpc);
    if (key == "aws:principalorgid")
      return config_.allowed_orgids.empty() || any_outside(c.values, config_.allowed_orgids);
    if (!config_.service_conditions.count(key)) return std::nullopt;
    if (key == "kms:calleraccount") return any_outside(c.values, config_.allowed_accounts);
    if (key == "sns:protocol")
      return std::any_of(c.values.begin(), c.values.end(), [&](const std::string& protocol) {
        return !config_.allowed_protocols.count(protocol);
      });
    if (key == "sns:endpoint") {
      // Without allowed endpoints, SNS's default policy's aws:SourceOwner decides.
      if (config_.allowed_endpoints.empty())
        return std::none_of(conditions.begin(), conditions.end(),
                            [](const Condition& other) { return other.key == "aws:sourceowner"; });
      return std::any_of(c.values.begin(), c.values.end(), [&](const std::string& value) {
        return std::none_of(
            config_.allowed_endpoints.begin(), config_.allowed_endpoints.end(),
            [&](const std::string& endpoint) { return value.find(endpoint) != std::string::npos; });
      });
    }
    return false;  // kms:viaservice, kms:grantoperations: every value is fine
  };
  // Every condition must make the statement acceptable; one custos does not understand does not.
  return std::all_of(conditions.begin(), conditions.end(), [&](const Condition& c) {
    if (config_.whitelist_conditions.count(c.key)) return true;
    std::optional<bool> verdict = outside(c);
    return verdict.has_value() && !*verdict;
  });
}

}  // namespace custos::resources
