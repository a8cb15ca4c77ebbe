#include "resources/remove_statements.h"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "core/error.h"
#include "jmespath/jmespath.h"
#include "policy/describe.h"
#include "resources/statements.h"

namespace custos::resources {
namespace {

// The resource's policy document as text, read afresh: an earlier action of the same policy
// (set-statements) may have changed it since it was listed.
Json policy_text(const ResourceType& type, const ResourceType::Access& access,
                 const jmespath::Expression& path, const aws::Client& client,
                 const Json& resource) {
  Json document = resource;
  if (!access.call.operation.empty()) policy::complete_with(type, access.call, client, document);
  return path.search(document);
}

// The statements' Sids, for a record's summary.
std::string sids(const Json& statements) {
  std::string out;
  for (const Json& statement : statements)
    out += (out.empty() ? "" : ", ") + statement.value("Sid", std::string("(no Sid)"));
  return out;
}

using policy::ActionContext;
using policy::ActionRecord;
using policy::ResourceType;
using Write = ResourceType::Access::Write;

// `params` (JMESPath over the resource) evaluated, with `value` set at the dotted `path`.
Json params_for(const Write& write, const Json& resource, const std::string& path = {},
                const Json& value = nullptr) {
  Json params = Json::object();
  for (const auto& [param, expression] : write.params)
    params[param] = jmespath::Expression::compile(expression).search(resource);
  if (!path.empty()) {
    std::string pointer = "/" + path;
    std::replace(pointer.begin(), pointer.end(), '.', '/');
    params[Json::json_pointer(pointer)] = value;
  }
  return params;
}

// Cloud Custodian's RemovePolicyStatement for every type whose data says where its policy is
// and how to write it: the statements chosen by Sid, those an earlier filter matched
// (cross-account, has-statement) or all, taken out of the policy.
class RemoveStatements : public policy::PerResourceAction {
 public:
  RemoveStatements(const policy::Spec& spec, const policy::BuildContext& context)
      : PerResourceAction("remove-statements"),
        type_(context.resource),
        access_(*context.resource.access),
        write_(*access_.write),
        policy_(jmespath::Expression::compile(access_.policy)) {
    if (!spec.has("statement_ids")) spec.fail("remove-statements needs 'statement_ids'");
    which_ = statement_selection(spec, "statement_ids");
  }

 private:
  ActionRecord apply(const Json& resource, ActionContext& context) const override {
    aws::Client client = context.client_for(resource);
    std::string id = context.id_of(resource);
    Json text = policy_text(type_, access_, policy_, client, resource);
    if (text.is_null() || text == "")
      return ActionRecord::unchanged(name(), id, "it has no policy");
    Json policy = text.is_string() ? parse_policy_text(text, "the policy of " + id) : text;
    Json statements = policy_statements(policy);
    Json removed = remove_statements(statements, which_, matched_statements(resource));
    if (removed.empty())
      return ActionRecord::unchanged(name(), id, "its policy has none of the statements to remove");
    policy["Statement"] = statements;
    ActionRecord record{name(), id};
    record.before = {{"Policy", text}};
    record.after = {{"Policy", statements.empty() ? Json() : policy}};
    change(client, resource, policy, removed);
    record.undo = undo(resource, text, client.session().region());
    record.summary = "removed statements " + sids(removed) + " from the policy of " + id;
    return record;
  }

  void change(const aws::Client& client, const Json& resource, const Json& policy,
              const Json& removed) const {
    const std::string& service = type_.service;
    if (!write_.remove_operation.empty()) {
      for (const Json& statement : removed) {
        if (!statement.contains("Sid"))
          throw Error("a statement to remove has no Sid, and " + write_.remove_operation +
                      " removes statements by Sid: " + statement.dump());
        client.call(service, write_.remove_operation,
                    params_for(write_, resource, write_.sid_param, statement["Sid"]));
      }
    } else if (policy["Statement"].empty() && !write_.delete_operation.empty()) {
      client.call(service, write_.delete_operation, params_for(write_, resource));
    } else {
      client.call(service, write_.operation,
                  params_for(write_, resource, write_.text_param, policy.dump()));
    }
  }

  // The policy as it was, written back; null when the service cannot write a whole policy.
  Json undo(const Json& resource, const Json& text, const std::string& region) const {
    if (write_.operation.empty()) return nullptr;
    std::string before = text.is_string() ? text.get<std::string>() : text.dump();
    return Json::array(
        {policy::undo_call(type_.service, write_.operation,
                           params_for(write_, resource, write_.text_param, before), region)});
  }

  const ResourceType& type_;
  const ResourceType::Access& access_;
  const Write& write_;
  jmespath::Expression policy_;
  StatementSelection which_;
};

// Cloud Custodian's ModifyPolicyBase (modify-policy on sqs and sns, modify-ecr-policy on ecr):
// `remove-statements` (Sids, matched or '*') taken out, then `add-statements` put in, each
// replacing the statement of its Sid; the whole policy written back (its delete call when
// nothing is left and the service has one), the undo writing back the policy as it was.
class ModifyPolicy : public policy::PerResourceAction {
 public:
  ModifyPolicy(const policy::Spec& spec, const policy::BuildContext& context, std::string name)
      : PerResourceAction(std::move(name)),
        type_(context.resource),
        access_(*context.resource.access),
        write_(*access_.write),
        policy_(jmespath::Expression::compile(access_.policy)) {
    if (spec.has("remove-statements")) which_ = statement_selection(spec, "remove-statements");
    if (spec.has("add-statements")) add_ = statements_option(spec, "add-statements", true, false);
  }

