// aws.org-account (Cloud Custodian's org-account: ListAccounts, with each account's Tags) and
// aws.org-unit (its org-unit: the organization's OUs, walked down from the root), read from the
// organization's management account or a delegated administrator; their org-unit filter (by
// the OUs above) and policy filter (by the organization policies attached), and the actions
// that quarantine a compromised member account: move-account (custos's) into a quarantine OU
// and set-policy (Cloud Custodian's, plus detaching) of a deny-all service control policy.
#include <algorithm>
#include <functional>
#include <map>
#include <optional>

#include "policy/list_item_filter.h"
#include "policy/value_filter.h"

#include "resources/account.h"
#include "resources/tag_actions.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::jmespath_literal;
using policy::Spec;
using policy::undo_call;

Json organizations(const aws::Client& client, const std::string& operation, const Json& params) {
  return client.call("organizations", operation, params);
}

// The first item of every page of `operation` for which `wanted` holds, or null.
Json find_listed(const aws::Client& client, const std::string& operation, const Json& params,
                 const std::string& list, const std::function<bool(const Json&)>& wanted) {
  Json found;
  client.paginate("organizations", operation, params, [&](const Json& page) {
    for (const Json& item : page.value(list, Json::array()))
      if (wanted(item)) {
        found = item;
        return false;
      }
    return true;
  });
  return found;
}

std::string root_id(const aws::Client& client) {
  Json roots = organizations(client, "ListRoots", Json::object()).value("Roots", Json());
  if (!roots.is_array() || roots.empty()) throw Error("the organization has no root");
  return roots[0].value("Id", "");
}

std::string parent_of(const aws::Client& client, const std::string& account) {
  Json parents =
      organizations(client, "ListParents", {{"ChildId", account}}).value("Parents", Json());
  if (!parents.is_array() || parents.empty())
    throw Error("Organizations names no parent for account " + account);
  return parents[0].value("Id", "");
}

// move-account (custos's): moves the account into the OU `ou-id`, or the OU named `ou-name`
// (default Quarantine) under `parent-id` (default the organization's root), created there when
// missing unless create: false. Moving it back to its previous parent undoes it (a created OU
// stays).
class MoveAccount : public policy::PerResourceAction {
 public:
  explicit MoveAccount(const Spec& spec)
      : PerResourceAction("move-account"),
        ou_id_(spec.optional_string("ou-id")),
        ou_name_(spec.optional_string("ou-name", "Quarantine")),
        parent_id_(spec.optional_string("parent-id")),
        create_(spec.optional_bool("create", true)) {
    if (!ou_id_.empty()) {
      for (const char* key : {"ou-name", "parent-id", "create"})
        if (spec.has(key))
          spec.child(key).at_key().fail(std::string("'") + key +
                                        "' does not go with ou-id (it finds or creates the OU by "
                                        "name): give ou-id or ou-name");
      if (!ou_id_.starts_with("ou-"))
        spec.child("ou-id").fail("'ou-id' must be an organizational unit id (ou-...), not '" +
                                 ou_id_ + "'");
    }
    if (ou_name_.empty()) spec.child("ou-name").fail("'ou-name' must not be empty");
    if (!parent_id_.empty() && !parent_id_.starts_with("r-") && !parent_id_.starts_with("ou-"))
      spec.child("parent-id")
          .fail("'parent-id' must be a root (r-...) or an organizational unit (ou-...), not '" +
                parent_id_ + "'");
  }

