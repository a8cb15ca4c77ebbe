// Compiling policies against a registry (with a stand-in resource type and actions), and
// deciding from an EventBridge event which resources a policy should act on.
#include "policy/policy.h"

#include <gtest/gtest.h>

#include <string>

#include "policy/core_filters.h"
#include "policy/event.h"
#include "support/paths.h"

namespace custos::policy {
namespace {

// Keeps the option it was built with, so tests can see what the factory received.
class FakeAction : public Action {
 public:
  explicit FakeAction(std::string note) : note_(std::move(note)) {}
  std::vector<ActionRecord> process(const std::vector<Json>&, ActionContext&) const override {
    return {};
  }
  const std::string& note() const { return note_; }

 private:
  std::string note_;
};

ActionInfo fake_action() {
  ActionInfo info;
  info.factory = [](const Spec& spec, const BuildContext&) -> ActionPtr {
    spec.allow_keys({"note"}, "this action");
    return std::make_unique<FakeAction>(spec.optional_string("note", "plain"));
  };
  return info;
}

const Registry& test_registry() {
  static const Registry registry = [] {
    Registry r;
    register_core_filters(r);
    ResourceType instance;
    instance.name = "test.instance";
    instance.aliases = {"instance"};
    instance.guard_duty = {
        {.resource_type = "Instance", .ids = "detail.resource.instanceDetails.instanceId"}};
    r.add_resource(instance);
    ResourceType bucket;
    bucket.name = "test.bucket";
    bucket.aliases = {"bucket"};
    r.add_resource(bucket);
    r.add_action("test.instance", "mark", fake_action());
    return r;
  }();
  return registry;
}

std::vector<Policy> compile(const std::string& text) {
  return compile_policies(SourceDocument::parse(text, "p.yml"), test_registry());
}

std::string compile_error(const std::string& text) {
  try {
    compile(text);
  } catch (const PolicyError& e) {
    return e.what();
  }
  return "";
}

Json sample_event(const std::string& name) {
  return load_event_file(custos::test::data_path("events/" + name));
}

// The same finding as GuardDuty reports a real one (the samples say "sample": true).
Json real_finding(const std::string& name) {
  Json event = sample_event(name);
  event["detail"]["service"]["additionalInfo"]["sample"] = false;
  return event;
}

const char* kEc2Finding = "cloud-custodian_ec2-duty-event_Backdoor-EC2-CnCActivity.B-DNS.json";
const char* kIamFinding =
    "cloud-custodian_iam-duty-event_UnauthorizedAccess-IAMUser-TorIPCaller.json";

const char* kGuardDutyPolicy =
    "policies:\n"
    "  - name: contain\n"
    "    resource: test.instance\n"
    "    mode: {type: guard-duty, role: 'arn:aws:iam::1:role/x', memory: 128}\n"
    "    filters:\n"
    "      - {type: event, key: detail.severity, op: gte, value: 4}\n"
    "    actions: [mark]\n";

TEST(Registry, FindsResourcesByNameOrAlias) {
  const Registry& r = test_registry();
  ASSERT_NE(r.find_resource("test.instance"), nullptr);
  EXPECT_EQ(r.find_resource("instance"), r.find_resource("test.instance"));
  EXPECT_EQ(r.find_resource("bucket")->name, "test.bucket");
  EXPECT_EQ(r.find_resource("aws.ec2"), nullptr);
  EXPECT_EQ(r.find_resource("test"), nullptr);
  EXPECT_EQ(r.resource_names(), (std::vector<std::string>{"test.instance", "test.bucket"}));
}

TEST(CompilePolicies, KeepsOrderNamesResourcesModesFiltersAndActions) {
  auto policies = compile(
      "vars: {anything: 1}\n"
      "policies:\n"
      "  - name: first\n"
      "    resource: instance\n"
      "    description: kept as data\n"
      "    filters: [{State.Name: running}, {Id: i-1}]\n"
      "    actions:\n"
      "      - mark\n"
      "      - {type: mark, note: second}\n"
      "  - name: second_one\n"
      "    resource: test.bucket\n");
  ASSERT_EQ(policies.size(), 2u);
  const Policy& first = policies[0];
  EXPECT_EQ(first.name, "first");
  EXPECT_EQ(first.resource, test_registry().find_resource("test.instance"));
  EXPECT_EQ(first.mode.type, "pull");
  EXPECT_FALSE(first.mode.is_event());
  EXPECT_EQ(first.filters.size(), 2u);
  ASSERT_EQ(first.actions.size(), 2u);
  EXPECT_EQ(first.actions[0].first, "mark");
  EXPECT_EQ(first.actions[1].first, "mark");
  EXPECT_EQ(first.data["description"], "kept as data");
  EXPECT_EQ(first.location.str(), "p.yml:3:5");

  auto note = [](const ActionPtr& action) {
    return dynamic_cast<const FakeAction&>(*action).note();
  };
  EXPECT_EQ(note(first.actions[0].second), "plain");
  EXPECT_EQ(note(first.actions[1].second), "second");

  EXPECT_EQ(policies[1].resource->name, "test.bucket");
  EXPECT_TRUE(policies[1].filters.empty());
  EXPECT_TRUE(policies[1].actions.empty());
  EXPECT_EQ(policies[1].filter_resources({Json{{"Name", "b"}}}, FilterContext{}).size(), 1u);
}

TEST(CompilePolicies, EmptyPolicyListIsValid) { EXPECT_TRUE(compile("policies: []\n").empty()); }

TEST(CompilePolicies, GuardDutyModeKeepsItsDeploymentSettings) {
  auto policies = compile(kGuardDutyPolicy);
  const Policy& p = policies.at(0);
  EXPECT_EQ(p.mode.type, "guard-duty");
  EXPECT_TRUE(p.mode.is_event());
  EXPECT_EQ(p.mode.data["memory"], 128);
  Json event = sample_event(kEc2Finding);
  EXPECT_EQ(p.filter_resources({Json{{"Id", "i-99999999"}}}, FilterContext{&event}).size(), 1u);
  event["detail"]["severity"] = 3.9;
  EXPECT_TRUE(p.filter_resources({Json{{"Id", "i-99999999"}}}, FilterContext{&event}).empty());
}

TEST(CompilePolicies, NamesFollowCloudCustodiansPattern) {
  for (const char* good : {"a", "ec2-stop", "A1-b2--c3", "snake_case", "_lead", "x9"}) {
    SCOPED_TRACE(good);
    EXPECT_EQ(compile_error(std::string("policies: [{name: ") + good + ", resource: bucket}]"), "");
  }
  for (const char* bad : {"1st", "-a", "a-", "has space", "dot.ted", "ümlaut", "a/b", "''"}) {
    SCOPED_TRACE(bad);
    std::string message =
        compile_error(std::string("policies: [{name: ") + bad + ", resource: bucket}]");
    EXPECT_EQ(message.rfind("p.yml:1:19: ", 0), 0u) << message;
    EXPECT_NE(message.find("must start with a letter"), std::string::npos) << message;
  }
}

TEST(CompilePolicies, LongNamesAreCheckedWhole) {
  std::string name(60, 'a');
  EXPECT_EQ(compile_error("policies: [{name: " + name + "-b, resource: bucket}]"), "");
  std::string message = compile_error("policies: [{name: '" + name + "!', resource: bucket}]");
  EXPECT_EQ(message.rfind("p.yml:1:19: policy '" + name + "!': the name must start", 0), 0u)
      << message;
}

TEST(CompilePolicies, ErrorsNameThePolicyAndPosition) {
  struct Case {
    std::string text, expected;
  };
  const Case cases[] = {
      {"- a\n", "p.yml:1:1: a policy file is a mapping with a 'policies:' list"},
      {"policies: {}\n", "p.yml:1:11: 'policies' must be a list"},
      {"policies: []\nextra: 1\n",
       "p.yml:2:1: unknown key 'extra' in the policy file (allowed: policies, vars)"},
      {"policies: [name]\n", "p.yml:1:12: each policy must be a mapping with name and resource"},
      {"policies: [{resource: bucket}]\n", "p.yml:1:12: policy has no 'name'"},
      {"policies: [{name: [x], resource: bucket}]\n",
       "p.yml:1:19: 'name' must be a string, not a list"},
      {"policies: [{name: x}]\n", "p.yml:1:12: policy 'x': policy needs a 'resource'"},
      {"policies: [{name: x, resource: 5}]\n",
       "p.yml:1:32: policy 'x': 'resource' must be a string (e.g. aws.ec2), not a number"},
      {"policies: [{name: x, resource: nosuch}]\n",
       "p.yml:1:32: policy 'x': unknown resource type 'nosuch' (known: test.instance, "
       "test.bucket)"},
      {"policies: [{name: x, resource: bucket, query: [{Color: blue}]}]\n",
       "p.yml:1:40: policy 'x': 'query' is not supported on test.bucket (it has no listing call)"},
      {"policies: [{name: x, resource: bucket, source: config}]\n",
       "p.yml:1:40: policy 'x': 'source' is not supported by custos yet"},
      {"policies: [{name: x, resource: bucket, description: [a]}]\n",
       "p.yml:1:53: policy 'x': 'description' must be a string, not a list"},
      {"policies: [{name: x, resource: bucket, tags: [a, 1]}]\n",
       "p.yml:1:46: policy 'x': 'tags' must be a list of strings"},
      {"policies: [{name: x, resource: bucket, metadata: [a]}]\n",
       "p.yml:1:50: policy 'x': 'metadata' must be a mapping, not a list"},
      {"policies: []\nvars: [a]\n",
       "p.yml:2:7: 'vars' must be a mapping (NAME: VALUE, for {NAME} in policies), not a list"},
      {"policies: [{name: x, resource: bucket, max-resources: 0}]\n",
       "p.yml:1:55: policy 'x': 'max-resources' must be a whole number of at least 1 or a mapping "
       "{amount, percent, op}, not 0"},
      {"policies: [{name: x, resource: bucket, max-resources: {amount: 2.5}}]\n",
       "p.yml:1:64: policy 'x': 'amount' must be a whole number of at least 1, not 2.5"},
      {"policies: [{name: x, resource: bucket, max-resources: {percent: 101}}]\n",
       "p.yml:1:65: policy 'x': 'percent' must be a percentage from 0 to 100, not 101"},
      {"policies: [{name: x, resource: bucket, max-resources: {op: xor}}]\n",
       "p.yml:1:60: policy 'x': 'op' must be 'and' or 'or', not 'xor'"},
      {"policies: [{name: x, resource: bucket, max-resources: {limit: 1}}]\n",
       "p.yml:1:56: policy 'x': unknown key 'limit' in max-resources (allowed: amount, percent, "
       "op)"},
      {"policies: [{name: x, resource: bucket, max-resources-percent: -1}]\n",
       "p.yml:1:63: policy 'x': 'max-resources-percent' must be a percentage from 0 to 100, not "
       "-1"},
      {"policies: [{name: x, resource: bucket, nosuch: 1}]\n",
       "p.yml:1:40: policy 'x': unknown policy key 'nosuch'"},
      {"policies: [{name: x, resource: bucket}, {name: x, resource: instance}]\n",
       "p.yml:1:48: policy 'x': duplicate policy name 'x'"},
      {"policies: [{name: x, resource: bucket, filters: {a: 1}}]\n",
       "p.yml:1:49: policy 'x': 'filters' must be a list, not a mapping"},
      {"policies: [{name: x, resource: bucket, actions: mark}]\n",
       "p.yml:1:49: policy 'x': 'actions' must be a list, not a string"},
      {"policies: [{name: x, resource: bucket, actions: [mark]}]\n",
       "p.yml:1:50: policy 'x': unknown action 'mark' for test.bucket (known actions: none)"},
      {"policies: [{name: x, resource: instance, actions: [stop]}]\n",
       "p.yml:1:52: policy 'x': unknown action 'stop' for test.instance (known actions: mark)"},
      {"policies: [{name: x, resource: instance, actions: [{note: y}]}]\n",
       "p.yml:1:52: policy 'x': action has no 'type'"},
      {"policies: [{name: x, resource: instance, actions: [{type: mark, notes: y}]}]\n",
       "p.yml:1:65: policy 'x': unknown key 'notes' in this action (allowed: note)"},
      {"policies: [{name: x, resource: instance, actions: [{type: mark, note: 1}]}]\n",
       "p.yml:1:71: policy 'x': 'note' must be a string, not a number"},
      {"policies: [{name: x, resource: bucket, mode: guard-duty}]\n",
       "p.yml:1:46: policy 'x': 'mode' must be a mapping with a 'type'"},
      {"policies: [{name: x, resource: bucket, mode: {type: nosuch}}]\n",
       "p.yml:1:53: policy 'x': unknown mode 'nosuch' (supported: pull, guard-duty, cloudtrail, "
       "ec2-instance-state, periodic, config-rule, config-poll-rule)"},
      {"policies: [{name: x, resource: bucket, mode: {type: schedule}}]\n",
       "p.yml:1:53: policy 'x': mode 'schedule' is not supported by custos yet"},
      {"policies: [{name: x, resource: bucket, mode: {type: guard-duty}}]\n",
       "p.yml:1:53: policy 'x': mode guard-duty does not apply to test.bucket"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    std::string message = compile_error(c.text);
    EXPECT_EQ(message.rfind(c.expected, 0), 0u) << message;
  }
}

TEST(ParseEvent, AcceptsTheGuardDutySample) {
  Json event = sample_event(kEc2Finding);
  EXPECT_EQ(event["source"], "aws.guardduty");
  EXPECT_EQ(event["detail"]["resource"]["instanceDetails"]["instanceId"], "i-99999999");
}

TEST(ParseEvent, RejectsWhatIsNotAnEventBridgeEvent) {
  struct Case {
    std::string text, expected;
  };
  const Case cases[] = {
      {"{\n  \"source\": ,\n}", "e.json:2:13: invalid JSON in event: "},
      {"[1]", "e.json: an event must be a JSON object"},
      {R"({"detail-type": "x", "detail": {}})", "e.json: not an EventBridge event: 'source'"},
      {R"({"source": 1, "detail-type": "x", "detail": {}})",
       "e.json: not an EventBridge event: 'source' is missing or not a string"},
      {R"({"source": "s", "detail": {}})", "e.json: not an EventBridge event: 'detail-type'"},
      {R"({"source": "s", "detail-type": "x", "detail": []})",
       "e.json: not an EventBridge event: 'detail' is missing or not an object"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    try {
      parse_event(c.text, "e.json");
      ADD_FAILURE() << "no error";
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()).rfind(c.expected, 0), 0u) << e.what();
    }
  }
  EXPECT_THROW(load_event_file(custos::test::data_path("events/nosuch.json")), InputError);
}

TEST(EventTarget, GuardDutyInstanceFindingNamesTheInstance) {
  auto policies = compile(kGuardDutyPolicy);
  EventTarget target = event_target(policies.at(0), real_finding(kEc2Finding));
  EXPECT_TRUE(target.applies) << target.reason;
  EXPECT_EQ(target.resource_ids, std::vector<std::string>{"i-99999999"});
}

TEST(EventTarget, SampleFindingsAreSkippedUnlessTheModeIncludesThem) {
  EventTarget target = event_target(compile(kGuardDutyPolicy).at(0), sample_event(kEc2Finding));
  EXPECT_FALSE(target.applies);
  EXPECT_EQ(target.reason,
            "a GuardDuty sample finding (set include-samples: true in the mode to act on it)");
  auto including = compile(
      "policies: [{name: x, resource: instance, mode: {type: guard-duty, include-samples: true}}]");
  target = event_target(including.at(0), sample_event(kEc2Finding));
  EXPECT_TRUE(target.applies) << target.reason;
  EXPECT_EQ(target.resource_ids, std::vector<std::string>{"i-99999999"});
}

TEST(EventTarget, PullModeIgnoresEvents) {
  auto policies = compile("policies: [{name: x, resource: instance}]");
  EventTarget target = event_target(policies.at(0), sample_event(kEc2Finding));
  EXPECT_FALSE(target.applies);
  EXPECT_EQ(target.reason, "pull-mode policies do not react to events");
  EXPECT_TRUE(target.resource_ids.empty());
}

TEST(EventTarget, FindingAboutAnotherResourceTypeDoesNotApply) {
  auto policies = compile(kGuardDutyPolicy);
  EventTarget target = event_target(policies.at(0), real_finding(kIamFinding));
  EXPECT_FALSE(target.applies);
  EXPECT_EQ(target.reason,
            "the finding is about a resource of type 'AccessKey', not one of test.instance's "
            "(Instance)");
  EXPECT_TRUE(target.resource_ids.empty());
}

TEST(EventTarget, EventFromAnotherSourceDoesNotApply) {
  auto policies = compile(kGuardDutyPolicy);
  Json event = real_finding(kEc2Finding);
  event["source"] = "aws.ec2";
  EventTarget target = event_target(policies.at(0), event);
  EXPECT_FALSE(target.applies);
  EXPECT_EQ(target.reason, "mode guard-duty reacts to source aws.guardduty, not aws.ec2");
}

TEST(EventTarget, InstanceFindingWithoutAnIdIsAnInputError) {
  auto policies = compile(kGuardDutyPolicy);
  Json event = real_finding(kEc2Finding);
  event["detail"]["resource"]["instanceDetails"].erase("instanceId");
  try {
    event_target(policies.at(0), event);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "event: GuardDuty finding for Instance has no "
              "detail.resource.instanceDetails.instanceId (policy 'contain' needs it)");
  }
  event["detail"]["resource"]["instanceDetails"]["instanceId"] = "";
  EXPECT_THROW(event_target(policies.at(0), event), InputError);
}

TEST(FilterResources, RecordsMatchedFiltersAsCloudCustodiansSetAnnotation) {
  auto p = compile(
      "policies: [{name: x, resource: bucket, filters: [{Name: b}, "
      "{type: value, key: Name, value: b}, {Size: 1}, {Missing: absent}]}]\n");
  std::vector<Json> resources = {Json{{"Name", "b"}, {"Size", 1}}, Json{{"Name", "c"}}};
  auto kept = p[0].filter_resources(resources, FilterContext{.annotate = true});
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0]["c7n:MatchedFilters"], Json({"Name", "Name", "Size", "Missing"}));
  kept = p[0].filter_resources(resources, FilterContext{});
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_FALSE(kept[0].contains("c7n:MatchedFilters"));
}

