// aws.iam-user: IAM users as GetUser returns them (with Tags), Cloud Custodian's user filters
// (credential, access-key, login-profile, mfa-device, group, policy, ssh-key,
// service-specific-credentials) and actions (remove-keys, set-groups, delete, delete-ssh-keys),
// plus what users share with roles (resources/iam_principal.h).
#include <fmt/format.h>

#include <chrono>
#include <functional>
#include <set>

#include "policy/dates.h"
#include "policy/related_filter.h"
#include "policy/spec_numbers.h"
#include "policy/value_filter.h"
#include "resources/iam.h"
#include "resources/iam_credential_report.h"
#include "resources/iam_principal.h"
#include "resources/tag_actions.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::BuildContext;
using policy::FilterContext;
using policy::Spec;
using policy::undo_call;

Json user_param(const std::string& user) { return {{"UserName", user}}; }

// A list the user has (ListAccessKeys' AccessKeyMetadata, ...), every page.
Json listed(const aws::Client& client, const std::string& operation, const std::string& member,
            const std::string& user) {
  return client.call_all("iam", operation, user_param(user)).value(member, Json::array());
}

std::string ids_of(const Json& items, const char* field) {
  std::string out;
  for (const Json& item : items) out += (out.empty() ? "" : ", ") + item.value(field, "?");
  return out;
}

bool is_no_such_entity(const aws::AwsError& e) { return e.code() == "NoSuchEntity"; }

// The items of a JSON list that `keep` accepts.
Json only(const Json& items, const std::function<bool(const Json&)>& keep) {
  Json kept = Json::array();
  for (const Json& item : items)
    if (keep(item)) kept.push_back(item);
  return kept;
}

// A filter that annotates each user with data fetched for it and keeps those `keeps` accepts.
class UserDataFilter : public policy::AnnotatingFilter {
 public:
  std::vector<Json> process(std::vector<Json> resources,
                            const FilterContext& context) const override {
    std::vector<Json> kept;
    for (Json& resource : resources) {
      if (!resource.contains(annotation()))
        resource[annotation()] =
            fetch(policy::require_client(context, annotation()), resource.value("UserName", ""));
      if (!keeps(resource[annotation()], context)) continue;
      if (context.annotate && !matched_key().empty())
        resource["c7n:MatchedFilters"].push_back(matched_key());
      kept.push_back(std::move(resource));
    }
    return kept;
  }

 protected:
  virtual const std::string& annotation() const = 0;
  virtual Json fetch(const aws::Client& client, const std::string& user) const = 0;
  virtual bool keeps(const Json& data, const FilterContext& context) const = 0;
  // The key recorded in c7n:MatchedFilters when the user is kept (empty: none).
  virtual const std::string& matched_key() const { return kNone; }

 private:
  inline static const std::string kNone;
};

// login-profile: users with a console password (c7n:LoginProfile true). Cloud Custodian's
// schema admits value-filter options and then ignores them; custos refuses them.
class LoginProfile : public UserDataFilter {
 public:
  explicit LoginProfile(const Spec&) {}
  std::vector<std::string> permissions() const override { return {"iam:GetLoginProfile"}; }

 private:
  const std::string& annotation() const override { return kKey; }
  Json fetch(const aws::Client& client, const std::string& user) const override {
    try {
      client.call("iam", "GetLoginProfile", user_param(user));
      return true;
    } catch (const aws::AwsError& e) {
      if (is_no_such_entity(e)) return false;
      throw;
    }
  }
  bool keeps(const Json& data, const FilterContext&) const override { return data == true; }

  inline static const std::string kKey = "c7n:LoginProfile";
};

// mfa-device: a value filter on the user's MFADevices (ListMFADevices). As in Cloud Custodian
// the key is always MFADevices, whatever `key` says.
class MfaDevice : public UserDataFilter {
 public:
  explicit MfaDevice(const Spec& spec) : matcher_(spec, {.extra_keys = {}, .default_key = kKey}) {
    if (!matcher_.judges_found())
      spec.child("value_type").fail("value_type expr is not supported by mfa-device");
  }
  std::vector<std::string> permissions() const override { return {"iam:ListMFADevices"}; }