 private:
  ActionRecord apply(const Json& account, ActionContext& context) const override {
    const aws::Client& client = context.client;
    const std::string id = context.id_of(account);
    auto [target, created] = target_ou(client);
    std::string current = parent_of(client, id);
    if (current == target) return ActionRecord::unchanged(name(), id, "already in " + target);
    organizations(
        client, "MoveAccount",
        {{"AccountId", id}, {"SourceParentId", current}, {"DestinationParentId", target}});
    ActionRecord record{name(), id};
    record.before = {{"ParentId", current}};
    record.after = {{"ParentId", target}};
    record.summary =
        "moved from " + current + " to " + target +
        (ou_id_.empty() ? " (" + ou_name_ + (created ? ", created now" : "") + ")" : "");
    record.undo = Json::array({undo_call(
        "organizations", "MoveAccount",
        {{"AccountId", id}, {"SourceParentId", target}, {"DestinationParentId", current}})});
    record.check = policy::check_call("organizations", "ListParents", {{"ChildId", id}},
                                      "Parents[0].Id == " + jmespath_literal(target));
    return record;
  }

  // The quarantine OU's id, and whether it was created now.
  std::pair<std::string, bool> target_ou(const aws::Client& client) const {
    if (!ou_id_.empty()) return {ou_id_, false};
    std::string parent = parent_id_.empty() ? root_id(client) : parent_id_;
    Json found = find_listed(client, "ListOrganizationalUnitsForParent", {{"ParentId", parent}},
                             "OrganizationalUnits",
                             [&](const Json& ou) { return ou.value("Name", "") == ou_name_; });
    if (!found.is_null()) return {found.value("Id", ""), false};
    if (!create_)
      throw Error("there is no OU named " + ou_name_ + " under " + parent +
                  " (create: false): create it or name it by ou-id");
    Json made = organizations(client, "CreateOrganizationalUnit",
                              {{"ParentId", parent}, {"Name", ou_name_}});
    // A dry run's pretend answer has no id.
    return {
        made.value(Json::json_pointer("/OrganizationalUnit/Id"), "(the new OU " + ou_name_ + ")"),
        true};
  }

  std::string ou_id_, ou_name_, parent_id_;
  bool create_;
};

const std::vector<std::string> kPolicyTypes = {"SERVICE_CONTROL_POLICY", "TAG_POLICY",
                                               "BACKUP_POLICY", "AISERVICES_OPT_OUT_POLICY"};

// A service control policy that denies everything: what quarantine attaches when the policy
// named does not exist and no contents are given.
Json deny_all() {
  return {{"Version", "2012-10-17"},
          {"Statement", Json::array({{{"Sid", "CustosQuarantineDenyAll"},
                                      {"Effect", "Deny"},
                                      {"Action", "*"},
                                      {"Resource", "*"}}})}};
}

// set-policy (Cloud Custodian's SetPolicy): attaches the organization policy `name` of
// `policy-type` to the account, creating it from `contents` (with `description` and `tags`)
// when missing; a service control policy without contents is created denying everything.
// custos's state: detached takes it off instead. The opposite call undoes either.
class SetOrgPolicy : public policy::PerResourceAction {
 public:
  explicit SetOrgPolicy(const Spec& spec)
      : PerResourceAction("set-policy"),
        name_(spec.required_string("name")),
        type_(spec.one_of("policy-type", kPolicyTypes)),
        description_(spec.optional_string("description", name_ + " (custos managed)")),
        attach_(spec.one_of("state", {"attached", "detached"}, "attached") == "attached") {
    if (spec.has("contents")) {
      if (!spec.value()["contents"].is_object())
        spec.child("contents").fail("'contents' must be a policy document (a mapping)");
      contents_ = spec.value()["contents"];
    } else if (type_ == "SERVICE_CONTROL_POLICY") {
      contents_ = deny_all();
    }
    if (spec.has("tags")) {
      Spec tags = spec.child("tags");
      if (!tags.value().is_object()) tags.fail("'tags' must be a mapping of keys to values");
      for (const auto& [key, value] : tags.value().items()) {
        if (!value.is_string()) tags.child(key).fail("tag '" + key + "' must be a string");
        tags_.push_back({{"Key", key}, {"Value", value}});
      }
    }
    tags_.push_back({{"Key", "managed-by"}, {"Value", "custos"}});
  }