// The exception's message, or "" when the limit holds.
std::string limit_error(const ResourceLimit& limit, std::size_t selected, std::size_t population) {
  try {
    limit.check("p", selected, population);
  } catch (const ResourceLimitExceeded& e) {
    return e.what();
  }
  return "";
}

TEST(ResourceLimit, CompilesEveryFormCloudCustodianAccepts) {
  auto p = compile("policies: [{name: x, resource: bucket, max-resources: 3}]\n");
  EXPECT_EQ(p[0].limit.amount, 3);
  EXPECT_TRUE(p[0].limit.percent.is_null());
  p = compile(
      "policies: [{name: x, resource: bucket, max-resources: {amount: 4, percent: 10, op: "
      "and}}]\n");
  EXPECT_EQ(p[0].limit.amount, 4);
  EXPECT_EQ(p[0].limit.percent, 10);
  EXPECT_EQ(p[0].limit.op, "and");
  p = compile("policies: [{name: x, resource: bucket, max-resources-percent: 12.5}]\n");
  EXPECT_FALSE(p[0].limit.amount);
  EXPECT_EQ(p[0].limit.percent, 12.5);
  p = compile("policies: [{name: x, resource: bucket}]\n");
  EXPECT_EQ(limit_error(p[0].limit, 1000000, 1000000), "");
}