 private:
  const std::string& annotation() const override { return kKey; }
  const std::string& matched_key() const override { return kKey; }
  Json fetch(const aws::Client& client, const std::string& user) const override {
    return listed(client, "ListMFADevices", "MFADevices", user);
  }
  bool keeps(const Json& data, const FilterContext& context) const override {
    return matcher_.matches_found(&data, context);
  }

  inline static const std::string kKey = "MFADevices";
  policy::ValueMatcher matcher_;
};

// The managed policies a user has (c7n:Policies, GetPolicy's documents), with include-via
// also those of its groups.
Json user_policies(const aws::Client& client, const std::string& user, bool include_via) {
  std::vector<std::string> arns;
  for (const Json& policy : listed(client, "ListAttachedUserPolicies", "AttachedPolicies", user))
    arns.push_back(policy.value("PolicyArn", ""));
  if (include_via) {
    for (const Json& group : listed(client, "ListGroupsForUser", "Groups", user))
      for (const Json& policy : client
                                    .call_all("iam", "ListAttachedGroupPolicies",
                                              {{"GroupName", group.value("GroupName", "")}})
                                    .value("AttachedPolicies", Json::array()))
        arns.push_back(policy.value("PolicyArn", ""));
  }
  Json policies = Json::array();
  std::set<std::string> seen;
  for (const auto& arn : arns)
    if (seen.insert(arn).second)
      policies.push_back(client.call("iam", "GetPolicy", {{"PolicyArn", arn}})["Policy"]);
  return policies;
}

policy::FilterInfo policy_filter_info() {
  policy::FilterInfo info;
  info.factory = [](const Spec& spec, const BuildContext& context) -> policy::FilterPtr {
    if (!spec.value().is_object())
      spec.fail("write this filter as a mapping: {type: policy, key: ..., value: ...}");
    bool via = spec.optional_bool("include-via", false);
    policy::RelatedData related{.annotation_key = "c7n:Policies",
                                .fetch =
                                    [via](const Json& user, const aws::Client& client) {
                                      return user_policies(client, user.value("UserName", ""), via);
                                    },
                                .permissions = {"iam:ListAttachedUserPolicies", "iam:GetPolicy"}};
    if (via)
      related.permissions.insert(related.permissions.end(),
                                 {"iam:ListGroupsForUser", "iam:ListAttachedGroupPolicies"});
    return std::make_unique<policy::RelatedValueFilter>(
        spec, related,
        policy::ValueMatcher::Options{.extra_keys = {"include-via"}, .default_key = {}},
        context.block);
  };
  info.description =
      "A value filter over the managed policies attached to the user (include-via: and to its "
      "groups)";
  info.options = policy::value_filter_options({"include-via"});
  info.permissions = {"iam:ListAttachedUserPolicies", "iam:GetPolicy", "iam:ListGroupsForUser",
                      "iam:ListAttachedGroupPolicies"};
  return info;
}

// A related filter over one list the user has.
policy::FilterInfo user_list_filter(const std::string& annotation, const std::string& operation,
                                    const std::string& member, std::string description,
                                    const std::string& matched_key = {},
                                    const std::string& match_type = {}) {
  return policy::related_filter_info(
      {.annotation_key = annotation,
       .matched_key = matched_key,
       .match_type = match_type,
       .fetch =
           [operation, member](const Json& user, const aws::Client& client) {
             return listed(client, operation, member, user.value("UserName", ""));
           },
       .permissions = {"iam:" + operation},
       .match_operator = match_type == "access"},
      std::move(description));
}