 private:
  ActionRecord apply(const Json& resource, ActionContext& context) const override {
    aws::Client client = context.client_for(resource);
    std::string id = context.id_of(resource);
    Json text = policy_text(type_, access_, policy_, client, resource);
    const bool had_policy = !(text.is_null() || text == "");
    Json policy = !had_policy        ? Json::object()
                  : text.is_string() ? parse_policy_text(text, "the policy of " + id)
                                     : text;
    Json statements = policy_statements(policy);
    const Json original = statements;
    Json removed = which_ ? remove_statements(statements, *which_, matched_statements(resource))
                          : Json::array();
    // Cloud Custodian's add_statements: by Sid, the added ones replacing those they name.
    Json added = Json::array();
    for (const Json& statement : add_) {
      auto same = std::find_if(statements.begin(), statements.end(), [&](const Json& have) {
        return have.value("Sid", Json()) == statement["Sid"];
      });
      if (same != statements.end() && *same == statement) continue;
      if (same != statements.end())
        *same = statement;
      else
        statements.push_back(statement);
      added.push_back(statement);
    }
    // Removed and added back as it was (remove-statements '*' with add-statements) is no change.
    if (statements == original)
      return ActionRecord::unchanged(name(), id, "its policy already is as asked");
    policy["Statement"] = statements;
    if (!policy.contains("Version")) policy["Version"] = "2012-10-17";
    const std::string& service = type_.service;
    if (statements.empty() && !write_.delete_operation.empty())
      client.call(service, write_.delete_operation, params_for(write_, resource));
    else
      client.call(service, write_.operation,
                  params_for(write_, resource, write_.text_param, policy.dump()));
    ActionRecord record{name(), id};
    record.before = {{"Policy", had_policy ? text : Json()}};
    record.after = {{"Policy", statements.empty() ? Json() : policy}};
    const std::string region = client.session().region();
    if (had_policy) {
      std::string before = text.is_string() ? text.get<std::string>() : text.dump();
      record.undo = Json::array(
          {policy::undo_call(service, write_.operation,
                             params_for(write_, resource, write_.text_param, before), region)});
    } else if (!write_.delete_operation.empty()) {
      record.undo = Json::array({policy::undo_call(service, write_.delete_operation,
                                                   params_for(write_, resource), region)});
    } else {
      record.undo = Json::array({policy::undo_call(
          service, write_.operation, params_for(write_, resource, write_.text_param, ""), region)});
    }
    std::string summary;
    if (!removed.empty()) summary = "removed statements " + sids(removed);
    if (!added.empty())
      summary += (summary.empty() ? "" : "; ") + std::string("added statements ") + sids(added);
    record.summary = summary + " in the policy of " + id;
    return record;
  }

  const ResourceType& type_;
  const ResourceType::Access& access_;
  const Write& write_;
  jmespath::Expression policy_;
  std::optional<StatementSelection> which_;
  Json add_ = Json::array();
};

}  // namespace

void register_remove_statements(policy::Registry& registry) {
  for (const ResourceType& type : registry.resources()) {
    if (!type.access || !type.access->write) continue;
    const Write& write = *type.access->write;
    std::vector<std::string> permissions;
    for (const std::string* operation :
         {&write.operation, &write.delete_operation, &write.remove_operation})
      if (!operation->empty()) permissions.push_back(policy::iam_action(type.service, *operation));
    registry.add_action(type.name, "remove-statements",
                        policy::action_info<RemoveStatements>(
                            {"statement_ids"}, std::move(permissions),
                            "Remove statements from the resource's policy by Sid, those an "
                            "earlier filter matched (statement_ids: matched) or all ('*')"));
  }
  // Cloud Custodian's names for modify-policy on the types it has it.
  for (const auto& [resource, action] : {std::pair{"aws.sqs", "modify-policy"},
                                         {"aws.sns", "modify-policy"},
                                         {"aws.ecr", "modify-ecr-policy"}}) {
    const ResourceType* type = registry.table_type(resource);
    if (!type) continue;
    if (!type->access || !type->access->write || type->access->write->operation.empty())
      throw std::logic_error(std::string("modify-policy: ") + resource +
                             " does not say how to write its policy");
    const Write& write = *type->access->write;
    std::vector<std::string> permissions = {policy::iam_action(type->service, write.operation)};
    if (!write.delete_operation.empty())
      permissions.push_back(policy::iam_action(type->service, write.delete_operation));
    std::string name = action;
    policy::ActionInfo info;
    info.permissions = std::move(permissions);
    info.description =
        "Remove statements from the resource's policy (Sids, matched or '*') and add others "
        "(replacing those of their Sid)";
    info.options = {"add-statements", "remove-statements"};
    info.factory = [name](const policy::Spec& spec,
                          const policy::BuildContext& context) -> policy::ActionPtr {
      if (spec.value().is_object())
        spec.allow_keys({"add-statements", "remove-statements"}, "action '" + name + "'");
      return std::make_unique<ModifyPolicy>(spec, context, name);
    };
    registry.add_action(resource, action, std::move(info));
  }
}

}  // namespace custos::resources