 private:
  ActionRecord apply(const Json& account, ActionContext& context) const override {
    const aws::Client& client = context.client;
    const std::string id = context.id_of(account);
    Json policy = find_listed(client, "ListPolicies", {{"Filter", type_}}, "Policies",
                              [&](const Json& p) { return p.value("Name", "") == name_; });
    std::string policy_id = policy.is_null() ? "" : policy.value("Id", "");
    bool attached = !policy_id.empty() && is_attached(client, id, policy_id);
    if (attached == attach_ || (!attach_ && policy_id.empty()))
      return ActionRecord::unchanged(
          name(), id, "policy " + name_ + (attach_ ? " already attached" : " not attached"));
    bool created = policy_id.empty();
    if (created) policy_id = create(client);
    const Json params = {{"PolicyId", policy_id}, {"TargetId", id}};
    organizations(client, attach_ ? "AttachPolicy" : "DetachPolicy", params);
    ActionRecord record{name(), id};
    record.before = {{"PolicyId", policy_id}, {"Attached", attached}};
    record.after = {{"PolicyId", policy_id}, {"Attached", attach_}};
    record.summary = std::string(attach_ ? "attached " : "detached ") + type_ + " " + name_ + " (" +
                     policy_id + (created ? ", created now" : "") + ")";
    record.undo = Json::array(
        {undo_call("organizations", attach_ ? "DetachPolicy" : "AttachPolicy", params)});
    // What it created goes too (once detached: AWS refuses to delete an attached policy).
    if (created) {
      record.after["Created"] = true;
      record.undo.push_back(undo_call("organizations", "DeletePolicy", {{"PolicyId", policy_id}}));
    }
    std::string listed = "contains(Policies[].Id, " + jmespath_literal(policy_id) + ")";
    record.check =
        policy::check_call("organizations", "ListPoliciesForTarget",
                           {{"TargetId", id}, {"Filter", type_}}, attach_ ? listed : "!" + listed);
    return record;
  }

  bool is_attached(const aws::Client& client, const std::string& target,
                   const std::string& policy_id) const {
    return !find_listed(client, "ListPoliciesForTarget", {{"TargetId", target}, {"Filter", type_}},
                        "Policies", [&](const Json& p) { return p.value("Id", "") == policy_id; })
                .is_null();
  }

  std::string create(const aws::Client& client) const {
    if (contents_.is_null())
      throw Error("there is no " + type_ + " named " + name_ +
                  " and the action has no contents to create it from");
    Json made = organizations(client, "CreatePolicy",
                              {{"Name", name_},
                               {"Description", description_},
                               {"Type", type_},
                               {"Content", contents_.dump()},
                               {"Tags", tags_}});
    // A dry run's pretend answer has no id.
    return made.value(Json::json_pointer("/Policy/PolicySummary/Id"),
                      "(the new policy " + name_ + ")");
  }

  std::string name_, type_, description_;
  bool attach_;
  Json contents_;
  Json tags_ = Json::array();
};

// Cloud Custodian's DescribeUnit: every OU under the root (or the query's ParentId), walked
// down, each with Parents (the ids above it, the top first) and Path (the OU names from the
// top, its own last).
void list_units(const aws::Client& client, const Json& params,
                const std::function<void(std::vector<Json>&)>& on_items) {
  std::string top = params.is_object() ? params.value("ParentId", "") : "";
  if (top.empty()) top = root_id(client);
  std::vector<Json> units;
  std::function<void(const std::string&, const Json&, const std::string&)> walk =
      [&](const std::string& parent, const Json& above, const std::string& path) {
        std::vector<Json> children;
        client.paginate("organizations", "ListOrganizationalUnitsForParent", {{"ParentId", parent}},
                        [&](const Json& page) {
                          for (const Json& unit : page.value("OrganizationalUnits", Json::array()))
                            children.push_back(unit);
                          return true;
                        });
        for (Json& unit : children) {
          const std::string id = unit.value("Id", "");
          const std::string name = unit.value("Name", "");
          const std::string own_path = path.empty() ? name : path + "/" + name;
          unit["Parents"] = above;
          unit["Path"] = own_path;
          units.push_back(unit);
          Json below = above;
          below.push_back(id);
          walk(id, below, own_path);
        }
      };
  walk(top, Json::array({top}), "");
  on_items(units);
}