// remove-keys: disable (disable: true) or delete the user's access keys: all of them, those
// older than `age` days, or (matched: true) those a filter or the GuardDuty finding named in
// c7n:matched-keys. Keys already inactive are left as they are.
class RemoveKeys : public policy::PerResourceAction {
 public:
  RemoveKeys(const Spec& spec, const BuildContext& context)
      : PerResourceAction("remove-keys"),
        disable_(spec.optional_bool("disable", false)),
        matched_(spec.optional_bool("matched", false)),
        age_(policy::number_option(spec, "age", 0)) {
    if (matched_ && age_ != 0)
      spec.child("age").at_key().fail(
          "remove-keys cannot mix matched and age (as Cloud Custodian): filter the keys by age "
          "with an access-key or credential filter instead");
    std::set<std::string> types;
    if (context.policy) types = policy::filter_types(context.policy->value("filters", Json()));
    if (types.count("credential") && types.count("access-key"))
      spec.fail(
          "remove-keys cannot act on a policy that mixes credential and access-key filters (as "
          "Cloud Custodian refuses it): their matched keys name keys differently");
  }

 private:
  ActionRecord apply(const Json& user, ActionContext& context) const override {
    std::string name = context.id_of(user);
    Json keys = listed(context.client, "ListAccessKeys", "AccessKeyMetadata", name);
    Json selected =
        matched_ ? resolve_matched_keys(user.value("c7n:matched-keys", Json()), keys) : keys;
    if (age_ > 0) selected = only(selected, [&](const Json& key) { return old_enough(key); });
    if (selected.empty())
      return ActionRecord::unchanged("remove-keys", name, nothing_selected(keys));
    ActionRecord record{"remove-keys", name};
    record.before = {{"AccessKeys", Json::array()}};
    record.after = {{"AccessKeys", Json::array()}};
    std::vector<std::string> done, left;
    bool deleted = false;
    for (const Json& key : selected) {
      std::string id = key.value("AccessKeyId", "");
      if (!key.contains("Status")) {
        left.push_back(id + " no longer exists");
        continue;
      }
      std::string status = key.value("Status", "");
      record.before["AccessKeys"].push_back({{"AccessKeyId", id}, {"Status", status}});
      Json params = {{"UserName", name}, {"AccessKeyId", id}};
      if (disable_ && status == "Inactive") {
        left.push_back(id + " already Inactive");
        continue;
      }
      if (disable_) {
        params["Status"] = "Inactive";
        context.client.call("iam", "UpdateAccessKey", params);
        params["Status"] = "Active";
        record.undo.push_back(undo_call("iam", "UpdateAccessKey", params));
        done.push_back("disabled " + id + " (was " + status + ")");
      } else {
        context.client.call("iam", "DeleteAccessKey", params);
        deleted = true;
        done.push_back("deleted " + id + " (was " + status + ")");
      }
      record.after["AccessKeys"].push_back(
          {{"AccessKeyId", id}, {"Status", disable_ ? "Inactive" : "deleted"}});
    }
    std::string summary;
    for (const auto& part : done) summary += (summary.empty() ? "" : "; ") + part;
    for (const auto& part : left) summary += (summary.empty() ? "" : "; ") + part;
    if (done.empty()) return ActionRecord::unchanged("remove-keys", name, summary);
    record.summary = summary;
    std::string expect;
    for (const Json& key : record.after["AccessKeys"]) {
      std::string id = policy::jmespath_literal(key["AccessKeyId"]);
      expect +=
          (expect.empty() ? "" : " && ") +
          (deleted ? "length(AccessKeyMetadata[?AccessKeyId==" + id + "]) == `0`"
                   : "AccessKeyMetadata[?AccessKeyId==" + id + "].Status | [0] == `\"Inactive\"`");
    }
    record.check = policy::check_call("iam", "ListAccessKeys", {{"UserName", name}}, expect);
    if (deleted) {
      record.undo = nullptr;
      record.summary += " (cannot be undone: a deleted key's secret is gone for good)";
    }
    return record;
  }

