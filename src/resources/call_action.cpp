#include "resources/call_action.h"

#include <algorithm>

#include "jmespath/jmespath.h"
#include "policy/dates.h"
#include "policy/describe.h"
#include "policy/shape_check.h"
#include "resources/param_paths.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::ResourceType;
using CallAction = ResourceType::CallAction;
bool is_value_option(const CallAction::Option& option) { return !option.param.empty(); }

// The option's parameter "@" stands for the members of an object: parameters of their own.
bool is_parameters(const CallAction::Option& option) { return option.param == "@"; }

// Members of `base` that `target` lacks (the settings in place that the policy leaves as they are).
void keep(Json& target, const Json& base) {
  if (!base.is_object() || !target.is_object()) return;
  for (const auto& [key, value] : base.items())
    if (!target.contains(key) && !value.is_null()) target[key] = value;
}

class Call : public policy::PerResourceAction {
 public:
  Call(const policy::Spec& spec, const policy::BuildContext& context, const CallAction& action)
      : PerResourceAction(action.name), type_(context.resource), action_(action) {
    compile_into(params_, action_.params);
    names_minute_ = std::any_of(
        action_.params.begin(), action_.params.end(),
        [](const auto& param) { return param.second.find("custos:now") != std::string::npos; });
    for (const auto& option : action_.options) {
      if (is_value_option(option)) {
        add_value_option(spec, option);
        continue;
      }
      bool on = spec.optional_bool(option.name, option.default_value == Json(true));
      compile_into(flag_params_, on ? option.if_true : option.if_false);
      if (on && option.prepare) prepares_.push_back(&option.prepare);
    }
    if (!action_.when.empty()) when_ = jmespath::Expression::compile(action_.when);
    compile_into(undo_params_, action_.undo_params);
  }

 private:
  // A value option as the policy gives it (or its default), made the parameter it stands for.
  struct Given {
    Json params;  // {param: value}, or the parameters themselves (param "@")
    const CallAction::Option* option;
    std::optional<jmespath::Expression> current;
  };

  void add_value_option(const policy::Spec& spec, const CallAction::Option& option) {
    bool written = spec.has(option.name);
    Json value = written ? spec.child(option.name).value() : option.default_value;
    if (value.is_null()) {
      if (option.required) spec.fail("action '" + action_.name + "' needs '" + option.name + "'");
      return;
    }
    if (!option.transform.empty())
      value = jmespath::Expression::compile(option.transform).search(value);
    if (is_parameters(option) && !value.is_object())
      spec.child(option.name).fail("'" + option.name + "' must be a mapping");
    Given given{is_parameters(option) ? value : Json{{option.param, value}}, &option, std::nullopt};
    policy::check_given_members(written ? spec.child(option.name) : spec, service(),
                                action_.operation, given.params);
    sent_.merge_patch(given.params);
    if (!option.current.empty()) given.current = jmespath::Expression::compile(option.current);
    given_.push_back(std::move(given));
  }

  ActionRecord apply(const Json& listed, ActionContext& context) const override {
    if (!action_.read) return act(listed, context);
    Json resource = listed;  // with the setting the action changes, read now
    if (!policy::complete_with(type_, *action_.read, context.client_for(listed), resource))
      return ActionRecord::unchanged(name(), context.id_of(listed), "gone already");
    return act(resource, context);
  }

  ActionRecord act(const Json& resource, ActionContext& context) const {
    std::string id = context.id_of(resource);
    const aws::Client& client = context.client_for(resource);
    if (when_ && when_->search(resource) != Json(true))
      return ActionRecord::unchanged(
          name(), id,
          "left as it is: not in a state " + name() + " acts in (" + action_.when + ")");
    Json params = parameters(resource);
    std::optional<Json> now = current_values(resource);
    if (now && already(*now, params)) return ActionRecord::unchanged(name(), id, "already so");
    std::string prepared;
    try {
      for (const auto* prepare : prepares_) prepared += (*prepare)(client, resource);
      client.call(service(), action_.operation, params);
    } catch (const aws::AwsError& e) {
      if (!gone(e)) throw;
      return ActionRecord::unchanged(name(), id, deletes() ? "already deleted" : "done already");
    }
    ActionRecord done = record(resource, id, params, now, context);
    done.summary += prepared;
    return done;
  }

  // The call's parameters for `resource`: its paths (which may name the minute, custos:now),
  // the options' values (with the settings in place they keep), the boolean options' last.
  Json parameters(const Json& resource) const {
    Json params = evaluate(params_, names_minute_ ? with_minute(resource) : resource);
    params.merge_patch(sent_);
    for (const Given& given : given_) {
      if (!given.option->keep_current || !given.current) continue;
      Json base = given.current->search(resource);
      if (is_parameters(*given.option))
        keep(params, base);
      else
        keep(params[given.option->param], base);
    }
    params.merge_patch(evaluate(flag_params_, resource));
    return params;
  }

  static Json with_minute(Json resource) {
    if (resource.is_object()) resource["custos:now"] = policy::identifier_minute();
    return resource;
  }

  const std::string& service() const { return type_.service_of(action_.service); }

