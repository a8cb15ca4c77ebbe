// aws.event-rule: EventBridge rules of the default event bus (where GuardDuty and CloudTrail
// deliver), with Cloud Custodian's event-rule-target filter (is a finding routed anywhere?) and
// set-rule-state (an attacker's rule that forwards events, disabled without deleting evidence).
#include "resources/event_rule.h"

#include "aws/client.h"
#include "policy/action.h"
#include "policy/value_filter.h"
#include "resources/tag_actions.h"

namespace custos::resources {
namespace {

using policy::FilterContext;
using policy::Spec;

// event-rule-target (EventRuleTargetFilter): a value filter over the rule's list of targets as
// a whole (key "@": the list; "[].Arn": their ARNs), kept on the rule as c7n:EventRuleTargets.
class EventRuleTarget : public policy::AnnotatingFilter {
 public:
  explicit EventRuleTarget(const Spec& spec) : matcher_(spec) {}

  bool match(const Json& rule, const FilterContext& context) const override {
    return matcher_.matches(targets(rule, context), context);
  }
  std::vector<Json> process(std::vector<Json> rules, const FilterContext& context) const override {
    std::vector<Json> kept;
    for (Json& rule : rules) {
      rule["c7n:EventRuleTargets"] = targets(rule, context);
      if (matcher_.matches(rule["c7n:EventRuleTargets"], context)) kept.push_back(std::move(rule));
    }
    return kept;
  }
  std::vector<std::string> permissions() const override { return {"events:ListTargetsByRule"}; }

 private:
  static Json targets(const Json& rule, const FilterContext& context) {
    if (rule.contains("c7n:EventRuleTargets")) return rule["c7n:EventRuleTargets"];
    return policy::require_client(context, "event-rule-target")
        .call_all("events", "ListTargetsByRule",
                  {{"Rule", rule.value("Name", "")},
                   {"EventBusName", rule.value("EventBusName", "default")}})
        .value("Targets", Json::array());
  }

  policy::ValueMatcher matcher_;
};

// delete's force (Cloud Custodian's): the rule's targets removed first, as EventBridge does not
// delete a rule that has any.
std::string remove_targets(const aws::Client& client, const Json& rule) {
  Json params = {{"Rule", rule.value("Name", "")},
                 {"EventBusName", rule.value("EventBusName", "default")}};
  Json ids = Json::array();
  for (const Json& target :
       client.call_all("events", "ListTargetsByRule", params).value("Targets", Json::array()))
    ids.push_back(target["Id"]);
  if (ids.empty()) return "";
  params["Ids"] = ids;
  client.call("events", "RemoveTargets", params);
  return "; its targets " + ids.dump() + " removed first";
}

// set-rule-state (c7n's SetRuleState): EnableRule or DisableRule. `enabled` defaults to true,
// as c7n's schema documents (its code disables a rule when the key is left out).
class SetRuleState : public policy::PerResourceAction {
 public:
  explicit SetRuleState(const Spec& spec)
      : PerResourceAction("set-rule-state"), enabled_(spec.optional_bool("enabled", true)) {}

 private:
  policy::ActionRecord apply(const Json& rule, policy::ActionContext& context) const override {
    const std::string name = rule.value("Name", "");
    const std::string want = enabled_ ? "ENABLED" : "DISABLED";
    const std::string was = rule.value("State", "");
    if (was == want)
      return policy::ActionRecord::unchanged(this->name(), name, name + " is already " + want);
    Json params = {{"Name", name}};
    if (rule.contains("EventBusName")) params["EventBusName"] = rule["EventBusName"];
    const aws::Client& client = context.client_for(rule);
    client.call("events", enabled_ ? "EnableRule" : "DisableRule", params);
    policy::ActionRecord record{this->name(), name};
    record.before = {{"State", was}};
    record.after = {{"State", want}};
    const std::string& region = client.session().region();
    record.undo = Json::array(
        {policy::undo_call("events", enabled_ ? "DisableRule" : "EnableRule", params, region)});
    record.check = policy::check_call("events", "DescribeRule", params,
                                      "State == " + policy::jmespath_literal(want), region);
    record.summary = (enabled_ ? "enabled " : "disabled ") + name + " (was " + was + ")";
    return record;
  }

  bool enabled_;
};

}  // namespace

void register_event_rule(policy::Registry& registry) {
  registry.add_resource({
      .name = "aws.event-rule",
      .aliases = {"event-rule"},
      .service = "events",
      .enumerate_operation = "ListRules",
      .result_path = "Rules[]",
      .lookup = policy::ResourceType::Lookup::kEnumerate,
      .id_field = "Name",
      .name_field = "Name",
      .arn_field = "Arn",
      .report_fields = {"Name", "State", "EventPattern", "ScheduleExpression"},
      .actions = {policy::ResourceType::CallAction{
          .operation = "DeleteRule",
          .params = {{"Name", "Name"}, {"EventBusName", "EventBusName"}},
          .options = {{.name = "force", .prepare = remove_targets}},
          .gone_codes = {"ResourceNotFoundException"}}},
  });
  registry.add_filter("aws.event-rule", "event-rule-target",
                      policy::filter_info<EventRuleTarget>(
                          policy::value_filter_options(),
                          "Rules by their targets as one list (key \"@\": the list; "
                          "\"[].Arn\": their ARNs), e.g. key: length(@), op: gt, value: 0",
                          {"events:ListTargetsByRule"}));
  registry.add_action("aws.event-rule", "set-rule-state",
                      policy::action_info<SetRuleState>(
                          {"enabled"}, {"events:EnableRule", "events:DisableRule"},
                          "Enable the rule (enabled: true, the default) or disable it"));
}

}  // namespace custos::resources