// The OUs of the organization by id, as aws.org-unit lists them (with their Tags).
std::map<std::string, Json> units_by_id(const aws::Client& client) {
  std::map<std::string, Json> units;
  list_units(client, Json::object(), [&](std::vector<Json>& items) {
    for (Json& unit : items) {
      std::string id = unit.value("Id", "");
      unit["Tags"] = client.call_all("organizations", "ListTagsForResource", {{"ResourceId", id}})
                         .value("Tags", Json::array());
      units.emplace(std::move(id), std::move(unit));
    }
  });
  return units;
}

// The OUs above an account, its own parent first, as Cloud Custodian's OrgUnitFilter annotates
// them (c7n:parents): empty for an account directly under the root.
Json account_parents(const aws::Client& client, const std::string& account,
                     const std::map<std::string, Json>& units) {
  Json parents = Json::array();
  std::string id = parent_of(client, account);
  while (id.starts_with("ou-")) {
    auto unit = units.find(id);
    if (unit == units.end()) throw Error("OU " + id + " above account " + account + " not listed");
    parents.push_back(unit->second);
    const Json& above = unit->second.value("Parents", Json::array());
    id = above.empty() ? "" : above.back().get<std::string>();
  }
  return parents;
}

const std::string kParentsKey = "c7n:parents";

// Cloud Custodian's org-unit filter: a value filter over the OUs above the resource (an OU's
// ancestors; an account's parent and its ancestors, kept as c7n:parents): any may match.
class OrgUnitFilter : public policy::AnnotatingFilter {
 public:
  OrgUnitFilter(const Spec& spec, bool accounts) : matcher_(spec), accounts_(accounts) {}

  std::vector<Json> process(std::vector<Json> resources,
                            const policy::FilterContext& context) const override {
    if (resources.empty()) return resources;
    const aws::Client& client = policy::require_client(context, "the org-unit filter");
    const std::map<std::string, Json> units = units_by_id(client);
    policy::FilterContext inner = context;
    inner.matched_keys = nullptr;
    std::vector<Json> kept;
    for (Json& resource : resources) {
      bool matched = false;
      if (accounts_) {
        if (!resource.contains(kParentsKey))
          resource[kParentsKey] = account_parents(client, resource.value("Id", ""), units);
        for (const Json& parent : resource[kParentsKey])
          matched = matched || matcher_.matches(parent, inner);
      } else {
        for (const Json& id : resource.value("Parents", Json::array())) {
          auto unit = units.find(id.is_string() ? id.get<std::string>() : "");
          matched = matched || (unit != units.end() && matcher_.matches(unit->second, inner));
        }
      }
      if (matched) kept.push_back(std::move(resource));
    }
    return kept;
  }

  std::vector<std::string> permissions() const override {
    return {"organizations:ListRoots", "organizations:ListOrganizationalUnitsForParent",
            "organizations:ListParents"};
  }

 private:
  policy::ValueMatcher matcher_;
  bool accounts_;
};

// Cloud Custodian's policy filter: a list-item filter (attrs, count, count_op) over the
// organization policies of `policy-type` attached to the resource, with inherited: true those
// attached above it too (its OUs and the root); the items matched are kept as
// c7n:PolicyMatches.
class OrgPolicyFilter : public policy::AnnotatingFilter {
 public:
  OrgPolicyFilter(const Spec& spec, const policy::BuildContext& context, bool accounts)
      : type_(spec.one_of("policy-type", kPolicyTypes)),
        inherited_(spec.optional_bool("inherited", false)),
        accounts_(accounts),
        items_(policy::ListItems::from_spec(spec, context)) {}

