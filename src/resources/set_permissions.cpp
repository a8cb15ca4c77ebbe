// set-permissions (Cloud Custodian's SetPermissions of ebs-snapshot, ami, rds-snapshot and
// rds-cluster-snapshot), ami's remove-launch-permissions, catalog-portfolio's
// remove-shared-accounts and redshift-snapshot's revoke-access: stops sharing a resource with
// `remove` (account ids, "all" for everyone, organization ARNs where the type takes them, or
// matched: those cross-account found) and shares it with `add`; with neither, stops all sharing
// (Cloud Custodian resets the attribute; custos removes each grantee, which undo can put back).
// Every type whose ResourceType::Access says how to share it (`share`) gets it.
#include <algorithm>
#include <cctype>

#include "core/lists.h"
#include "jmespath/jmespath.h"
#include "policy/describe.h"
#include "policy/filter.h"
#include "resources/cross_account.h"
#include "resources/param_paths.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::ResourceType;
using policy::Spec;
using Share = ResourceType::Access::Share;
using Ids = std::vector<std::string>;

bool is_account(const std::string& id) {
  return id.size() == 12 &&
         std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool is_organization(const std::string& id) {
  return id.starts_with("arn:") && id.find(":organization/") != std::string::npos;
}

bool is_unit(const std::string& id) {
  return id.starts_with("arn:") && id.find(":ou/") != std::string::npos;
}

// The parameter of EC2's modify call that lists grantees of `who`'s kind.
const std::string& ec2_param(const Share& share, const std::string& who) {
  if (who == "all") return share.everyone_param;
  if (is_organization(who)) return share.organizations_param;
  if (is_unit(who)) return share.units_param;
  return share.accounts_param;
}

class SetSharePermissions : public policy::PerResourceAction {
 public:
  SetSharePermissions(const Spec& spec, const policy::BuildContext& context,
                      std::string name = "set-permissions")
      : PerResourceAction(std::move(name)),
        type_(context.resource),
        access_(*context.resource.access),
        share_(*access_.share),
        shared_with_(jmespath::Expression::compile(access_.shared_with)),
        share_params_(compiled(share_.params)),
        read_params_(compiled(access_.call.params)) {
    if (spec.has("add")) add_ = grantees(spec.child("add"), "add");
    if (spec.has("remove")) {
      Spec remove = spec.child("remove");
      if (remove.value() == "matched") {
        matched_ = true;
        if (context.policy &&
            !policy::filter_types(context.policy->value("filters", Json())).count("cross-account"))
          remove.fail("remove: matched needs a cross-account filter in the policy");
      } else {
        remove_ = grantees(remove, "remove");
      }
    }
    reset_ = !spec.has("add") && !spec.has("remove");
    // Cloud Custodian's set-sharing without either changes nothing: never read as "everyone out".
    if (reset_ && this->name() == "set-sharing") spec.fail("set-sharing needs add or remove");
  }

 private:
  bool takes_organizations() const {
    return share_.add_param.empty() && !share_.organizations_param.empty();
  }

  Ids grantees(const Spec& list, const std::string& key) const {
    std::string kinds = takes_organizations()
                            ? "12-digit account ids, all, or organization or unit ARNs"
                            : "12-digit account ids or all";
    if (!list.value().is_array())
      list.fail("'" + key + "' must be " + (key == "remove" ? "matched or " : "") + "a list of " +
                kinds);
    Ids ids;
    for (std::size_t i = 0; i < list.value().size(); ++i) {
      const Json& id = list.value()[i];
      std::string text = id.is_string() ? id.get<std::string>() : "";
      bool known = text == "all" || is_account(text) ||
                   (takes_organizations() && (is_organization(text) || is_unit(text)));
      if (!known) list.element(i).fail("'" + key + "' takes " + kinds);
      ids.push_back(text);
    }
    return ids;
  }

  // Who may use the resource now, read again rather than taken from the listing.
  Ids shared_now(const Json& resource, const aws::Client& client) const {
    Json fresh = resource;
    if (!access_.call.key.empty()) fresh.erase(access_.call.key);
    policy::complete_with(type_, access_.call, client, fresh);
    Json shared = shared_with_.search(fresh);
    Ids ids;
    for (const Json& who : shared.is_array() ? shared : Json::array())
      if (who.is_string() && !contains(ids, who.get<std::string>())) ids.push_back(who);
    return ids;
  }

  // The modify call's parameters that grant (`adding`) or take away what `who` names.
  Json change(const Json& resource, bool adding, const Ids& who) const {
    Json params = evaluate(share_params_, resource);
    if (!share_.add_param.empty()) {
      params[adding ? share_.add_param : share_.remove_param] = who;
      return params;
    }
    params["OperationType"] = adding ? "add" : "remove";
    for (const auto& id : who) params[ec2_param(share_, id)].push_back(id);
    return params;
  }

  // The detail call's answer holds `who` (or, `held` false, does not).
  std::string expectation(const Ids& who, bool held) const {
    std::string expect;
    for (const auto& id : who)
      expect += (expect.empty() ? "" : " && ") + std::string(held ? "" : "!") + "contains(" +
                (access_.call.select.empty() ? "@" : access_.call.select) + ", " +
                policy::jmespath_literal(id) + ")";
    return expect;
  }

  ActionRecord apply(const Json& resource, ActionContext& context) const override {
    const aws::Client& client = context.client_for(resource);
    std::string id = context.id_of(resource);
    Ids now = shared_now(resource, client);
    Ids wanted_out = reset_ ? now
                     : matched_
                         ? resource.value("c7n:CrossAccountViolations", Json::array()).get<Ids>()
                         : remove_;
    Ids out, in;
    for (const auto& who : wanted_out)
      if (contains(now, who) && !contains(out, who)) out.push_back(who);
    for (const auto& who : add_)
      if (!contains(now, who) && !contains(in, who)) in.push_back(who);
    if (out.empty() && in.empty())
      return ActionRecord::unchanged(
          name(), id,
          now.empty() ? "not shared with anyone" : "already shared with " + joined(now) + " only");
    const std::string& service = type_.service_of(access_.call.service);
    const std::string& region = client.session().region();
    ActionRecord record{name(), id};
    record.before = {{"SharedWith", now}};
    record.undo = Json::array();
    for (const auto& [adding, who] : {std::pair{false, out}, std::pair{true, in}}) {
      if (who.empty()) continue;
      client.call(service, share_.operation, change(resource, adding, who));
      record.undo.push_back(
          policy::undo_call(service, share_.operation, change(resource, !adding, who), region));
    }
    Ids after;
    for (const auto& who : now)
      if (!contains(out, who)) after.push_back(who);
    after.insert(after.end(), in.begin(), in.end());
    record.after = {{"SharedWith", after}};
    record.summary = (out.empty() ? "" : "stopped sharing with " + joined(out)) +
                     (out.empty() || in.empty() ? "" : "; ") +
                     (in.empty() ? "" : "shared with " + joined(in));
    std::string expect = expectation(out, false);
    if (!in.empty()) expect += (expect.empty() ? "" : " && ") + expectation(in, true);
    record.check = policy::check_call(service, access_.call.operation,
                                      evaluate(read_params_, resource), expect, region);
    return record;
  }

  const ResourceType& type_;
  const ResourceType::Access& access_;
  const Share& share_;
  jmespath::Expression shared_with_;
  ParamPaths share_params_, read_params_;  // the modify call's and the read's, over the resource

 protected:
  Ids add_;
  Ids remove_;
  bool matched_ = false;
  bool reset_ = false;
};

// remove-launch-permissions on aws.ami (Cloud Custodian's deprecated RemoveLaunchPermissions):
// without `accounts` stops all sharing (Cloud Custodian resets the attribute; custos removes
// each grantee, which undo can put back); `accounts: matched` those cross-account found (it
// needs that filter); or one 12-digit account id.
class RemoveLaunchPermissions : public SetSharePermissions {
 public:
  RemoveLaunchPermissions(const Spec& spec, const policy::BuildContext& context)
      : SetSharePermissions(spec, context, "remove-launch-permissions") {
    if (!spec.has("accounts")) return;
    Spec accounts = spec.child("accounts");
    const std::string text =
        accounts.value().is_string() ? accounts.value().get<std::string>() : "";
    reset_ = false;
    if (text == "matched") {
      matched_ = true;
      if (context.policy &&
          !policy::filter_types(context.policy->value("filters", Json())).count("cross-account"))
        accounts.fail("accounts: matched needs a cross-account filter in the policy");
    } else if (is_account(text)) {
      remove_ = {text};
    } else {
      accounts.fail("'accounts' takes matched or a 12-digit account id, not " +
                    (accounts.value().is_string() ? "'" + text + "'"
                                                  : policy::json_type_name(accounts.value())));
    }
  }
};

// set-sharing on aws.ssm-document: Cloud Custodian's name for set-permissions there.
class SetSharing : public SetSharePermissions {
 public:
  SetSharing(const Spec& spec, const policy::BuildContext& context)
      : SetSharePermissions(spec, context, "set-sharing") {}
};

// remove-shared-accounts on aws.catalog-portfolio (Cloud Custodian's RemoveSharedAccounts):
// DeletePortfolioShare for each account of `accounts` (a list of 12-digit ids, or matched: those
// cross-account found) the portfolio is shared with now; the undo shares again
// (CreatePortfolioShare).
class RemoveSharedAccounts : public policy::PerResourceAction {
 public:
  RemoveSharedAccounts(const Spec& spec, const policy::BuildContext& context)
      : PerResourceAction("remove-shared-accounts") {
    if (!spec.has("accounts"))
      spec.fail("remove-shared-accounts needs 'accounts' (matched or a list of account ids)");
    Spec accounts = spec.child("accounts");
    if (accounts.value() == "matched") {
      matched_ = true;
      if (context.policy &&
          !policy::filter_types(context.policy->value("filters", Json())).count("cross-account"))
        accounts.fail("accounts: matched needs a cross-account filter in the policy");
      return;
    }
    if (!accounts.value().is_array())
      accounts.fail("'accounts' must be matched or a list of 12-digit account ids");
    for (std::size_t i = 0; i < accounts.value().size(); ++i) {
      const Json& id = accounts.value()[i];
      if (!id.is_string() || !is_account(id.get<std::string>()))
        accounts.element(i).fail("'accounts' takes 12-digit account ids");
      accounts_.push_back(id.get<std::string>());
    }
  }

 private:
  ActionRecord apply(const Json& portfolio, ActionContext& context) const override {
    const aws::Client& client = context.client_for(portfolio);
    const std::string id = context.id_of(portfolio);
    const Json portfolio_id = {{"PortfolioId", portfolio.value("Id", "")}};
    Ids now = client.call_all("servicecatalog", "ListPortfolioAccess", portfolio_id)
                  .value("AccountIds", Json::array())
                  .get<Ids>();
    Ids wanted = matched_ ? portfolio.value("c7n:CrossAccountViolations", Json::array()).get<Ids>()
                          : accounts_;
    Ids out;
    for (const auto& who : wanted)
      if (contains(now, who) && !contains(out, who)) out.push_back(who);
    if (out.empty())
      return ActionRecord::unchanged(
          name(), id, now.empty() ? "not shared with anyone" : "not shared with those accounts");
    const std::string& region = client.session().region();
    ActionRecord record{name(), id};
    record.before = {{"SharedWith", now}};
    record.undo = Json::array();
    std::string expect;
    for (const auto& who : out) {
      Json params = portfolio_id;
      params["AccountId"] = who;
      client.call("servicecatalog", "DeletePortfolioShare", params);
      record.undo.push_back(
          policy::undo_call("servicecatalog", "CreatePortfolioShare", params, region));
      expect += (expect.empty() ? "" : " && ") + std::string("!contains(AccountIds, ") +
                policy::jmespath_literal(who) + ")";
    }
    Ids after;
    for (const auto& who : now)
      if (!contains(out, who)) after.push_back(who);
    record.after = {{"SharedWith", after}};
    record.summary = "stopped sharing with " + joined(out);
    record.check =
        policy::check_call("servicecatalog", "ListPortfolioAccess", portfolio_id, expect, region);
    return record;
  }

  Ids accounts_;
  bool matched_ = false;
};

// revoke-access on aws.redshift-snapshot (Cloud Custodian's RedshiftSnapshotRevokeAccess):
// RevokeSnapshotAccess for each account cross-account found (it needs that filter) that may
// still restore the snapshot, read afresh; the undo authorizes them again.
class RevokeSnapshotAccess : public policy::PerResourceAction {
 public:
  RevokeSnapshotAccess(const Spec& spec, const policy::BuildContext& context)
      : PerResourceAction("revoke-access") {
    if (context.policy &&
        !policy::filter_types(context.policy->value("filters", Json())).count("cross-account"))
      spec.fail("revoke-access needs a cross-account filter in the policy");
  }

 private:
  ActionRecord apply(const Json& snapshot, ActionContext& context) const override {
    const aws::Client& client = context.client_for(snapshot);
    const std::string id = context.id_of(snapshot);
    // DescribeClusterSnapshots names the cluster ClusterIdentifier, the access calls
    // SnapshotClusterIdentifier.
    Json read = {{"SnapshotIdentifier", snapshot.value("SnapshotIdentifier", "")}};
    Json name = read;
    if (snapshot.contains("ClusterIdentifier")) {
      read["ClusterIdentifier"] = snapshot["ClusterIdentifier"];
      name["SnapshotClusterIdentifier"] = snapshot["ClusterIdentifier"];
    }
    Ids now;
    const Json found_snapshots = client.call("redshift", "DescribeClusterSnapshots", read);
    for (const Json& found : found_snapshots.value("Snapshots", Json::array()))
      for (const Json& access : found.value("AccountsWithRestoreAccess", Json::array()))
        if (access.contains("AccountId") && access["AccountId"].is_string())
          now.push_back(access["AccountId"].get<std::string>());
    Ids out;
    for (const Json& who : snapshot.value("c7n:CrossAccountViolations", Json::array())) {
      if (!who.is_string()) continue;
      const std::string account = who.get<std::string>();
      if (contains(now, account) && !contains(out, account)) out.push_back(account);
    }
    if (out.empty())
      return ActionRecord::unchanged(name_of(), id, "no account found may still restore it");
    const std::string& region = client.session().region();
    ActionRecord record{name_of(), id};
    record.before = {{"SharedWith", now}};
    record.undo = Json::array();
    std::string expect;
    for (const auto& who : out) {
      Json params = name;
      params["AccountWithRestoreAccess"] = who;
      client.call("redshift", "RevokeSnapshotAccess", params);
      record.undo.push_back(
          policy::undo_call("redshift", "AuthorizeSnapshotAccess", params, region));
      expect += (expect.empty() ? "" : " && ") +
                std::string("!contains(Snapshots[0].AccountsWithRestoreAccess[].AccountId, ") +
                policy::jmespath_literal(who) + ")";
    }
    Ids after;
    for (const auto& who : now)
      if (!contains(out, who)) after.push_back(who);
    record.after = {{"SharedWith", after}};
    record.summary = "revoked the restore access of " + joined(out);
    record.check = policy::check_call("redshift", "DescribeClusterSnapshots", read, expect, region);
    return record;
  }

  const std::string& name_of() const { return name(); }
};

}  // namespace