TEST(ResourceLimit, ChecksAsCloudCustodiansMaxResourceLimit) {
  ResourceLimit amount;
  amount.amount = 2;
  EXPECT_EQ(limit_error(amount, 2, 10), "");
  EXPECT_EQ(limit_error(amount, 3, 10), "policy:p exceeded resource-limit:2 found:3 total: 10");

  ResourceLimit percent;
  percent.percent = 50;
  EXPECT_EQ(limit_error(percent, 5, 10), "");
  EXPECT_EQ(limit_error(percent, 6, 10), "policy:p exceeded resource-limit:50% found:6 total:10");
  EXPECT_EQ(limit_error(percent, 0, 0), "");
  percent.percent = 0;  // 0% means no percentage limit
  EXPECT_EQ(limit_error(percent, 6, 10), "");

  ResourceLimit both;  // "or": either limit stops the policy
  both.amount = 5;
  both.percent = 10;
  both.op = "or";
  EXPECT_EQ(limit_error(both, 2, 10), "policy:p exceeded resource-limit:10% found:2 total:10");
  both.op = "and";  // "and": only both together do
  EXPECT_EQ(limit_error(both, 2, 10), "");
  EXPECT_EQ(limit_error(both, 6, 100), "");
  EXPECT_EQ(limit_error(both, 6, 10),
            "policy:p exceeded resource-limit:5 and percentage-limit:10% found:6 total:10");
}