  bool old_enough(const Json& key) const {
    auto created = policy::parse_datetime(key.value("CreateDate", ""));
    auto threshold = std::chrono::system_clock::now() -
                     std::chrono::duration_cast<std::chrono::system_clock::duration>(
                         std::chrono::duration<double>(age_ * 86400));
    return created && *created < threshold;
  }

  std::string nothing_selected(const Json& keys) const {
    if (matched_)
      return "none of its access keys matched (matched: true acts only on keys a filter or the "
             "finding named)";
    if (keys.empty()) return "no access keys";
    return "no access keys older than " + fmt::format("{}", age_) + " days";
  }

  bool disable_;
  bool matched_;
  double age_;
};

// set-groups: add the user to `group` (state: add) or remove it (state: remove).
class SetGroups : public policy::PerResourceAction {
 public:
  explicit SetGroups(const Spec& spec)
      : PerResourceAction("set-groups"),
        add_(spec.one_of("state", {"add", "remove"}) == "add"),
        group_(spec.required_string("group")) {}

 private:
  ActionRecord apply(const Json& user, ActionContext& context) const override {
    std::string name = context.id_of(user);
    Json groups = listed(context.client, "ListGroupsForUser", "Groups", name);
    Json names = Json::array();
    for (const Json& group : groups) names.push_back(group.value("GroupName", ""));
    bool member = std::find(names.begin(), names.end(), group_) != names.end();
    if (member == add_)
      return ActionRecord::unchanged("set-groups", name,
                                     (add_ ? "already in group " : "not in group ") + group_);
    Json params = {{"UserName", name}, {"GroupName", group_}};
    context.client.call("iam", add_ ? "AddUserToGroup" : "RemoveUserFromGroup", params);
    ActionRecord record{"set-groups", name};
    record.before = {{"Groups", names}};
    record.summary = (add_ ? "added to group " : "removed from group ") + group_;
    record.undo =
        Json::array({undo_call("iam", add_ ? "RemoveUserFromGroup" : "AddUserToGroup", params)});
    return record;
  }

  bool add_;
  std::string group_;
};

// What `delete` removed of one kind: what there was, and how to put it back (null: it cannot
// come back, `why_final` says why). No `before` means there was nothing to remove.
struct Removed {
  Json before = nullptr;
  std::string what{};
  Json undo = Json::array();
  std::string why_final{};
};

Removed remove_console_access(const aws::Client& client, const std::string& user) {
  Json profile;
  try {
    profile = client.call("iam", "GetLoginProfile", user_param(user)).value("LoginProfile", Json());
  } catch (const aws::AwsError& e) {
    if (is_no_such_entity(e)) return {};
    throw;
  }
  client.call("iam", "DeleteLoginProfile", user_param(user));
  return {profile, "console password (login profile)", nullptr, "the password is gone"};
}

// Deletes each item of a list the user has with `remove(item)`; `restore(item)` gives the
// call that brings it back, or null when nothing can.
Removed remove_listed(const aws::Client& client, const std::string& user,
                      const std::string& list_operation, const std::string& member,
                      const char* id_field, const std::string& what,
                      const std::function<void(const Json&)>& remove,
                      const std::function<Json(const Json&)>& restore, std::string why_final = {}) {
  Json items = listed(client, list_operation, member, user);
  if (items.empty()) return {};
  Removed removed{items, what + " " + ids_of(items, id_field), Json::array(), why_final};
  for (const Json& item : items) {
    Json undo = restore(item);  // before the item goes (it may read it)
    remove(item);
    if (undo.is_null())
      removed.undo = nullptr;
    else if (removed.undo.is_array())
      removed.undo.push_back(std::move(undo));
  }
  return removed;
}

Removed remove_access_keys(const aws::Client& client, const std::string& user) {
  return remove_listed(
      client, user, "ListAccessKeys", "AccessKeyMetadata", "AccessKeyId", "access keys",
      [&](const Json& key) {
        client.call("iam", "DeleteAccessKey",
                    {{"UserName", user}, {"AccessKeyId", key.value("AccessKeyId", "")}});
      },
      [](const Json&) { return Json(); }, "a deleted key's secret is gone for good");
}

