// Policy variables ({account_id}, {region}, {now:%Y-%m-%d}, file-level `vars:`) and their
// expansion in every string of a policy, as Cloud Custodian's get_variables/expand_variables.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "core/json.h"

namespace custos::aws {
class Client;
}

namespace custos::policy {

// The account id, fetched (e.g. with sts_account_id) the first time something needs it.
class AccountId {
 public:
  explicit AccountId(std::function<std::string()> fetch) : fetch_(std::move(fetch)) {}
  const std::string& get() const;

 private:
  std::function<std::string()> fetch_;
  mutable std::optional<std::string> id_;
};

// The caller's account, from STS GetCallerIdentity.
std::string sts_account_id(const aws::Client& client);

// Named values for str.format-style fields. Lazy ones are computed on first use only.
class Variables {
 public:
  void set(const std::string& name, Json value);
  void set_lazy(const std::string& name, std::function<Json()> compute);
  // Cloud Custodian's FormatDate: {now} is the time, {now:%Y-%m-%d+2d} strftime with offsets.
  void set_date(const std::string& name, std::chrono::system_clock::time_point time);
  // Formats back to itself ("{now}", "{now:%Y}"): expanded later by whoever runs the policy.
  void set_deferred(const std::string& name);

  struct Value;
  const Value* find(const std::string& name) const;

  ~Variables();
  Variables();
  Variables(Variables&&) noexcept;

 private:
  std::map<std::string, std::unique_ptr<Value>> values_;
};

// What Cloud Custodian's get_variables provides: `user` (the file's `vars:`) overlaid with
// account_id (lazy, from `account`), partition, region, policy, now (deferred in event modes)
// and the fields that actions expand later ({event}, {op}, {action_date}, ...).
Variables policy_variables(const Json& user, const Json& policy_data, const std::string& region,
                           const AccountId& account, bool event_mode);

// Python's `text.format(**vars)` with Cloud Custodian's VarFormat twist: a string that is one
// field without a format spec keeps the value's type ("{policy}" is a mapping). Unknown names
// and indexes leave the text as it is; malformed fields throw custos::InputError.
Json format_string(const std::string& text, const Variables& vars);

// format_string applied to every string value (not keys) of `data`, recursively.
Json format_string_values(const Json& data, const Variables& vars);

}  // namespace custos::policy
