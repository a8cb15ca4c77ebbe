#include "resources/iam_principal.h"

#include <cctype>
#include <ctime>

#include "policy/dates.h"
#include "resources/statements.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::BuildContext;
using policy::FilterContext;
using policy::Spec;
using policy::undo_call;

// The inline policy revoke-sessions writes (the console's button writes AWSRevokeOlderSessions;
// a name of custos's own keeps its undo from removing a revocation made by hand).
constexpr const char* kRevokePolicy = "custos-revoke-older-sessions";

Principal principal_of(const policy::ResourceType& type) {
  if (type.name == "aws.iam-user") return Principal("User");
  if (type.name == "aws.iam-role") return Principal("Role");
  if (type.name == "aws.iam-group") return Principal("Group");
  throw Error("internal: " + type.name + " is not an IAM principal");
}

std::string joined(const Json& names) {
  std::string out;
  for (const Json& name : names) out += (out.empty() ? "" : ", ") + name.get<std::string>();
  return out;
}

std::string document_text(const Json& document) {
  return document.is_string() ? document.get<std::string>() : document.dump();
}

// has-inline-policy (value: true, the default, or false): c7n:InlinePolicies lists the names.
class HasInlinePolicy : public policy::AnnotatingFilter {
 public:
  HasInlinePolicy(const Spec& spec, const BuildContext& context)
      : principal_(principal_of(context.resource)), wanted_(spec.optional_bool("value", true)) {}

  bool match(const Json& resource, const FilterContext& context) const override {
    Json copy = resource;
    return judge(copy, context);
  }
  std::vector<Json> process(std::vector<Json> resources,
                            const FilterContext& context) const override {
    std::vector<Json> kept;
    for (Json& resource : resources)
      if (judge(resource, context)) kept.push_back(std::move(resource));
    return kept;
  }
  std::vector<std::string> permissions() const override {
    return {"iam:" + principal_.operation("List", "Policies")};
  }

 private:
  bool judge(Json& resource, const FilterContext& context) const {
    Json& names = resource["c7n:InlinePolicies"];
    if (!names.is_array()) {
      const aws::Client& client = policy::require_client(context, "c7n:InlinePolicies");
      names = client
                  .call_all("iam", principal_.operation("List", "Policies"),
                            principal_.params(resource.value(principal_.name_param(), "")))
                  .value("PolicyNames", Json::array());
    }
    return names.empty() != wanted_;
  }

  Principal principal_;
  bool wanted_;
};

// set-policy: attach the policy `arn` (state: attached) or detach it (state: detached; arn "*"
// detaches every managed policy). A bare name is a policy of the account, as Cloud Custodian
// reads it.
class SetIamPolicy : public policy::PerResourceAction {
 public:
  SetIamPolicy(const Spec& spec, const BuildContext& context)
      : PerResourceAction("set-policy"),
        principal_(principal_of(context.resource)),
        state_(spec.one_of("state", {"attached", "detached"})),
        arn_(spec.required_string("arn")) {
    if (state_ == "attached" && arn_ == "*")
      spec.child("arn").fail("arn '*' (every attached policy) only goes with state: detached");
  }

 private:
  // A check over the policies attached to `id` (ListAttachedUserPolicies or its Role/Group twin).
  Json attached_check(const std::string& id, std::string expect) const {
    return policy::check_call("iam", "ListAttached" + principal_.kind() + "Policies",
                              principal_.params(id), std::move(expect));
  }

  ActionRecord apply(const Json& resource, ActionContext& context) const override {
    std::string id = context.id_of(resource);
    std::string arn =
        arn_ == "*" || arn_.starts_with("arn")
            ? arn_
            : "arn:" + context.partition() + ":iam::" + context.account_id() + ":policy/" + arn_;
    Json attached = principal_.attached_policies(context.client, id);
    ActionRecord record{name(), id};
    record.before = {{"AttachedPolicies", attached}};
    if (state_ == "attached") {
      for (const Json& policy : attached)
        if (policy.value("PolicyArn", "") == arn)
          return ActionRecord::unchanged(name(), id, "policy " + arn + " already attached");
      Json params = principal_.params(id);
      params["PolicyArn"] = arn;
      context.client.call("iam", principal_.operation("Attach"), params);
      record.after = {{"Attached", arn}};
      record.summary = "attached policy " + arn;
      record.undo = Json::array({undo_call("iam", principal_.operation("Detach"), params)});
      record.check = attached_check(
          id, "contains(AttachedPolicies[].PolicyArn, " + policy::jmespath_literal(arn) + ")");
      return record;
    }
    Json targets = Json::array();
    for (const Json& policy : attached)
      if (arn == "*" || policy.value("PolicyArn", "") == arn) targets.push_back(policy);
    if (targets.empty())
      return ActionRecord::unchanged(
          name(), id,
          arn == "*" ? "no managed policies attached" : "policy " + arn + " already detached");
    record.undo = principal_.detach(context.client, id, targets);
    Json arns = Json::array();
    for (const Json& policy : targets) arns.push_back(policy.value("PolicyArn", ""));
    record.after = {{"Detached", arns}};
    record.check = attached_check(id, "length(AttachedPolicies[?contains(" +
                                          policy::jmespath_literal(arns) + ", PolicyArn)]) == `0`");
    record.summary = "detached " + joined(arns);
    return record;
  }