TEST(ExpandVariables, RecompilesThePolicyWithItsStringsFormatted) {
  auto policies = compile(
      "vars: {team: sec}\n"
      "policies:\n"
      "  - name: p\n"
      "    resource: instance\n"
      "    description: owned by {team} in {region}\n"
      "    mode: {type: guard-duty, member-role: 'arn:aws:iam::{account_id}:role/x'}\n"
      "    filters:\n"
      "      - {type: value, key: Team, value: '{team}'}\n"
      "    actions:\n"
      "      - {type: mark, note: '{nosuch}-{team}'}\n");
  const Policy& raw = policies[0];
  EXPECT_EQ(raw.vars, Json({{"team", "sec"}}));
  Variables vars;
  vars.set("team", raw.vars["team"]);
  vars.set("region", "eu-west-1");
  auto expanded = expand_variables(raw, vars, test_registry());
  ASSERT_TRUE(expanded);
  EXPECT_EQ(expanded->data["description"], "owned by sec in eu-west-1");
  EXPECT_EQ(expanded->data["mode"]["member-role"], "arn:aws:iam::{account_id}:role/x");
  EXPECT_EQ(expanded->data["actions"][0]["note"], "{nosuch}-{team}");
  EXPECT_EQ(expanded->vars, raw.vars);
  EXPECT_EQ(expanded->location.file, "p.yml");
  EXPECT_EQ(
      expanded->filter_resources({Json{{"Team", "sec"}}, Json{{"Team", "{team}"}}}, {}).size(), 1u);
  EXPECT_EQ(raw.filter_resources({Json{{"Team", "sec"}}, Json{{"Team", "{team}"}}}, {})[0]["Team"],
            "{team}");
}