Removed remove_attached_policies(const aws::Client& client, const std::string& user) {
  Principal principal("User");
  Json attached = principal.attached_policies(client, user);
  if (attached.empty()) return {};
  return {attached, "managed policies " + ids_of(attached, "PolicyArn"),
          principal.detach(client, user, attached)};
}

Removed remove_inline_policies(const aws::Client& client, const std::string& user) {
  Principal principal("User");
  Json policies = principal.inline_policies(client, user);
  if (policies.empty()) return {};
  std::string names;
  for (const auto& [name, unused] : policies.items()) names += (names.empty() ? "" : ", ") + name;
  return {policies, "inline policies " + names, principal.delete_inline(client, user, policies)};
}

Removed remove_mfa_devices(const aws::Client& client, const std::string& user) {
  return remove_listed(
      client, user, "ListMFADevices", "MFADevices", "SerialNumber", "MFA devices",
      [&](const Json& device) {
        client.call("iam", "DeactivateMFADevice",
                    {{"UserName", user}, {"SerialNumber", device.value("SerialNumber", "")}});
      },
      [](const Json&) { return Json(); }, "enabling a device again needs two codes from it");
}

Removed remove_groups(const aws::Client& client, const std::string& user) {
  auto params = [&](const Json& group) {
    return Json{{"UserName", user}, {"GroupName", group.value("GroupName", "")}};
  };
  return remove_listed(
      client, user, "ListGroupsForUser", "Groups", "GroupName", "groups",
      [&](const Json& group) { client.call("iam", "RemoveUserFromGroup", params(group)); },
      [&](const Json& group) { return undo_call("iam", "AddUserToGroup", params(group)); });
}

Json ssh_key_params(const std::string& user, const Json& key) {
  return {{"UserName", user}, {"SSHPublicKeyId", key.value("SSHPublicKeyId", "")}};
}

// Uploading the public key body again restores an SSH key (under a new id).
Json restore_ssh_key(const aws::Client& client, const std::string& user, const Json& key) {
  Json params = ssh_key_params(user, key);
  params["Encoding"] = "SSH";
  Json body = client.call("iam", "GetSSHPublicKey", params)["SSHPublicKey"]["SSHPublicKeyBody"];
  return undo_call("iam", "UploadSSHPublicKey", {{"UserName", user}, {"SSHPublicKeyBody", body}});
}

Removed remove_ssh_keys(const aws::Client& client, const std::string& user) {
  return remove_listed(
      client, user, "ListSSHPublicKeys", "SSHPublicKeys", "SSHPublicKeyId", "SSH keys",
      [&](const Json& key) { client.call("iam", "DeleteSSHPublicKey", ssh_key_params(user, key)); },
      [&](const Json& key) { return restore_ssh_key(client, user, key); });
}

Removed remove_signing_certificates(const aws::Client& client, const std::string& user) {
  return remove_listed(
      client, user, "ListSigningCertificates", "Certificates", "CertificateId",
      "signing certificates",
      [&](const Json& cert) {
        client.call("iam", "DeleteSigningCertificate",
                    {{"UserName", user}, {"CertificateId", cert.value("CertificateId", "")}});
      },
      [&](const Json& cert) {
        return undo_call("iam", "UploadSigningCertificate",
                         {{"UserName", user}, {"CertificateBody", cert["CertificateBody"]}});
      });
}

Removed remove_service_credentials(const aws::Client& client, const std::string& user) {
  return remove_listed(
      client, user, "ListServiceSpecificCredentials", "ServiceSpecificCredentials",
      "ServiceSpecificCredentialId", "service-specific credentials",
      [&](const Json& credential) {
        client.call(
            "iam", "DeleteServiceSpecificCredential",
            {{"UserName", user},
             {"ServiceSpecificCredentialId", credential.value("ServiceSpecificCredentialId", "")}});
      },
      [](const Json&) { return Json(); }, "the service password is gone");
}