  std::vector<Json> process(std::vector<Json> resources,
                            const policy::FilterContext& context) const override {
    if (resources.empty()) return resources;
    const aws::Client& client = policy::require_client(context, "the policy filter");
    std::optional<std::map<std::string, Json>> units;
    std::string root;
    std::map<std::string, Json> by_target;  // each target's policies, asked once
    auto policies_of = [&](const std::string& target) -> const Json& {
      auto found = by_target.find(target);
      if (found != by_target.end()) return found->second;
      Json all = Json::array();
      client.paginate("organizations", "ListPoliciesForTarget",
                      {{"TargetId", target}, {"Filter", type_}}, [&](const Json& page) {
                        for (const Json& p : page.value("Policies", Json::array()))
                          all.push_back(p);
                        return true;
                      });
      return by_target.emplace(target, std::move(all)).first->second;
    };
    std::vector<Json> kept;
    std::vector<std::size_t> matched;
    for (Json& resource : resources) {
      std::vector<std::string> targets = {resource.value("Id", "")};
      if (inherited_) {
        if (accounts_) {
          if (!units) units = units_by_id(client);
          if (!resource.contains(kParentsKey))
            resource[kParentsKey] = account_parents(client, targets[0], *units);
          for (const Json& parent : resource[kParentsKey])
            targets.push_back(parent.value("Id", ""));
          if (root.empty()) root = root_id(client);
          targets.push_back(root);
        } else {
          for (const Json& id : resource.value("Parents", Json::array()))
            if (id.is_string()) targets.push_back(id);
        }
      }
      Json policies = Json::array();
      std::vector<std::string> seen;
      for (const auto& target : targets)
        for (const Json& p : policies_of(target)) {
          std::string id = p.value("Id", "");
          if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
          seen.push_back(id);
          policies.push_back(p);
        }
      matched.clear();
      if (!items_.keeps(policies, "policies", context, &matched)) continue;
      for (std::size_t i : matched) resource["c7n:PolicyMatches"].push_back(policies[i]);
      kept.push_back(std::move(resource));
    }
    return kept;
  }

  std::vector<std::string> permissions() const override {
    std::vector<std::string> all = {"organizations:ListRoots",
                                    "organizations:ListPoliciesForTarget"};
    for (auto& permission : items_.permissions()) all.push_back(std::move(permission));
    return all;
  }

 private:
  std::string type_;
  bool inherited_;
  bool accounts_;
  policy::ListItems items_;
};

void register_org_filters(policy::Registry& registry, const std::string& type, bool accounts) {
  policy::FilterInfo unit;
  unit.description =
      accounts ? "Accounts by the OUs above them (a value filter over each; kept as c7n:parents)"
               : "OUs by the OUs above them (a value filter over each)";
  unit.options = policy::value_filter_options();
  unit.permissions = {"organizations:ListRoots", "organizations:ListOrganizationalUnitsForParent",
                      "organizations:ListParents"};
  unit.factory = [options = unit.options, accounts](
                     const Spec& spec, const policy::BuildContext&) -> policy::FilterPtr {
    if (!spec.value().is_object())
      spec.fail("write org-unit as {type: org-unit, key: ..., value: ...}");
    spec.allow_keys(options, "filter 'org-unit'");
    return std::make_unique<OrgUnitFilter>(spec, accounts);
  };
  registry.add_filter(type, "org-unit", std::move(unit));

  policy::FilterInfo attached;
  attached.description =
      "By the organization policies of policy-type attached (inherited: also above it), as a "
      "list-item filter (attrs, count, count_op); the matched kept as c7n:PolicyMatches";
  attached.options = {"policy-type", "inherited", "attrs", "count", "count_op"};
  attached.permissions = {"organizations:ListRoots", "organizations:ListPoliciesForTarget"};
  attached.factory = [options = attached.options, accounts](
                         const Spec& spec,
                         const policy::BuildContext& context) -> policy::FilterPtr {
    if (!spec.value().is_object())
      spec.fail("write policy as {type: policy, policy-type: SERVICE_CONTROL_POLICY, ...}");
    spec.allow_keys(options, "filter 'policy'");
    return std::make_unique<OrgPolicyFilter>(spec, context, accounts);
  };
  registry.add_filter(type, "policy", std::move(attached));
}

}  // namespace