  // What the value options' `current` paths say of the resource now, as their parameters
  // (null where it says nothing); nullopt unless every option given has such a path.
  std::optional<Json> current_values(const Json& resource) const {
    if (given_.empty()) return std::nullopt;
    Json now = Json::object();
    for (const Given& given : given_) {
      if (given.option->instruction) continue;
      if (!given.current) return std::nullopt;
      Json value = given.current->search(resource);
      if (is_parameters(*given.option)) {
        if (value.is_object()) now.update(value);
        continue;
      }
      const std::string& param = given.option->param;
      if (value.is_object() && now[param].is_object())
        now[param].update(value);
      else
        now[param] = std::move(value);
    }
    return now;
  }

  static bool says_something(const Json& value) {
    return value.is_structured() ? std::any_of(value.begin(), value.end(), says_something)
                                 : !value.is_null();
  }

  // Every parameter the options read back already has the value the call would send (one the
  // resource does not say, the call does not send either).
  static bool already(const Json& now, const Json& params) {
    for (const auto& [param, value] : now.items())
      if (params.value(param, Json()) != value) return false;
    return true;
  }

  ActionRecord record(const Json& resource, const std::string& id, const Json& params,
                      const std::optional<Json>& now, ActionContext& context) const {
    ActionRecord record{name(), id};
    record.before = resource;
    record.after = deletes() ? Json{{"Deleted", true}} : sent_;
    std::string region = context.client_for(resource).session().region();
    if (!action_.undo_operation.empty()) {
      Json as_was = resource;  // with what was sent, for undo parameters the policy gave
      if (as_was.is_object()) as_was["custos:params"] = params;
      record.undo = Json::array({policy::undo_call(service(), action_.undo_operation,
                                                   evaluate(undo_params_, as_was), region)});
    } else if (now && says_something(*now)) {
      Json restore = params;
      restore.merge_patch(*now);  // a null (what AWS did not say) leaves the parameter out
      record.undo = Json::array({policy::undo_call(service(), action_.operation, restore, region)});
    } else {
      record.undo = nullptr;
    }
    record.summary = deletes() ? "deleted " + id + " (irreversible: this record keeps it as it was)"
                               : name() + " " + id + " with " + action_.operation;
    if (!deletes() && record.undo.is_null()) record.summary += " (custos cannot undo it)";
    return record;
  }

  bool deletes() const { return action_.name == "delete"; }

  bool gone(const aws::AwsError& e) const {
    auto says = [&](const std::string& answer) {
      if (answer == e.code()) return true;
      std::size_t colon = answer.find(": ");
      return colon != std::string::npos && answer.compare(0, colon, e.code()) == 0 &&
             e.aws_message().find(answer.substr(colon + 2)) != std::string::npos;
    };
    return std::any_of(action_.gone_codes.begin(), action_.gone_codes.end(), says) ||
           std::any_of(type_.not_found_codes.begin(), type_.not_found_codes.end(), says);
  }

  const ResourceType& type_;
  const CallAction& action_;
  ParamPaths params_;          // from the resource
  bool names_minute_ = false;  // some path of params_ reads custos:now
  ParamPaths flag_params_;     // from the resource, as the boolean options chose: they win
  std::vector<Given> given_;
  std::vector<const std::function<std::string(const aws::Client&, const Json&)>*> prepares_;
  Json sent_ = Json::object();  // the value options' parameters, merged
  ParamPaths undo_params_;
  std::optional<jmespath::Expression> when_;
};

// What `custos schema` says of an action that has no description of its own.
std::string describe(const CallAction& action) {
  if (action.name == "delete")
    return "Delete the resource with " + action.operation + " (irreversible)";
  std::string text = "Call " + action.operation, settings;
  for (const auto& option : action.options)
    if (is_value_option(option))
      settings += (settings.empty() ? " setting " : ", ") + option.param + " from " + option.name;
  text += settings;
  if (!action.undo_operation.empty()) text += "; undone with " + action.undo_operation;
  return text;
}

policy::ActionInfo call_info(const ResourceType& type, const CallAction& action) {
  std::vector<std::string> options;
  for (const auto& option : action.options) options.push_back(option.name);
  std::vector<std::string> permissions = {
      policy::iam_action(type.service_of(action.service), action.operation)};
  if (action.read)
    permissions.push_back(
        policy::iam_action(type.service_of(action.read->service), action.read->operation));
  std::string description = action.description;
  if (description.empty()) description = describe(action);
  policy::ActionInfo info;
  info.factory = [options, &action](const policy::Spec& spec,
                                    const policy::BuildContext& context) -> policy::ActionPtr {
    if (spec.value().is_object())
      spec.allow_keys(options, "action '" + spec.value().value("type", "") + "'");
    return std::make_unique<Call>(spec, context, action);
  };
  info.permissions = std::move(permissions);
  info.description = std::move(description);
  info.options = std::move(options);
  return info;
}

}  // namespace

void register_call_actions(policy::Registry& registry) {
  // Built when a type is first used, as its tag actions are: start-up does not grow with types.
  for (const ResourceType& type : registry.resources())
    if (!type.actions.empty())
      registry.add_actions_on_first_use(
          type.name, [name = type.name](const policy::Registry& types,
                                        policy::InfoByName<policy::ActionInfo>& actions) {
            const ResourceType& type = *types.find_resource(name);
            for (const CallAction& action : type.actions)
              actions[action.name] = call_info(type, action);
          });
}

}  // namespace custos::resources