using Remover = Removed (*)(const aws::Client&, const std::string&);

// Cloud Custodian's UserDelete.ORDERED_OPTIONS, in its order.
const std::vector<std::pair<std::string, Remover>> kRemovers = {
    {"console-access", remove_console_access},
    {"access-keys", remove_access_keys},
    {"attached-user-policies", remove_attached_policies},
    {"inline-user-policies", remove_inline_policies},
    {"mfa-devices", remove_mfa_devices},
    {"groups", remove_groups},
    {"ssh-keys", remove_ssh_keys},
    {"signing-certificates", remove_signing_certificates},
    {"service-specific-credentials", remove_service_credentials},
};

// delete: with options, remove those things from the user (one record each); without, remove
// all of them and then the user itself, which cannot be undone.
class DeleteUser : public policy::PerResourceAction {
 public:
  explicit DeleteUser(const Spec& spec) : PerResourceAction("delete") {
    if (!spec.has("options")) return;
    Spec list = spec.child("options");
    if (!list.value().is_array() || list.value().empty())
      list.fail("'options' must be a non-empty list of what to delete (" + known() + ")");
    std::set<std::string> chosen;
    for (std::size_t i = 0; i < list.value().size(); ++i) {
      Spec item = list.element(i);
      std::string option = item.value().is_string() ? item.value().get<std::string>() : "";
      if (option == "user-policies") {
        chosen.insert({"attached-user-policies", "inline-user-policies"});
        continue;
      }
      if (!std::any_of(kRemovers.begin(), kRemovers.end(),
                       [&](const auto& r) { return r.first == option; }))
        item.fail("unknown delete option " + item.value().dump() + " (options: " + known() +
                  ", user-policies)");
      chosen.insert(option);
    }
    for (const auto& [option, remover] : kRemovers)
      if (chosen.count(option)) options_.push_back(option);
  }

  std::vector<ActionRecord> process(const std::vector<Json>& users,
                                    ActionContext& context) const override {
    if (options_.empty()) return PerResourceAction::process(users, context);
    std::vector<ActionRecord> records;
    for (const Json& user : users) {
      std::string name = context.id_of(user);
      for (const auto& option : options_) {
        try {
          context.emit(records, remove_one(option, name, context.client));
        } catch (const Error& e) {
          context.emit(records, ActionRecord::failed("delete", name, e));
        }
      }
    }
    return records;
  }

 private:
  static std::string known() {
    std::string names;
    for (const auto& [option, unused] : kRemovers) names += (names.empty() ? "" : ", ") + option;
    return names;
  }

  static Remover remover(const std::string& option) {
    for (const auto& [name, remove] : kRemovers)
      if (name == option) return remove;
    throw Error("internal: no delete option " + option);
  }

  static ActionRecord remove_one(const std::string& option, const std::string& user,
                                 const aws::Client& client) {
    Removed removed = remover(option)(client, user);
    if (removed.before.is_null())
      return ActionRecord::unchanged("delete", user, option + ": nothing to delete");
    ActionRecord record{"delete", user};
    record.before = {{option, removed.before}};
    record.after = {{option, nullptr}};
    record.summary = option + ": deleted " + removed.what;
    record.undo = removed.undo;
    if (removed.undo.is_null()) record.summary += " (cannot be undone: " + removed.why_final + ")";
    return record;
  }

  // The whole user: everything it has first (AWS refuses to delete a user that has any), then
  // the user.
  ActionRecord apply(const Json& user, ActionContext& context) const override {
    std::string name = context.id_of(user);
    ActionRecord record{"delete", name};
    record.before = {{"User", user}};
    for (const auto& [option, remove] : kRemovers) {
      Removed removed = remove(context.client, name);
      if (!removed.before.is_null()) record.before[option] = removed.before;
    }
    try {
      context.client.call("iam", "DeleteUser", user_param(name));
    } catch (const aws::AwsError& e) {
      if (is_no_such_entity(e)) return ActionRecord::unchanged("delete", name, "already deleted");
      throw;
    }
    record.after = {{"User", nullptr}};
    record.summary =
        "deleted user " + name +
        " (cannot be undone: a new user of that name gets a new id and no keys; `before` lists "
        "what it had)";
    record.undo = nullptr;
    return record;
  }

