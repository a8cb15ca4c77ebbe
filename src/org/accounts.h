// The accounts of an organization in c7n-org's accounts file format (accounts: [{account_id,
// name, role, external_id, regions, tags, vars}], and the file's own vars as every account's
// defaults), read from a file or listed from Organizations.
#pragma once

#include <string>
#include <vector>

#include "aws/client.h"

namespace custos::org {

struct Account {
  std::string id;
  std::string name;  // the output folder's name; the id when none is given
  std::string email;
  std::string role;  // assumed to act in the account; empty: the caller's own credentials
  std::string external_id;
  std::vector<std::string> regions;
  std::vector<std::string> tags;  // "key:value" or "key"
  Json vars = Json::object();     // over the policy file's vars in this account (c7n-org's vars)
};

// Throws InputError with FILE:LINE:COL for what c7n-org would refuse.
std::vector<Account> load_accounts(const std::string& path);

// The organization's active accounts, with `role` ("{account_id}" filled in, or a role name
// made an ARN) as each one's role; tags from Organizations as key:value.
std::vector<Account> list_accounts(const aws::Client& client, const std::string& role);

// c7n-org's accounts file for `accounts`.
std::string accounts_yaml(const std::vector<Account>& accounts);

// Those with every one of `tags` (c7n-org's -t) and, when `names` is not empty, whose id or name
// is among them (-a).
std::vector<Account> selected_accounts(const std::vector<Account>& accounts,
                                       const std::vector<std::string>& names,
                                       const std::vector<std::string>& tags);

}  // namespace custos::org