void register_set_permissions(policy::Registry& registry) {
  for (const ResourceType& type : registry.resources()) {
    if (!type.access || !type.access->share) continue;
    const std::string& service = type.service_of(type.access->call.service);
    registry.add_action(
        type.name, "set-permissions",
        policy::action_info<SetSharePermissions>(
            {"add", "remove"},
            {policy::iam_action(service, type.access->call.operation),
             policy::iam_action(service, type.access->share->operation)},
            "Stop sharing the resource (remove: account ids, all, or matched by cross-account; "
            "neither add nor remove: every grantee) and share it with `add`"));
  }
  registry.add_action(
      "aws.ami", "remove-launch-permissions",
      policy::action_info<RemoveLaunchPermissions>(
          {"accounts"}, {"ec2:DescribeImageAttribute", "ec2:ModifyImageAttribute"},
          "Stop sharing the image (accounts: matched by cross-account, or one account id; "
          "without: every grantee)"));
  registry.add_action(
      "aws.catalog-portfolio", "remove-shared-accounts",
      policy::action_info<RemoveSharedAccounts>(
          {"accounts"},
          {"servicecatalog:ListPortfolioAccess", "servicecatalog:DeletePortfolioShare"},
          "Stop sharing the portfolio with `accounts` (account ids, or matched by cross-account)"));
  registry.add_action(
      "aws.redshift-snapshot", "revoke-access",
      policy::action_info<RevokeSnapshotAccess>(
          {}, {"redshift:DescribeClusterSnapshots", "redshift:RevokeSnapshotAccess"},
          "Revoke the restore access of the accounts cross-account found"));
  // Registered once the document type says how it is shared (its access.share).
  registry.add_action(
      "aws.ssm-document", "set-sharing",
      policy::action_info<SetSharing>(
          {"add", "remove"}, {"ssm:DescribeDocumentPermission", "ssm:ModifyDocumentPermission"},
          "Share the document with `add` and stop sharing it with `remove` "
          "(account ids, all, or matched by cross-account)"));
}

}  // namespace custos::resources
