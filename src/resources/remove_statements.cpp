#include "resources/remove_statements.h"

#include <algorithm>

#include "core/error.h"
#include "jmespath/jmespath.h"
#include "policy/describe.h"
#include "resources/statements.h"

namespace custos::resources {
namespace {

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
    // Read afresh: an earlier action of the same policy (set-statements) may have changed it.
    Json document = resource;
    if (!access_.call.operation.empty())
      policy::complete_with(type_, access_.call, client, document);
    Json text = policy_.search(document);
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

  static std::string sids(const Json& statements) {
    std::string out;
    for (const Json& statement : statements)
      out += (out.empty() ? "" : ", ") + statement.value("Sid", std::string("(no Sid)"));
    return out;
  }

  const ResourceType& type_;
  const ResourceType::Access& access_;
  const Write& write_;
  jmespath::Expression policy_;
  StatementSelection which_;
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
}

}  // namespace custos::resources
