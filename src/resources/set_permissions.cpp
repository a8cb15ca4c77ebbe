// set-permissions (Cloud Custodian's SetPermissions of ebs-snapshot, ami, rds-snapshot and
// rds-cluster-snapshot): stops sharing a resource with `remove` (account ids, "all" for
// everyone, organization ARNs where the type takes them, or matched: those cross-account
// found) and shares it with `add`; with neither, stops all sharing (Cloud Custodian resets the
// attribute; custos removes each grantee, which undo can put back). Every type whose
// ResourceType::Access says how to share it (`share`) gets it.
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
  Ids add_;
  Ids remove_;
  bool matched_ = false;
  bool reset_ = false;
};

// set-sharing on aws.ssm-document: Cloud Custodian's name for set-permissions there.
class SetSharing : public SetSharePermissions {
 public:
  SetSharing(const Spec& spec, const policy::BuildContext& context)
      : SetSharePermissions(spec, context, "set-sharing") {}
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
  // Registered once the document type says how it is shared (its access.share).
  registry.add_action(
      "aws.ssm-document", "set-sharing",
      policy::action_info<SetSharing>(
          {"add", "remove"}, {"ssm:DescribeDocumentPermission", "ssm:ModifyDocumentPermission"},
          "Share the document with `add` and stop sharing it with `remove` "
          "(account ids, all, or matched by cross-account)"));
}

}  // namespace custos::resources