TEST(ExpandVariables, NothingToExpandKeepsThePolicy) {
  auto policies = compile("policies: [{name: p, resource: instance, description: '{nosuch}'}]\n");
  Variables vars;
  vars.set("region", "eu-west-1");
  EXPECT_FALSE(expand_variables(policies[0], vars, test_registry()));
}

TEST(ExpandVariables, BadFormatIsAPolicyErrorAndBadResultsAreCompileErrors) {
  auto policies = compile(
      "policies:\n"
      "  - {name: p, resource: instance, description: 'a}'}\n"
      "  - {name: q, resource: instance, actions: [{type: mark, note: '{number}'}]}\n");
  Variables vars;
  vars.set("number", 5);
  try {
    expand_variables(policies[0], vars, test_registry());
    ADD_FAILURE() << "expanded";
  } catch (const PolicyError& e) {
    EXPECT_EQ(std::string(e.what()),
              "p.yml:2:5: policy 'p': cannot expand variables in 'a}': Single '}' encountered in "
              "format string");
  }
  try {
    expand_variables(policies[1], vars, test_registry());
    ADD_FAILURE() << "expanded";
  } catch (const PolicyError& e) {
    EXPECT_NE(std::string(e.what()).find("p.yml (after variable expansion):"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("policy 'q': 'note' must be a string, not a number"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace custos::policy