  std::vector<std::string> options_;  // empty: the whole user
};

// delete-ssh-keys: delete (or, with disable: true, deactivate) the user's SSH public keys, or
// with matched: true those an ssh-key filter matched.
class DeleteSshKeys : public policy::PerResourceAction {
 public:
  explicit DeleteSshKeys(const Spec& spec)
      : PerResourceAction("delete-ssh-keys"),
        disable_(spec.optional_bool("disable", false)),
        matched_(spec.optional_bool("matched", false)) {}

 private:
  ActionRecord apply(const Json& user, ActionContext& context) const override {
    std::string name = context.id_of(user);
    Json keys = listed(context.client, "ListSSHPublicKeys", "SSHPublicKeys", name);
    if (matched_) {
      Json wanted = user.value("c7n:matched-ssh-keys", Json::array());
      keys = only(keys, [&](const Json& key) {
        return std::any_of(wanted.begin(), wanted.end(), [&](const Json& item) {
          return item.value("SSHPublicKeyId", "") == key.value("SSHPublicKeyId", "");
        });
      });
    }
    if (disable_)
      keys = only(keys, [](const Json& key) { return key.value("Status", "") != "Inactive"; });
    if (keys.empty())
      return ActionRecord::unchanged("delete-ssh-keys", name,
                                     disable_ ? "no active SSH keys" : "no SSH keys");
    ActionRecord record{"delete-ssh-keys", name};
    record.before = {{"SSHPublicKeys", keys}};
    for (const Json& key : keys) {
      Json params = ssh_key_params(name, key);
      if (disable_) {
        params["Status"] = "Inactive";
        context.client.call("iam", "UpdateSSHPublicKey", params);
        params["Status"] = "Active";
        record.undo.push_back(undo_call("iam", "UpdateSSHPublicKey", params));
      } else {
        record.undo.push_back(restore_ssh_key(context.client, name, key));
        context.client.call("iam", "DeleteSSHPublicKey", params);
      }
    }
    record.summary =
        (disable_ ? "deactivated SSH keys " : "deleted SSH keys ") + ids_of(keys, "SSHPublicKeyId");
    return record;
  }

  bool disable_;
  bool matched_;
};

std::vector<std::string> delete_permissions() {
  std::vector<std::string> permissions = {"iam:GetLoginProfile",
                                          "iam:DeleteLoginProfile",
                                          "iam:ListAccessKeys",
                                          "iam:DeleteAccessKey",
                                          "iam:ListAttachedUserPolicies",
                                          "iam:DetachUserPolicy",
                                          "iam:ListUserPolicies",
                                          "iam:GetUserPolicy",
                                          "iam:DeleteUserPolicy",
                                          "iam:ListMFADevices",
                                          "iam:DeactivateMFADevice",
                                          "iam:ListGroupsForUser",
                                          "iam:RemoveUserFromGroup",
                                          "iam:ListSSHPublicKeys",
                                          "iam:GetSSHPublicKey",
                                          "iam:DeleteSSHPublicKey",
                                          "iam:ListSigningCertificates",
                                          "iam:DeleteSigningCertificate",
                                          "iam:ListServiceSpecificCredentials",
                                          "iam:DeleteServiceSpecificCredential",
                                          "iam:DeleteUser"};
  return permissions;
}

}  // namespace

