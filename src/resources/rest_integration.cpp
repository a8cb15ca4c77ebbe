// aws.rest-resource's methods and their integrations (Cloud Custodian's rest-method and
// rest-integration filters, update-method, update-integration and delete-integration): who may
// call an API Gateway method and where it sends the requests. A method opened to anyone
// (authorizationType NONE) or an integration an intruder pointed at their own endpoint or
// Lambda is a backdoor that answers every caller of the API.
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

// What of a method the filter and actions read and change: the method itself or its
// integration.
struct Part {
  std::string noun;        // "method", "integration"
  std::string filter;      // "rest-method"
  std::string get;         // "GetMethod"
  std::string update;      // "UpdateMethod"
  std::string annotation;  // where the matched ones are kept
};
const Part kMethod{"method", "rest-method", "GetMethod", "UpdateMethod", "c7n:matched-methods"};
const Part kIntegration{"integration", "rest-integration", "GetIntegration", "UpdateIntegration",
                        "c7n:matched-method-integrations"};

// The part of each method of a resource (`method`, or all its methods), with Cloud Custodian's
// restApiId, resourceId and resourceHttpMethod added; a method without one is left out.
Json parts(const Part& part, const Json& resource, const std::string& method,
           const aws::Client& client) {
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
      Json integration = client.call("apigateway", part.get, params);
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

// rest-method / rest-integration: a value filter over each method (or its integration;
// `method`: one method or all); those that match are kept under the part's annotation.
class RestPartFilter : public policy::AnnotatingFilter {
 public:
  RestPartFilter(const Spec& spec, const Part& part)
      : part_(part),
        method_(spec.one_of(
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
      for (Json& each : found) resource[part_.annotation].push_back(std::move(each));
      kept.push_back(std::move(resource));
    }
    return kept;
  }
  std::vector<std::string> permissions() const override { return {"apigateway:GET"}; }

 private:
  Json matched(const Json& resource, const FilterContext& context) const {
    Json found = Json::array();
    for (Json& each :
         parts(part_, resource, method_, policy::require_client(context, part_.filter)))
      if (matcher_.matches(each, context)) found.push_back(std::move(each));
    return found;
  }

  const Part& part_;
  std::string method_;
  policy::ValueMatcher matcher_;
};

struct RestMethod : RestPartFilter {
  explicit RestMethod(const Spec& spec) : RestPartFilter(spec, kMethod) {}
};
struct RestIntegration : RestPartFilter {
  explicit RestIntegration(const Spec& spec) : RestPartFilter(spec, kIntegration) {}
};

void require_filter(const Spec& spec, const policy::BuildContext& context,
                    const std::string& action, const Part& part) {
  if (context.policy &&
      !policy::filter_types(context.policy->value("filters", Json())).count(part.filter))
    spec.fail(action + " acts on the " + part.noun + "s a " + part.filter +
              " filter matched: add one");
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

// Runs `call` on each matched part of `resource`: one record for all of them.
template <typename Call>
ActionRecord on_matched(const std::string& action, const Part& part, const Json& resource,
                        ActionContext& context, Call call) {
  std::string id = context.id_of(resource);
  Json matched = resource.value(part.annotation, Json::array());
  if (matched.empty()) return ActionRecord::unchanged(action, id, "no " + part.noun + " matched");
  const aws::Client& client = context.client_for(resource);
  ActionRecord record{action, id};
  record.before = {{part.noun + "s", matched}};
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

// update-method / update-integration: `patch` (API Gateway's patch operations) on each
// matched method or integration; undone when every operation replaces a top-level field it had.
class UpdatePart : public policy::PerResourceAction {
 public:
  UpdatePart(const Spec& spec, const policy::BuildContext& context, const Part& part)
      : PerResourceAction("update-" + part.noun), part_(part) {
    require_filter(spec, context, name(), part);
    if (!spec.has("patch") || !spec.child("patch").value().is_array() ||
        spec.child("patch").value().empty())
      spec.fail(name() + " needs 'patch': a list of {op, path, value}");
    patch_ = spec.child("patch").value();
  }

 private:
  ActionRecord apply(const Json& resource, ActionContext& context) const override {
    return on_matched(name(), part_, resource, context,
                      [&](const aws::Client& client, const Json& matched) {
                        Json params = method_of(matched);
                        params["patchOperations"] = patch_;
                        client.call("apigateway", part_.update, params);
                        Json back = Json::array();
                        for (const Json& op : patch_) {
                          std::string path = op.value("path", "");
                          std::string field = path.size() > 1 ? path.substr(1) : "";
                          if (op.value("op", "") != "replace" ||
                              field.find('/') != std::string::npos || !matched.contains(field))
                            return Json();
                          const Json& old = matched[field];
                          back.push_back({{"op", "replace"},
                                          {"path", path},
                                          {"value", old.is_string() ? old : Json(old.dump())}});
                        }
                        Json undo = method_of(matched);
                        undo["patchOperations"] = back;
                        return Json{{"operation", part_.update}, {"params", undo}};
                      });
  }

  const Part& part_;
  Json patch_;
};

struct UpdateMethod : UpdatePart {
  UpdateMethod(const Spec& spec, const policy::BuildContext& context)
      : UpdatePart(spec, context, kMethod) {}
};
struct UpdateIntegration : UpdatePart {
  UpdateIntegration(const Spec& spec, const policy::BuildContext& context)
      : UpdatePart(spec, context, kIntegration) {}
};

// delete-integration: DeleteIntegration of each matched integration; undone by PutIntegration
// with what it was (its integration responses are not recreated).
class DeleteIntegration : public policy::PerResourceAction {
 public:
  DeleteIntegration(const Spec& spec, const policy::BuildContext& context)
      : PerResourceAction("delete-integration") {
    require_filter(spec, context, name(), kIntegration);
  }

 private:
  ActionRecord apply(const Json& resource, ActionContext& context) const override {
    return on_matched(
        name(), kIntegration, resource, context,
        [](const aws::Client& client, const Json& integration) {
          client.call("apigateway", "DeleteIntegration", method_of(integration));
          return Json{{"operation", "PutIntegration"}, {"params", recreate(integration)}};
        });
  }
};

}  // namespace

void register_rest_integration(policy::Registry& registry) {
  registry.add_filter("aws.rest-resource", "rest-method",
                      policy::filter_info<RestMethod>(
                          policy::value_filter_options({"method"}),
                          "Resources whose methods (method: one, or all) match a value filter "
                          "(authorizationType, apiKeyRequired, ...); kept as c7n:matched-methods",
                          {"apigateway:GET"}));
  registry.add_action("aws.rest-resource", "update-method",
                      policy::action_info<UpdateMethod>({"patch"}, {"apigateway:PATCH"},
                                                        "Patch the methods rest-method matched"));
  registry.add_filter("aws.rest-resource", "rest-integration",
                      policy::filter_info<RestIntegration>(
                          policy::value_filter_options({"method"}),
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
