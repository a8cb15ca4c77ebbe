#include "policy/action.h"

#include "aws/endpoints.h"
#include "policy/describe.h"
#include "policy/vars.h"

namespace custos::policy {

ActionRecord ActionRecord::failed(std::string action, std::string resource,
                                  const std::exception& e) {
  ActionRecord record{std::move(action), std::move(resource)};
  record.outcome = Outcome::kFailed;
  record.error = e.what();
  record.summary = "failed: " + record.error;
  return record;
}

ActionRecord ActionRecord::unchanged(std::string action, std::string resource,
                                     std::string summary) {
  ActionRecord record{std::move(action), std::move(resource)};
  record.outcome = Outcome::kUnchanged;
  record.summary = std::move(summary);
  return record;
}

Json undo_call(std::string_view service, std::string_view operation, Json params,
               const std::string& region) {
  Json call = {{"service", std::string(service)},
               {"operation", std::string(operation)},
               {"params", std::move(params)}};
  if (!region.empty()) call["region"] = region;
  return call;
}

Json check_call(std::string_view service, std::string_view operation, Json params,
                std::string expect, const std::string& region) {
  Json check = undo_call(service, operation, std::move(params), region);
  check["expect"] = std::move(expect);
  return check;
}

std::string jmespath_literal(const Json& value) {
  std::string literal = "`";
  for (char c : value.dump()) {
    if (c == '`') literal += '\\';
    literal += c;
  }
  return literal + "`";
}

void ActionContext::emit(std::vector<ActionRecord>& records, ActionRecord record) const {
  if (on_record) on_record(record);
  records.push_back(std::move(record));
}

aws::Client ActionContext::client_for(const Json& resource) const {
  if (!resource_type || (resource_type->region_field.empty() && resource_type->home_region.empty()))
    return client;
  return client.in_region(region_of(*resource_type, resource, client.session().region()));
}

std::string ActionContext::id_of(const Json& resource) const {
  if (!resource_type) throw Error("internal: the action context has no resource type");
  auto found = resource.find(resource_type->id_field);
  return found != resource.end() && found->is_string() ? found->get<std::string>() : "";
}

std::string ActionContext::arn_of(const Json& resource) const {
  if (!resource_type) throw Error("internal: the action context has no resource type");
  ArnScope scope{partition(), client.session().region(), ""};
  // STS is asked only when the ARN is built from a format that names the account.
  if (resource_type->arn_format.find("{account_id}") != std::string::npos)
    scope.account_id = account_id();
  return policy::arn_of(*resource_type, resource, scope);
}

const std::string& ActionContext::account_id() const {
  if (!account) throw Error("internal: the action context has no account");
  return account->get();
}

std::string ActionContext::partition() const {
  return aws::EndpointResolver::standard().partition_of(client.session().region());
}

std::vector<ActionRecord> PerResourceAction::process(const std::vector<Json>& resources,
                                                     ActionContext& context) const {
  std::vector<ActionRecord> records;
  for (const Json& resource : resources) {
    try {
      context.emit(records, apply(resource, context));
    } catch (const Error& e) {
      context.emit(records, ActionRecord::failed(name_, context.id_of(resource), e));
    }
  }
  return records;
}

}  // namespace custos::policy