void register_org_account(policy::Registry& registry) {
  using Tagging = policy::ResourceType::Tagging;
  registry.add_resource({
      .name = "aws.org-account",
      .aliases = {"org-account"},
      .service = "organizations",
      .enumerate_operation = "ListAccounts",
      .result_path = "Accounts[]",
      .details = {{.operation = "DescribeAccount",
                   .params = {{"AccountId", "Id"}},
                   .select = "Account",
                   .absent_codes = {"AccountNotFoundException"},
                   .required = true,
                   .lookup_only = true},
                  {.operation = "ListTagsForResource",
                   .params = {{"ResourceId", "Id"}},
                   .select = "Tags",
                   .key = "Tags",
                   .absent = Json::array()}},
      .lookup = policy::ResourceType::Lookup::kFromId,
      .not_found_codes = {"AccountNotFoundException"},
      .id_field = "Id",
      .name_field = "Name",
      .date_field = "JoinedTimestamp",
      .global = true,
      .arn_field = "Arn",
      .tagging = {.api = Tagging::Api::kPerResource,
                  .tag_operation = "TagResource",
                  .untag_operation = "UntagResource",
                  .id_param = "ResourceId"},
      .report_fields = {"Id", "Name", "Email", "Status"},
  });
  const std::string account = "aws.org-account";
  registry.add_action(
      account, "move-account",
      policy::action_info<MoveAccount>(
          {"ou-id", "ou-name", "parent-id", "create"},
          {"organizations:ListRoots", "organizations:ListOrganizationalUnitsForParent",
           "organizations:CreateOrganizationalUnit", "organizations:ListParents",
           "organizations:MoveAccount"},
          "Move the account into a quarantine OU (ou-id, or ou-name, default Quarantine, created "
          "under parent-id or the root when missing); its previous parent is kept for undo"));
  const policy::ActionInfo set_policy = policy::action_info<SetOrgPolicy>(
      {"name", "policy-type", "description", "contents", "tags", "state"},
      {"organizations:ListPolicies", "organizations:CreatePolicy", "organizations:TagResource",
       "organizations:ListPoliciesForTarget", "organizations:AttachPolicy",
       "organizations:DetachPolicy", "organizations:DeletePolicy"},
      "Attach the organization policy `name` (created from contents when missing; a service "
      "control policy without contents denies everything), or with state: detached take it "
      "off; the undo detaches it (and deletes it when created now)");
  registry.add_action(account, "set-policy", set_policy);
  register_tag_actions(registry, account);
  register_org_filters(registry, account, true);

  registry.add_resource({
      .name = "aws.org-unit",
      .aliases = {"org-unit"},
      .service = "organizations",
      .enumerate_operation = "ListOrganizationalUnitsForParent",
      .result_path = "OrganizationalUnits[]",
      .lister = list_units,
      .details = {{.operation = "ListTagsForResource",
                   .params = {{"ResourceId", "Id"}},
                   .select = "Tags",
                   .key = "Tags",
                   .absent = Json::array()}},
      .permissions = {"organizations:ListRoots", "organizations:ListOrganizationalUnitsForParent",
                      "organizations:ListTagsForResource"},
      .lookup = policy::ResourceType::Lookup::kEnumerate,
      .not_found_codes = {"OrganizationalUnitNotFoundException"},
      .id_field = "Id",
      .name_field = "Name",
      .global = true,
      .arn_field = "Arn",
      .tagging = {.api = Tagging::Api::kPerResource,
                  .tag_operation = "TagResource",
                  .untag_operation = "UntagResource",
                  .id_param = "ResourceId"},
      .report_fields = {"Id", "Name", "Path"},
  });
  const std::string unit = "aws.org-unit";
  registry.add_action(unit, "set-policy", set_policy);
  register_tag_actions(registry, unit);
  register_org_filters(registry, unit, false);
}

}  // namespace custos::resources
