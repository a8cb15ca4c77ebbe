// modify on aws.rds-param-group and aws.rds-cluster-param-group (Cloud Custodian's PGModify
// and PGClusterModify): the parameters given set where their value differs, 20 a call (RDS's
// most). The undo sets each back to the value it had, and resets those that had none.
#include <map>

#include "aws/client.h"
#include "core/lists.h"
#include "policy/action.h"
#include "resources/services.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::Spec;

constexpr std::size_t kPerCall = 20;

class ModifyParameters : public policy::PerResourceAction {
 public:
  ModifyParameters(const Spec& spec, const policy::BuildContext& context)
      : PerResourceAction("modify"),
        group_(context.resource.name == "aws.rds-cluster-param-group" ? "DBClusterParameterGroup"
                                                                      : "DBParameterGroup") {
    if (!spec.has("params") || !spec.value()["params"].is_array() || spec.value()["params"].empty())
      spec.fail("modify needs params: a list of {name, value, apply-method}");
    for (std::size_t i = 0; i < spec.value()["params"].size(); ++i) {
      Spec item = spec.child("params").element(i);
      if (!item.value().is_object()) item.fail("each of params is {name, value, apply-method}");
      item.allow_keys({"name", "value", "apply-method"}, "a parameter");
      params_.push_back(
          {{"ParameterName", item.required_string("name")},
           {"ParameterValue", value_text(item)},
           {"ApplyMethod",
            item.one_of("apply-method", {"immediate", "pending-reboot"}, "immediate")}});
    }
  }

 private:
  ActionRecord apply(const Json& resource, ActionContext& context) const override {
    const std::string name = context.id_of(resource);
    std::map<std::string, Json> now = current(context.client, name);
    Json changed = Json::array(), restore = Json::array(), reset = Json::array();
    std::vector<std::string> names;
    for (const Json& param : params_) {
      auto found = now.find(param["ParameterName"]);
      Json before = found == now.end() ? Json() : found->second.value("ParameterValue", Json());
      if (before == param["ParameterValue"]) continue;
      changed.push_back(param);
      names.push_back(param["ParameterName"]);
      Json back = {{"ParameterName", param["ParameterName"]},
                   {"ApplyMethod", param["ApplyMethod"]}};
      if (before.is_null()) {
        reset.push_back(back);
      } else {
        back["ParameterValue"] = before;
        restore.push_back(back);
      }
    }
    if (changed.empty()) return ActionRecord::unchanged("modify", name, "its parameters are so");
    for (const Json& part : in_parts(changed))
      context.client.call("rds", "Modify" + group_, call_params(name, part));
    ActionRecord record{"modify", name};
    record.before = restore;
    record.after = changed;
    record.summary = "set " + joined(names);
    record.undo = Json::array();
    const std::string& region = context.client.session().region();
    for (const Json& part : in_parts(restore))
      record.undo.push_back(
          policy::undo_call("rds", "Modify" + group_, call_params(name, part), region));
    for (const Json& part : in_parts(reset))
      record.undo.push_back(
          policy::undo_call("rds", "Reset" + group_, call_params(name, part), region));
    return record;
  }

  // Each parameter's value now (as DescribeDBParameters lists them), by name.
  std::map<std::string, Json> current(const aws::Client& client, const std::string& name) const {
    const std::string operation =
        group_ == "DBParameterGroup" ? "DescribeDBParameters" : "DescribeDBClusterParameters";
    std::map<std::string, Json> by_name;
    for (Json& param : client.call_all("rds", operation, {{group_ + "Name", name}})
                           .value("Parameters", Json::array())) {
      std::string key = param.value("ParameterName", "");
      by_name[key] = std::move(param);
    }
    return by_name;
  }

  Json call_params(const std::string& name, const Json& parameters) const {
    return {{group_ + "Name", name}, {"Parameters", parameters}};
  }

  static std::vector<Json> in_parts(const Json& list) {
    std::vector<Json> parts;
    for (std::size_t at = 0; at < list.size(); at += kPerCall)
      parts.emplace_back(
          list.begin() + static_cast<std::ptrdiff_t>(at),
          list.begin() + static_cast<std::ptrdiff_t>(std::min(at + kPerCall, list.size())));
    return parts;
  }

  // RDS keeps every value as text: a number or boolean the policy writes is sent as its text.
  static std::string value_text(const Spec& item) {
    if (!item.has("value")) item.fail("a parameter needs a value");
    const Json& value = item.value()["value"];
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number() || value.is_boolean()) return value.dump();
    item.child("value").fail("a parameter's value is text or a number");
  }

  std::string group_;  // DBParameterGroup or DBClusterParameterGroup
  std::vector<Json> params_;
};

}  // namespace

void register_param_group_modify(policy::Registry& registry) {
  for (const std::string group : {"DBParameterGroup", "DBClusterParameterGroup"}) {
    const std::string type =
        group == "DBParameterGroup" ? "aws.rds-param-group" : "aws.rds-cluster-param-group";
    const std::string describe =
        group == "DBParameterGroup" ? "DescribeDBParameters" : "DescribeDBClusterParameters";
    registry.add_action(type, "modify",
                        policy::action_info<ModifyParameters>(
                            {"params"}, {"rds:" + describe, "rds:Modify" + group},
                            "Set the parameters given (params: [{name, value, apply-method}]) "
                            "where they differ; undo sets back the values they had"));
  }
}

}  // namespace custos::resources
