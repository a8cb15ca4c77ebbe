// aws.rest-resource's method integrations (Cloud Custodian's rest-integration filter and its
// update-integration and delete-integration actions): where an API Gateway method sends its
// requests. An integration an intruder pointed at their own endpoint or Lambda is a backdoor
// that answers every caller of the API.
#include <algorithm>

#include "aws/client.h"
#include "policy/value_filter.h"
#include "resources/services.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::FilterContext;
using policy::Spec;

constexpr const char* kMatched = "c7n:matched-method-integrations";

// The integration of each method of a resource (`method`, or all its methods), with Cloud
// Custodian's restApiId, resourceId and resourceHttpMethod added; a method without one is left
// out.
Json integrations(const Json& resource, const std::string& method, const aws::Client& client) {
  Json methods = Json::array();
  if (method != "all")
    methods.push_back(method);
  else if (resource.contains("resourceMethods") && resource["resourceMethods"].is_object())
    for (const auto& [name, _] : resource["resourceMethods"].items()) methods.push_back(name);
  // Cloud Custodian's documents name the API restApiId; a child listing keeps c7n:parent-id.
  Json api = resource.value("restApiId", resource.value("c7n:parent-id", Json("")));
  Json found = Json::array();
  for (const Json& name : methods) {
    Json params = {
        {"restApiId", api}, {"resourceId", resource.value("id", "")}, {"httpMethod", name}};
    try {
      Json integration = client.call("apigateway", "GetIntegration", params);
      integration["restApiId"] = params["restApiId"];
      integration["resourceId"] = params["resourceId"];
      integration["resourceHttpMethod"] = name;
      found.push_back(std::move(integration));
    } catch (const aws::AwsError& e) {
      if (e.code() != "NotFoundException") throw;
    }
  }
  return found;
}

// rest-integration: a value filter over each method's integration (`method`: one method or
// all); the integrations that match are kept as c7n:matched-method-integrations.
class RestIntegration : public policy::AnnotatingFilter {
 public:
  explicit RestIntegration(const Spec& spec)
      : method_(spec.one_of(
            "method", {"all", "ANY", "PUT", "GET", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH"},
            "all")),
        matcher_(spec, {.extra_keys = {"method"}, .default_key = ""}) {}

  bool match(const Json& resource, const FilterContext& context) const override {
    return !matched(resource, context).empty();
  }
  std::vector<Json> process(std::vector<Json> resources,
                            const FilterContext& context) const override {
    std::vector<Json> kept;
    for (Json& resource : resources) {
      Json found = matched(resource, context);
      if (found.empty()) continue;
      for (Json& integration : found) resource[kMatched].push_back(std::move(integration));
      kept.push_back(std::move(resource));
    }
    return kept;
  }
  std::vector<std::string> permissions() const override { return {"apigateway:GET"}; }

 private:
  Json matched(const Json& resource, const FilterContext& context) const {
    Json found = Json::array();
    for (Json& integration :
         integrations(resource, method_, policy::require_client(context, "rest-integration")))
      if (matcher_.matches(integration, context)) found.push_back(std::move(integration));
    return found;
  }

  std::string method_;
  policy::ValueMatcher matcher_;
};

void require_filter(const Spec& spec, const policy::BuildContext& context, const char* action) {
  if (context.policy &&
      !policy::filter_types(context.policy->value("filters", Json())).count("rest-integration"))
    spec.fail(std::string(action) +
              " acts on the integrations a rest-integration filter matched: add one");
}

Json method_of(const Json& integration) {
  return {{"restApiId", integration["restApiId"]},
          {"resourceId", integration["resourceId"]},
          {"httpMethod", integration["resourceHttpMethod"]}};
}

// The parameters of PutIntegration that recreate `integration` as GetIntegration gave it (its
// httpMethod is the integration's: PutIntegration's integrationHttpMethod).
Json recreate(const Json& integration) {
  Json params = method_of(integration);
  for (const char* key :
       {"type", "uri", "connectionType", "connectionId", "credentials", "requestParameters",
        "requestTemplates", "passthroughBehavior", "cacheNamespace", "cacheKeyParameters",
        "contentHandling", "timeoutInMillis", "tlsConfig"})
    if (integration.contains(key) && !integration[key].is_null()) params[key] = integration[key];
  if (integration.contains("httpMethod"))
    params["integrationHttpMethod"] = integration["httpMethod"];
  return params;
}

// Runs `call` on each matched integration of `resource`: one record for all of them.
template <typename Call>
ActionRecord on_matched(const std::string& action, const Json& resource, ActionContext& context,
                        Call call) {
  std::string id = context.id_of(resource);
  Json matched = resource.value(kMatched, Json::array());
  if (matched.empty()) return ActionRecord::unchanged(action, id, "no integration matched");
  const aws::Client& client = context.client_for(resource);
  ActionRecord record{action, id};
  record.before = {{"integrations", matched}};
  record.undo = Json::array();
  std::string methods;
  for (const Json& integration : matched) {
    Json undo = call(client, integration);
    if (undo.is_null())
      record.undo = nullptr;
    else if (record.undo.is_array())
      record.undo.push_back(policy::undo_call("apigateway", undo["operation"].get<std::string>(),
                                              undo["params"], client.session().region()));
    methods += (methods.empty() ? "" : ", ") + integration["resourceHttpMethod"].get<std::string>();
  }
  record.summary = action + " " + id + " (" + methods + ")";
  if (record.undo.is_null()) record.summary += " (custos cannot undo it)";
  return record;
}

// update-integration: `patch` (API Gateway's patch operations) on each matched integration;
// undone when every operation replaces a top-level field the integration had.
class UpdateIntegration : public policy::PerResourceAction {
 public:
  UpdateIntegration(const Spec& spec, const policy::BuildContext& context)
      : PerResourceAction("update-integration") {
    require_filter(spec, context, "update-integration");
    if (!spec.has("patch") || !spec.child("patch").value().is_array() ||
        spec.child("patch").value().empty())
      spec.fail("update-integration needs 'patch': a list of {op, path, value}");
    patch_ = spec.child("patch").value();
  }