  Principal principal_;
  std::string state_;
  std::string arn_;
};

// delete-inline-policies (Cloud Custodian's for groups; custos's for users and roles too): each
// document is kept in `before` and the undo puts it back.
class DeleteInlinePolicies : public policy::PerResourceAction {
 public:
  explicit DeleteInlinePolicies(const Spec&, const BuildContext& context)
      : PerResourceAction("delete-inline-policies"), principal_(principal_of(context.resource)) {}

 private:
  ActionRecord apply(const Json& resource, ActionContext& context) const override {
    std::string name = context.id_of(resource);
    Json policies = principal_.inline_policies(context.client, name);
    if (policies.empty())
      return ActionRecord::unchanged("delete-inline-policies", name, "no inline policies");
    ActionRecord record{"delete-inline-policies", name};
    record.before = {{"InlinePolicies", policies}};
    record.undo = principal_.delete_inline(context.client, name, policies);
    Json names = Json::array();
    for (const auto& [policy, unused] : policies.items()) names.push_back(policy);
    record.after = {{"Deleted", names}};
    record.summary = "deleted inline policies " + joined(names) + " (documents kept for undo)";
    return record;
  }

  Principal principal_;
};

std::string iso_seconds(std::time_t when) {
  std::tm utc{};
  gmtime_r(&when, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

// AWS's "revoke active sessions" document: deny everything to credentials issued before `cutoff`.
Json revocation(const std::string& cutoff) {
  return {{"Version", "2012-10-17"},
          {"Statement",
           Json::array({{{"Effect", "Deny"},
                         {"Action", Json::array({"*"})},
                         {"Resource", Json::array({"*"})},
                         {"Condition", {{"DateLessThan", {{"aws:TokenIssueTime", cutoff}}}}}}})}};
}

// The latest issue time a document denies sessions before (nullopt: it is no revocation).
std::optional<policy::TimePoint> revoked_before(const Json& document) {
  std::optional<policy::TimePoint> latest;
  for (const Json& statement : policy_statements(document)) {
    if (!statement.is_object() || statement.value("Effect", "") != "Deny") continue;
    const Json::json_pointer at("/Condition/DateLessThan/aws:TokenIssueTime");
    if (!statement.contains(at) || !statement[at].is_string()) continue;
    auto when = policy::parse_datetime(statement[at].get<std::string>());
    if (when && (!latest || *when > *latest)) latest = when;
  }
  return latest;
}

// revoke-sessions (custos's): the inline policy custos-revoke-older-sessions denies every action
// to credentials issued before now, as the console's "Revoke active sessions" does. Its target
// state is "nothing issued before this run is honoured": a policy already denying sessions
// issued up to now (or later) is that state; an older cutoff is moved to now, which is a change.
class RevokeSessions : public policy::PerResourceAction {
 public:
  explicit RevokeSessions(const Spec&, const BuildContext& context)
      : PerResourceAction("revoke-sessions"), principal_(principal_of(context.resource)) {}

 private:
  ActionRecord apply(const Json& resource, ActionContext& context) const override {
    std::string name = context.id_of(resource);
    std::time_t now = std::time(nullptr);
    std::string cutoff = iso_seconds(now);
    Json params = principal_.params(name);
    params["PolicyName"] = kRevokePolicy;
    Json previous = current(context.client, params);
    auto previous_cutoff = revoked_before(previous);
    if (previous_cutoff && *previous_cutoff >= std::chrono::system_clock::from_time_t(now))
      return ActionRecord::unchanged(
          "revoke-sessions", name,
          "already denies sessions issued before " +
              iso_seconds(std::chrono::system_clock::to_time_t(*previous_cutoff)));
    Json put = params;
    put["PolicyDocument"] = revocation(cutoff).dump();
    context.client.call("iam", principal_.operation("Put"), put);
    ActionRecord record{"revoke-sessions", name};
    record.before = {{"PolicyName", kRevokePolicy}, {"PolicyDocument", previous}};
    record.after = {{"PolicyName", kRevokePolicy}, {"PolicyDocument", revocation(cutoff)}};
    if (previous.is_null()) {
      record.summary =
          "denies every session issued before " + cutoff + " (inline policy " + kRevokePolicy + ")";
      record.undo = Json::array({undo_call("iam", principal_.operation("Delete"), params)});
      // Only when there was none before: an undo that puts an earlier revocation back leaves a
      // policy of that name in place.
      record.check = policy::check_call(
          "iam", "List" + principal_.kind() + "Policies", principal_.params(name),
          "contains(PolicyNames, " + policy::jmespath_literal(kRevokePolicy) + ")");
    } else {
      record.summary =
          previous_cutoff
              ? "moved the revocation from sessions issued before " +
                    iso_seconds(std::chrono::system_clock::to_time_t(*previous_cutoff)) + " to " +
                    cutoff + " (sessions issued in between are now denied too)"
              : "replaced inline policy " + std::string(kRevokePolicy) +
                    " with a revocation of sessions issued before " + cutoff;
      Json restore = params;
      restore["PolicyDocument"] = document_text(previous);
      record.undo = Json::array({undo_call("iam", principal_.operation("Put"), restore)});
    }
    return record;
  }

  // The document of the revocation policy, or null when there is none.
  Json current(const aws::Client& client, const Json& params) const {
    try {
      return client.call("iam", principal_.operation("Get"), params)
          .value("PolicyDocument", Json());
    } catch (const aws::AwsError& e) {
      if (e.code() == "NoSuchEntity") return nullptr;
      throw;
    }
  }

  Principal principal_;
};

}  // namespace

Json Principal::attached_policies(const aws::Client& client, const std::string& name) const {
  return client.call_all("iam", operation("ListAttached", "Policies"), params(name))
      .value("AttachedPolicies", Json::array());
}

Json Principal::inline_policies(const aws::Client& client, const std::string& name) const {
  Json names = client.call_all("iam", operation("List", "Policies"), params(name))
                   .value("PolicyNames", Json::array());
  Json policies = Json::object();
  for (const Json& policy : names) {
    Json request = params(name);
    request["PolicyName"] = policy;
    policies[policy.get<std::string>()] =
        client.call("iam", operation("Get"), request).value("PolicyDocument", Json());
  }
  return policies;
}

Json Principal::detach(const aws::Client& client, const std::string& name,
                       const Json& attached) const {
  Json undo = Json::array();
  for (const Json& policy : attached) {
    Json request = params(name);
    request["PolicyArn"] = policy.value("PolicyArn", "");
    client.call("iam", operation("Detach"), request);
    undo.push_back(undo_call("iam", operation("Attach"), request));
  }
  return undo;
}

Json Principal::delete_inline(const aws::Client& client, const std::string& name,
                              const Json& policies) const {
  Json undo = Json::array();
  for (const auto& [policy, document] : policies.items()) {
    Json request = params(name);
    request["PolicyName"] = policy;
    client.call("iam", operation("Delete"), request);
    request["PolicyDocument"] = document_text(document);
    undo.push_back(undo_call("iam", operation("Put"), request));
  }
  return undo;
}

policy::ResourceType iam_type(const std::string& noun, const std::string& id_field,
                              const std::string& id_param) {
  std::string lower = noun;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string plural = noun.ends_with("y") ? noun.substr(0, noun.size() - 1) + "ies" : noun + "s";
  return {
      .name = "aws.iam-" + lower,
      .aliases = {"iam-" + lower},
      .service = "iam",
      .enumerate_operation = "List" + plural,
      .result_path = plural + "[]",
      .details = {{.operation = "Get" + noun,
                   .params = {{id_param, id_field}},
                   .select = noun,
                   .absent_codes = {"NoSuchEntity"},
                   .required = true}},
      .lookup = policy::ResourceType::Lookup::kFromId,
      .not_found_codes = {"NoSuchEntity"},
      .id_field = id_field,
      .date_field = "CreateDate",
      .global = true,
      .arn_field = "Arn",
      .tagging = {.api = policy::ResourceType::Tagging::Api::kPerResource,
                  .tag_operation = "Tag" + noun,
                  .untag_operation = "Untag" + noun,
                  .id_param = id_param},
  };
}

void register_principal_policy_actions(policy::Registry& registry, const std::string& resource,
                                       const Principal& principal) {
  auto iam = [&](const std::string& verb, const std::string& noun = "Policy") {
    return "iam:" + principal.operation(verb, noun);
  };
  registry.add_action(
      resource, "set-policy",
      policy::action_info<SetIamPolicy>(
          {"state", "arn"},
          {iam("ListAttached", "Policies"), iam("Attach"), iam("Detach"), "sts:GetCallerIdentity"},
          "Attach (state: attached) or detach (state: detached) the managed policy "
          "arn; arn '*' detaches all"));
  registry.add_action(resource, "delete-inline-policies",
                      policy::action_info<DeleteInlinePolicies>(
                          {}, {iam("List", "Policies"), iam("Get"), iam("Delete")},
                          "Delete every inline policy (each document recorded for undo)"));
}

void register_principal_policies(policy::Registry& registry, const std::string& resource,
                                 const Principal& principal) {
  auto iam = [&](const std::string& verb, const std::string& noun = "Policy") {
    return "iam:" + principal.operation(verb, noun);
  };
  registry.add_filter(
      resource, "has-inline-policy",
      policy::filter_info<HasInlinePolicy>(
          {"value"}, "With inline policies (value: true, the default) or without (false)",
          {iam("List", "Policies")}));
  register_principal_policy_actions(registry, resource, principal);
  registry.add_action(resource, "revoke-sessions",
                      policy::action_info<RevokeSessions>(
                          {}, {iam("Get"), iam("Put")},
                          std::string("Deny every session issued before now (inline policy ") +
                              kRevokePolicy + ", as the console's Revoke active sessions)"));
}

}  // namespace custos::resources
