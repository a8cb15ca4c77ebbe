#include "resources/delete_action.h"

#include <algorithm>

#include "jmespath/jmespath.h"
#include "policy/describe.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::ResourceType;
using Params = std::vector<std::pair<std::string, jmespath::Expression>>;

void compile_into(Params& params, const std::vector<std::pair<std::string, std::string>>& paths) {
  for (const auto& [param, path] : paths)
    params.emplace_back(param, jmespath::Expression::compile(path));
}

class Delete : public policy::PerResourceAction {
 public:
  Delete(const policy::Spec& spec, const policy::BuildContext& context)
      : PerResourceAction("delete"),
        type_(context.resource),
        deletion_(*context.resource.deletion) {
    compile_into(params_, deletion_.params);
    for (const auto& option : deletion_.options)
      compile_into(params_,
                   spec.optional_bool(option.name, false) ? option.if_true : option.if_false);
    if (!deletion_.when.empty()) when_ = jmespath::Expression::compile(deletion_.when);
  }

 private:
  ActionRecord apply(const Json& resource, ActionContext& context) const override {
    std::string id = context.id_of(resource);
    if (when_ && when_->search(resource) != Json(true))
      return ActionRecord::unchanged(name(), id,
                                     "left as it is: not in a state it can be "
                                     "deleted in (" +
                                         deletion_.when + ")");
    try {
      context.client_for(resource).call(type_.service, deletion_.operation, params_for(resource));
    } catch (const aws::AwsError& e) {
      if (!gone(e)) throw;
      return ActionRecord::unchanged(name(), id, "already deleted");
    }
    ActionRecord record{name(), id};
    record.before = resource;
    record.after = {{"Deleted", true}};
    record.summary = "deleted " + id + " (irreversible: this record keeps it as it was)";
    record.undo = nullptr;
    return record;
  }

  Json params_for(const Json& resource) const {
    Json params = Json::object();
    for (const auto& [param, path] : params_)
      if (Json value = path.search(resource); !value.is_null()) params[param] = std::move(value);
    return params;
  }

  bool gone(const aws::AwsError& e) const {
    auto says = [&](const std::string& answer) {
      if (answer == e.code()) return true;
      std::size_t colon = answer.find(": ");
      return colon != std::string::npos && answer.compare(0, colon, e.code()) == 0 &&
             e.aws_message().find(answer.substr(colon + 2)) != std::string::npos;
    };
    return std::any_of(deletion_.gone_codes.begin(), deletion_.gone_codes.end(), says) ||
           std::any_of(type_.not_found_codes.begin(), type_.not_found_codes.end(), says);
  }

  const ResourceType& type_;
  const ResourceType::Deletion& deletion_;
  Params params_;
  std::optional<jmespath::Expression> when_;
};

policy::ActionInfo delete_info(const ResourceType& type) {
  std::vector<std::string> options;
  for (const auto& option : type.deletion->options) options.push_back(option.name);
  return policy::action_info<Delete>(
      options, {policy::iam_action(type.service, type.deletion->operation)},
      "Delete the resource with " + type.deletion->operation + " (irreversible)");
}

}  // namespace

void register_delete_actions(policy::Registry& registry) {
  // Built when a type is first used, as its tag actions are: start-up does not grow with types.
  for (const ResourceType& type : registry.resources())
    if (type.deletion)
      registry.add_actions_on_first_use(
          type.name, [name = type.name](const policy::Registry& types,
                                        policy::InfoByName<policy::ActionInfo>& actions) {
            actions["delete"] = delete_info(*types.find_resource(name));
          });
}

}  // namespace custos::resources