void register_iam_user(policy::Registry& registry) {
  // Cloud Custodian's DescribeUser.augment: the document is GetUser's, which has the tags.
  policy::ResourceType type = iam_type("User", "UserName", "UserName");
  // The key the finding names goes into c7n:matched-keys, so remove-keys with matched: true acts
  // on that key alone (Cloud Custodian writes a c7n:AccessKeys mapping that its own remove-keys
  // cannot read).
  type.guard_duty = {{.resource_type = "AccessKey",
                      .when = "detail.resource.accessKeyDetails.userType == 'IAMUser'",
                      .ids = "detail.resource.accessKeyDetails.userName",
                      .annotate = "{\"c7n:matched-keys\": [{AccessKeyId: "
                                  "detail.resource.accessKeyDetails.accessKeyId, "
                                  "\"c7n:match-type\": 'guard-duty'}]}"}};
  type.report_fields = {"UserName", "CreateDate"};
  registry.add_resource(std::move(type));
  const std::string user = "aws.iam-user";
  registry.add_filter(user, "credential", credential_filter_info());
  registry.add_filter(user, "access-key",
                      user_list_filter("c7n:AccessKeys", "ListAccessKeys", "AccessKeyMetadata",
                                       "A value filter over the user's access keys (matched "
                                       "keys in c7n:matched-keys; match-operator)",
                                       "c7n:matched-keys", "access"));
  registry.add_filter(user, "group",
                      user_list_filter("c7n:Groups", "ListGroupsForUser", "Groups",
                                       "A value filter over the user's groups"));
  registry.add_filter(
      user, "ssh-key",
      user_list_filter("c7n:SSHKeys", "ListSSHPublicKeys", "SSHPublicKeys",
                       "A value filter over the user's SSH public keys", "c7n:matched-ssh-keys"));
  registry.add_filter(
      user, "service-specific-credentials",
      user_list_filter("c7n:ServiceSpecificCredentials", "ListServiceSpecificCredentials",
                       "ServiceSpecificCredentials",
                       "A value filter over the user's service-specific credentials",
                       "c7n:matched-service-specific-credentials"));
  registry.add_filter(user, "policy", policy_filter_info());
  registry.add_filter(user, "login-profile",
                      policy::filter_info<LoginProfile>({}, "Users with a console password",
                                                        {"iam:GetLoginProfile"}));
  registry.add_filter(
      user, "mfa-device",
      policy::filter_info<MfaDevice>(policy::value_filter_options(),
                                     "A value filter on the user's MFADevices (the key is always "
                                     "MFADevices)",
                                     {"iam:ListMFADevices"}));

  registry.add_action(
      user, "remove-keys",
      policy::action_info<RemoveKeys>(
          {"disable", "matched", "age"},
          {"iam:ListAccessKeys", "iam:UpdateAccessKey", "iam:DeleteAccessKey"},
          "Disable (disable: true) or delete access keys: all, older than age days, or "
          "(matched: true) those in c7n:matched-keys"));
  registry.add_action(
      user, "set-groups",
      policy::action_info<SetGroups>(
          {"state", "group"},
          {"iam:ListGroupsForUser", "iam:AddUserToGroup", "iam:RemoveUserFromGroup"},
          "Add the user to a group (state: add) or remove it (state: remove)"));
  registry.add_action(
      user, "delete",
      policy::action_info<DeleteUser>(
          {"options"}, delete_permissions(),
          "Delete the user (irreversible), or with options only those things: console-access, "
          "access-keys, attached-user-policies, inline-user-policies, mfa-devices, groups, "
          "ssh-keys, signing-certificates, service-specific-credentials, user-policies"));
  registry.add_action(user, "delete-ssh-keys",
                      policy::action_info<DeleteSshKeys>(
                          {"matched", "disable"},
                          {"iam:ListSSHPublicKeys", "iam:GetSSHPublicKey", "iam:UpdateSSHPublicKey",
                           "iam:DeleteSSHPublicKey"},
                          "Delete (or with disable: true deactivate) the user's SSH keys"));
  register_principal_policies(registry, user, Principal("User"));
  register_tag_actions(registry, user);
}

}  // namespace custos::resources