 private:
  ActionRecord apply(const Json& resource, ActionContext& context) const override {
    return on_matched(name(), resource, context,
                      [&](const aws::Client& client, const Json& integration) {
                        Json params = method_of(integration);
                        params["patchOperations"] = patch_;
                        client.call("apigateway", "UpdateIntegration", params);
                        Json back = Json::array();
                        for (const Json& op : patch_) {
                          std::string path = op.value("path", "");
                          std::string field = path.size() > 1 ? path.substr(1) : "";
                          if (op.value("op", "") != "replace" ||
                              field.find('/') != std::string::npos || !integration.contains(field))
                            return Json();
                          const Json& old = integration[field];
                          back.push_back({{"op", "replace"},
                                          {"path", path},
                                          {"value", old.is_string() ? old : Json(old.dump())}});
                        }
                        Json undo = method_of(integration);
                        undo["patchOperations"] = back;
                        return Json{{"operation", "UpdateIntegration"}, {"params", undo}};
                      });
  }

  Json patch_;
};

// delete-integration: DeleteIntegration of each matched integration; undone by PutIntegration
// with what it was (its integration responses are not recreated).
class DeleteIntegration : public policy::PerResourceAction {
 public:
  DeleteIntegration(const Spec& spec, const policy::BuildContext& context)
      : PerResourceAction("delete-integration") {
    require_filter(spec, context, "delete-integration");
  }

 private:
  ActionRecord apply(const Json& resource, ActionContext& context) const override {
    return on_matched(
        name(), resource, context, [](const aws::Client& client, const Json& integration) {
          client.call("apigateway", "DeleteIntegration", method_of(integration));
          return Json{{"operation", "PutIntegration"}, {"params", recreate(integration)}};
        });
  }
};

}  // namespace

void register_rest_integration(policy::Registry& registry) {
  registry.add_filter(
      "aws.rest-resource", "rest-integration",
      policy::filter_info<RestIntegration>(
          {"key", "value", "op", "value_type", "value_from", "value_regex", "method"},
          "Resources whose method integrations (method: one, or all) match a "
          "value filter; kept as c7n:matched-method-integrations",
          {"apigateway:GET"}));
  registry.add_action(
      "aws.rest-resource", "update-integration",
      policy::action_info<UpdateIntegration>({"patch"}, {"apigateway:PATCH"},
                                             "Patch the integrations rest-integration matched"));
  registry.add_action("aws.rest-resource", "delete-integration",
                      policy::action_info<DeleteIntegration>(
                          {}, {"apigateway:DELETE", "apigateway:PUT"},
                          "Delete the integrations rest-integration matched (undone by "
                          "PutIntegration)"));
}

}  // namespace custos::resources
