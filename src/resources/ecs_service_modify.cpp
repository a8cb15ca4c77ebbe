// modify on aws.ecs-service (Cloud Custodian's UpdateService): UpdateService with the members of
// `update` that differ from the service's; a network configuration is merged into the one in
// place (assignPublicIp: DISABLED keeps the subnets and groups). The undo sets back the values
// the service had.
#include "aws/client.h"
#include "policy/action.h"
#include "policy/shape_check.h"
#include "resources/services.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::Spec;

class ModifyService : public policy::PerResourceAction {
 public:
  explicit ModifyService(const Spec& spec) : PerResourceAction("modify") {
    if (!spec.has("update") || !spec.value()["update"].is_object() ||
        spec.value()["update"].empty())
      spec.fail("modify needs update: the UpdateService parameters to set");
    update_ = spec.value()["update"];
    for (const char* fixed : {"cluster", "service"})
      if (update_.contains(fixed))
        spec.child("update").child(fixed).at_key().fail(
            std::string("update cannot change the service's ") + fixed);
    policy::check_given_members(spec.child("update"), "ecs", "UpdateService", update_);
  }

 private:
  ActionRecord apply(const Json& service, ActionContext& context) const override {
    const std::string id = context.id_of(service);
    Json params = Json::object(), before = Json::object();
    for (const auto& [key, value] : update_.items()) {
      Json now = service.value(key, Json());
      Json wanted = merged(now, value);
      if (wanted == now) continue;
      params[key] = wanted;
      before[key] = now;
    }
    if (params.empty()) return ActionRecord::unchanged(name(), id, "its settings are so");
    Json where = {{"cluster", service.value("clusterArn", "")},
                  {"service", service.value("serviceName", "")}};
    Json call = where;
    call.update(params);
    context.client.call("ecs", "UpdateService", call);
    ActionRecord record{name(), id};
    record.before = before;
    record.after = params;
    record.summary = "updated " + id;
    const std::string& region = context.client.session().region();
    Json restore = where;
    bool restorable = true;
    for (const auto& [key, value] : before.items()) {
      restorable = restorable && !value.is_null();
      restore[key] = value;
    }
    record.undo = restorable
                      ? Json::array({policy::undo_call("ecs", "UpdateService", restore, region)})
                      : Json();
    if (!restorable) record.summary += " (custos cannot undo it: a setting had no value before)";
    std::string expect;
    for (const auto& [key, value] : params.items())
      expect += (expect.empty() ? "" : " && ") + std::string("services[0].") + key +
                " == " + policy::jmespath_literal(value);
    record.check = policy::check_call(
        "ecs", "DescribeServices",
        {{"cluster", where["cluster"]}, {"services", Json::array({where["service"]})}}, expect,
        region);
    return record;
  }

  Json update_;
};

}  // namespace

void register_ecs_service_modify(policy::Registry& registry) {
  registry.add_action("aws.ecs-service", "modify",
                      policy::action_info<ModifyService>(
                          {"update"}, {"ecs:UpdateService"},
                          "UpdateService with the members of `update` that differ (a network "
                          "configuration merged into the one in place); undo sets them back"));
}

}  // namespace custos::resources
