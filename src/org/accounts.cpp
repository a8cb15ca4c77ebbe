#include "org/accounts.h"

#include <algorithm>

#include "aws/endpoints.h"
#include "policy/spec.h"

namespace custos::org {
namespace {

std::vector<std::string> strings(const policy::Spec& spec, std::string_view key) {
  std::vector<std::string> items;
  if (!spec.has(key)) return items;
  policy::Spec list = spec.child(key);
  if (!list.value().is_array()) list.fail("'" + std::string(key) + "' must be a list of strings");
  for (std::size_t i = 0; i < list.value().size(); ++i) {
    policy::Spec item = list.element(i);
    if (!item.value().is_string()) item.fail("'" + std::string(key) + "' must hold strings");
    items.push_back(item.value().get<std::string>());
  }
  return items;
}

// `vars:` of the file or of an account: a mapping of names to values.
Json vars_of(const policy::Spec& spec) {
  if (!spec.has("vars")) return Json::object();
  policy::Spec vars = spec.child("vars");
  if (!vars.value().is_object()) vars.fail("'vars' must be a mapping of names to values");
  return vars.value();
}

// `defaults`: the file's own vars, which an account's vars of the same name override (c7n-org).
Account account_of(const policy::Spec& spec, const Json& defaults) {
  if (!spec.value().is_object()) spec.fail("an account must be a mapping with an account_id");
  spec.allow_keys({"account_id", "name", "email", "role", "external_id", "regions", "tags", "vars"},
                  "an account");
  Account account;
  account.vars = defaults;
  account.vars.update(vars_of(spec));
  if (!spec.has("account_id")) spec.fail("an account needs an account_id");
  const Json& id = spec.value()["account_id"];
  if (id.is_number_unsigned()) {
    account.id = std::to_string(id.get<unsigned long long>());
    // Unquoted in YAML, an id loses its leading zeros.
    if (account.id.size() < 12) account.id.insert(0, 12 - account.id.size(), '0');
  } else if (id.is_string()) {
    account.id = id.get<std::string>();
  } else {
    spec.child("account_id").fail("account_id must be a string of 12 digits");
  }
  if (account.id.size() != 12 || !std::all_of(account.id.begin(), account.id.end(), ::isdigit))
    spec.child("account_id").fail("account_id must be 12 digits, not '" + account.id + "'");
  account.name = spec.optional_string("name", account.id);
  account.email = spec.optional_string("email");
  account.role = spec.optional_string("role");
  account.external_id = spec.optional_string("external_id");
  account.regions = strings(spec, "regions");
  account.tags = strings(spec, "tags");
  return account;
}

std::string quoted(const std::string& text) { return Json(text).dump(); }

}  // namespace

std::vector<Account> load_accounts(const std::string& path) {
  auto source = policy::SourceDocument::load_file(path);
  policy::Spec root(source, Json::json_pointer(), "");
  if (!root.value().is_object() || !root.has("accounts") || !root.value()["accounts"].is_array())
    root.fail(
        "an accounts file needs 'accounts:', a list of {account_id, name, role, regions, "
        "tags} (c7n-org's format)");
  policy::Spec list = root.child("accounts");
  const Json defaults = vars_of(root);
  std::vector<Account> accounts;
  for (std::size_t i = 0; i < list.value().size(); ++i) {
    accounts.push_back(account_of(list.element(i), defaults));
    for (std::size_t j = 0; j + 1 < accounts.size(); ++j)
      if (accounts[j].name == accounts.back().name)
        list.element(i).fail("a second account named '" + accounts.back().name +
                             "' (names are output folders: they must differ)");
  }
  return accounts;
}

std::vector<Account> list_accounts(const aws::Client& client, const std::string& role) {
  std::vector<Account> accounts;
  Json listed = client.call_all("organizations", "ListAccounts");
  for (const Json& item : listed.value("Accounts", Json::array())) {
    if (item.value("Status", "") != "ACTIVE") continue;
    Account account;
    account.id = item.value("Id", "");
    account.name = item.value("Name", "");
    account.email = item.value("Email", "");
    if (!role.empty()) {
      account.role =
          role.starts_with("arn:")
              ? role
              : "arn:" + aws::EndpointResolver::standard().partition_of(client.session().region()) +
                    ":iam::{account_id}:role/" + role;
      auto at = account.role.find("{account_id}");
      if (at != std::string::npos) account.role.replace(at, 12, account.id);
    }
    Json tags =
        client.call_all("organizations", "ListTagsForResource", {{"ResourceId", account.id}});
    for (const Json& tag : tags.value("Tags", Json::array()))
      account.tags.push_back(tag.value("Key", "") + ":" + tag.value("Value", ""));
    accounts.push_back(std::move(account));
  }
  return accounts;
}

std::string accounts_yaml(const std::vector<Account>& accounts) {
  std::string out = "accounts:\n";
  for (const Account& a : accounts) {
    out += "- account_id: " + quoted(a.id) + "\n  name: " + quoted(a.name) + "\n";
    if (!a.email.empty()) out += "  email: " + quoted(a.email) + "\n";
    if (!a.role.empty()) out += "  role: " + quoted(a.role) + "\n";
    if (!a.tags.empty()) {
      out += "  tags:\n";
      for (const auto& tag : a.tags) out += "  - " + quoted(tag) + "\n";
    }
    if (!a.vars.empty()) {
      out += "  vars:\n";
      for (const auto& [name, value] : a.vars.items())
        out += "    " + name + ": " + value.dump() + "\n";
    }
  }
  return out;
}

std::vector<Account> selected_accounts(const std::vector<Account>& accounts,
                                       const std::vector<std::string>& names,
                                       const std::vector<std::string>& tags) {
  std::vector<Account> chosen;
  for (const Account& a : accounts) {
    bool named = names.empty() || std::find(names.begin(), names.end(), a.id) != names.end() ||
                 std::find(names.begin(), names.end(), a.name) != names.end();
    bool tagged = std::all_of(tags.begin(), tags.end(), [&](const std::string& tag) {
      return std::find(a.tags.begin(), a.tags.end(), tag) != a.tags.end();
    });
    if (named && tagged) chosen.push_back(a);
  }
  return chosen;
}

}  // namespace custos::org
