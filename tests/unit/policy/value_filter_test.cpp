// The value filter and its companions (and/or/not, event) against Cloud Custodian's
// semantics (c7n/filters/core.py ValueFilter.match and OPERATORS).
#include <gtest/gtest.h>

#include <string>

#include "policy/core_filters.h"
#include "policy/policy.h"
#include "policy/registry.h"
#include "policy/source.h"

namespace custos::policy {
namespace {

const Registry& test_registry() {
  static const Registry registry = [] {
    Registry r;
    register_core_filters(r);
    ResourceType thing;
    thing.name = "test.thing";
    thing.aliases = {"thing"};
    thing.guard_duty_id_path = "detail.resource.instanceDetails.instanceId";
    thing.guard_duty_resource_type = "Instance";
    r.add_resource(thing);
    return r;
  }();
  return registry;
}

// The filter entry is written on line 5 (or 6 with a mode), after "      - ".
std::string policy_text(const std::string& filter, bool event_mode) {
  return std::string("policies:\n") + "  - name: t\n" + "    resource: test.thing\n" +
         (event_mode ? "    mode: {type: guard-duty}\n" : "") + "    filters:\n" + "      - " +
         filter + "\n";
}

Policy compile_one(const std::string& filter, bool event_mode = false) {
  auto source = SourceDocument::parse(policy_text(filter, event_mode), "f.yml");
  auto policies = compile_policies(source, test_registry());
  EXPECT_EQ(policies.size(), 1u);
  return std::move(policies.at(0));
}

bool match(const std::string& filter, const Json& resource) {
  return compile_one(filter).matches(resource, FilterContext{});
}

// The message of the PolicyError that compiling `filter` throws ("" when none).
std::string compile_error(const std::string& filter, bool event_mode = false) {
  try {
    compile_one(filter, event_mode);
  } catch (const PolicyError& e) {
    return e.what();
  }
  return "";
}

// "f.yml:LINE:COL" of the first `needle` in the filter line.
std::string at(const std::string& filter, const std::string& needle, int line = 5) {
  return "f.yml:" + std::to_string(line) + ":" + std::to_string(9 + filter.find(needle));
}

const Json kRunning = {{"InstanceId", "i-1"},
                       {"State", {{"Name", "running"}, {"Code", 16}}},
                       {"CpuCount", 2},
                       {"Ratio", 0.5},
                       {"Name", "web-01"},
                       {"Empty", ""},
                       {"Nothing", nullptr},
                       {"Zero", 0},
                       {"NoList", Json::array()},
                       {"Groups", {"sg-a", "sg-b"}},
                       {"Tags",
                        {{{"Key", "Name"}, {"Value", "web"}},
                         {{"Key", "env"}, {"Value", "prod"}},
                         {{"Key", "env"}, {"Value", "second-env-is-ignored"}},
                         {{"Key", "novalue"}}}}};

TEST(ValueFilterEq, ComparesTheValueAtTheKey) {
  EXPECT_TRUE(match("{type: value, key: State.Name, value: running}", kRunning));
  EXPECT_FALSE(match("{type: value, key: State.Name, value: stopped}", kRunning));
  EXPECT_TRUE(match("{type: value, key: State.Name, op: eq, value: running}", kRunning));
  EXPECT_TRUE(match("{type: value, key: State.Name, op: equal, value: running}", kRunning));
  EXPECT_FALSE(match("{type: value, key: State.Name, op: equal, value: Running}", kRunning));
}

TEST(ValueFilterEq, MissingKeyIsNone) {
  EXPECT_FALSE(match("{type: value, key: Missing, value: running}", kRunning));
  EXPECT_TRUE(match("{type: value, key: Missing, value: null}", kRunning));
  EXPECT_TRUE(match("{type: value, key: Nothing, value: null}", kRunning));
  EXPECT_TRUE(match("{type: value, key: State.Missing.Deeper, value: null}", kRunning));
  EXPECT_FALSE(match("{type: value, key: Empty, value: null}", kRunning));
}

TEST(ValueFilterEq, IntAndFloatCompareByValueButStringsDoNot) {
  EXPECT_TRUE(match("{type: value, key: CpuCount, value: 2.0}", kRunning));
  EXPECT_TRUE(match("{type: value, key: Ratio, value: 0.50}", kRunning));
  EXPECT_TRUE(match("{type: value, key: State.Code, value: 16}", kRunning));
  EXPECT_FALSE(match("{type: value, key: CpuCount, value: '2'}", kRunning));
  EXPECT_FALSE(match("{type: value, key: CpuCount, value: \"2\"}", kRunning));
  EXPECT_TRUE(match("{type: value, key: CpuCount, value: 2}", {{"CpuCount", 2.0}}));
}

TEST(ValueFilterEq, ListsAndYamlBooleans) {
  EXPECT_TRUE(match("{type: value, key: Groups, value: [sg-a, sg-b]}", kRunning));
  EXPECT_FALSE(match("{type: value, key: Groups, value: [sg-b, sg-a]}", kRunning));
  Json doc = {{"Flag", true}, {"Text", "yes"}};
  EXPECT_TRUE(match("{type: value, key: Flag, value: yes}", doc));
  EXPECT_TRUE(match("{type: value, key: Flag, value: on}", doc));
  EXPECT_FALSE(match("{type: value, key: Text, value: yes}", doc));
  EXPECT_TRUE(match("{type: value, key: Text, value: 'yes'}", doc));
}

TEST(ValueFilterShorthand, KeyValueMapping) {
  EXPECT_TRUE(match("{State.Name: running}", kRunning));
  EXPECT_FALSE(match("{State.Name: stopped}", kRunning));
  EXPECT_TRUE(match("{\"tag:Name\": web}", kRunning));
  EXPECT_TRUE(match("{\"tag:Name\": present}", kRunning));
  EXPECT_TRUE(match("{\"tag:Owner\": absent}", kRunning));
  EXPECT_TRUE(match("{Missing: null}", kRunning));
  EXPECT_TRUE(match("{Missing: }", kRunning));
}

TEST(ValueFilterNe, IsTheNegationOfEquality) {
  EXPECT_TRUE(match("{type: value, key: State.Name, op: ne, value: stopped}", kRunning));
  EXPECT_FALSE(match("{type: value, key: State.Name, op: not-equal, value: running}", kRunning));
  EXPECT_TRUE(match("{type: value, key: Missing, op: ne, value: running}", kRunning));
  EXPECT_FALSE(match("{type: value, key: Missing, op: ne, value: null}", kRunning));
  EXPECT_FALSE(match("{type: value, key: CpuCount, op: ne, value: 2.0}", kRunning));
  EXPECT_TRUE(match("{type: value, key: CpuCount, op: ne, value: '2'}", kRunning));
}

TEST(ValueFilterSpecialValues, AbsentAndPresent) {
  EXPECT_TRUE(match("{type: value, key: Missing, value: absent}", kRunning));
  EXPECT_TRUE(match("{type: value, key: Nothing, value: absent}", kRunning));
  EXPECT_FALSE(match("{type: value, key: Empty, value: absent}", kRunning));
  EXPECT_FALSE(match("{type: value, key: Missing, value: present}", kRunning));
  EXPECT_FALSE(match("{type: value, key: Nothing, value: present}", kRunning));
  EXPECT_TRUE(match("{type: value, key: Empty, value: present}", kRunning));
  EXPECT_TRUE(match("{type: value, key: Zero, value: present}", kRunning));
  // The special values win over the operator, as in ValueFilter.match.
  EXPECT_TRUE(match("{type: value, key: Missing, op: regex, value: absent}", kRunning));
}

TEST(ValueFilterSpecialValues, NotNullAndEmptyUsePythonTruth) {
  for (const char* key : {"Missing", "Nothing", "Empty", "Zero", "NoList"}) {
    SCOPED_TRACE(key);
    EXPECT_FALSE(match(std::string("{type: value, key: ") + key + ", value: not-null}", kRunning));
    EXPECT_TRUE(match(std::string("{type: value, key: ") + key + ", value: empty}", kRunning));
  }
  for (const char* key : {"Name", "CpuCount", "Groups", "State"}) {
    SCOPED_TRACE(key);
    EXPECT_TRUE(match(std::string("{type: value, key: ") + key + ", value: not-null}", kRunning));
    EXPECT_FALSE(match(std::string("{type: value, key: ") + key + ", value: empty}", kRunning));
  }
  EXPECT_TRUE(match("{type: value, key: 'Off', value: empty}", {{"Off", false}}));
  EXPECT_TRUE(match("{type: value, key: Obj, value: empty}", {{"Obj", Json::object()}}));
}

TEST(ValueFilterOrdering, NumbersMixIntAndFloat) {
  EXPECT_TRUE(match("{type: value, key: CpuCount, op: gt, value: 1}", kRunning));
  EXPECT_FALSE(match("{type: value, key: CpuCount, op: gt, value: 2}", kRunning));
  EXPECT_TRUE(match("{type: value, key: CpuCount, op: greater-than, value: 1.5}", kRunning));
  EXPECT_TRUE(match("{type: value, key: CpuCount, op: ge, value: 2.0}", kRunning));
  EXPECT_TRUE(match("{type: value, key: CpuCount, op: gte, value: 2}", kRunning));
  EXPECT_FALSE(match("{type: value, key: CpuCount, op: gte, value: 3}", kRunning));
  EXPECT_TRUE(match("{type: value, key: Ratio, op: lt, value: 1}", kRunning));
  EXPECT_FALSE(match("{type: value, key: Ratio, op: less-than, value: 0.5}", kRunning));
  EXPECT_TRUE(match("{type: value, key: Ratio, op: le, value: 0.5}", kRunning));
  EXPECT_TRUE(match("{type: value, key: Ratio, op: lte, value: 0.5}", kRunning));
  EXPECT_FALSE(match("{type: value, key: Ratio, op: lte, value: 0.25}", kRunning));
  EXPECT_TRUE(
      match("{type: value, key: Big, op: gt, value: -1}", {{"Big", 18446744073709551615u}}));
}

TEST(ValueFilterOrdering, StringsAndListsCompareLikePython) {
  EXPECT_TRUE(match("{type: value, key: Name, op: gt, value: web-00}", kRunning));
  EXPECT_TRUE(match("{type: value, key: Name, op: lt, value: web-1}", kRunning));
  EXPECT_TRUE(match("{type: value, key: Name, op: gt, value: Web-99}", kRunning));  // 'w' > 'W'
  EXPECT_TRUE(match("{type: value, key: Groups, op: lt, value: [sg-a, sg-c]}", kRunning));
  EXPECT_TRUE(match("{type: value, key: Groups, op: gt, value: [sg-a]}", kRunning));
}

TEST(ValueFilterOrdering, TypeMismatchNeverMatches) {
  for (const char* op : {"gt", "ge", "lt", "le"}) {
    SCOPED_TRACE(op);
    std::string with_op = std::string("op: ") + op;
    EXPECT_FALSE(match("{type: value, key: CpuCount, " + with_op + ", value: '2'}", kRunning));
    EXPECT_FALSE(match("{type: value, key: Name, " + with_op + ", value: 5}", kRunning));
    EXPECT_FALSE(match("{type: value, key: Missing, " + with_op + ", value: 5}", kRunning));
    EXPECT_FALSE(match("{type: value, key: Nothing, " + with_op + ", value: 5}", kRunning));
    EXPECT_FALSE(match("{type: value, key: Groups, " + with_op + ", value: 5}", kRunning));
  }
}

TEST(ValueFilterGlob, MatchesTheWholeStringCaseSensitively) {
  EXPECT_TRUE(match("{type: value, key: Name, op: glob, value: 'web-*'}", kRunning));
  EXPECT_TRUE(match("{type: value, key: Name, op: glob, value: 'web-0?'}", kRunning));
  EXPECT_TRUE(match("{type: value, key: Name, op: glob, value: '*-[0-9][0-9]'}", kRunning));
  EXPECT_FALSE(match("{type: value, key: Name, op: glob, value: 'web'}", kRunning));
  EXPECT_FALSE(match("{type: value, key: Name, op: glob, value: 'WEB-*'}", kRunning));
  EXPECT_FALSE(match("{type: value, key: Name, op: glob, value: '[!w]*'}", kRunning));
  EXPECT_TRUE(match("{type: value, key: P, op: glob, value: 'a/*'}", {{"P", "a/b/c"}}));
  EXPECT_TRUE(match("{type: value, key: P, op: glob, value: '*'}", {{"P", ".hidden"}}));
  EXPECT_TRUE(match("{type: value, key: P, op: glob, value: 'a\\*'}", {{"P", "a\\x"}}));
  EXPECT_FALSE(match("{type: value, key: CpuCount, op: glob, value: '*'}", kRunning));
  EXPECT_FALSE(match("{type: value, key: Missing, op: glob, value: '*'}", kRunning));
}

TEST(ValueFilterRegex, MatchesAtTheStartButNotNecessarilyTheEnd) {
  EXPECT_TRUE(match("{type: value, key: Name, op: regex, value: 'web'}", kRunning));
  EXPECT_TRUE(match("{type: value, key: Name, op: regex, value: 'web-\\d+$'}", kRunning));
  EXPECT_FALSE(match("{type: value, key: Name, op: regex, value: '-01'}", kRunning));
  EXPECT_FALSE(match("{type: value, key: Name, op: regex, value: 'web$'}", kRunning));
  EXPECT_TRUE(match("{type: value, key: Name, op: regex, value: '.*-01'}", kRunning));
}

TEST(ValueFilterRegex, RegexIgnoresCaseAndRegexCaseDoesNot) {
  EXPECT_TRUE(match("{type: value, key: Name, op: regex, value: 'WEB-0[0-9]'}", kRunning));
  EXPECT_FALSE(match("{type: value, key: Name, op: regex-case, value: 'WEB-0[0-9]'}", kRunning));
  EXPECT_TRUE(match("{type: value, key: Name, op: regex-case, value: 'web-0[0-9]'}", kRunning));
}

TEST(ValueFilterRegex, PythonSyntaxAndLookaround) {
  EXPECT_TRUE(match("{type: value, key: Name, op: regex, value: '(?!prod-).*'}", kRunning));
  EXPECT_FALSE(match("{type: value, key: Name, op: regex, value: '(?!web-).*'}", kRunning));
  EXPECT_TRUE(match("{type: value, key: Name, op: regex, value: 'web(?=-)'}", kRunning));
  EXPECT_TRUE(
      match("{type: value, key: Name, op: regex, value: '(?P<role>\\w+)-(?P=role)?'}", kRunning));
}

TEST(ValueFilterRegex, ClassesAndCaseAreUnicodeAsInPython3) {
  Json doc = {{"Owner", "Zoë Ærø"}, {"Digits", "٤٢"}};
  EXPECT_TRUE(match("{type: value, key: Owner, op: regex, value: '\\w+ \\w+$'}", doc));
  EXPECT_TRUE(match("{type: value, key: Owner, op: regex, value: 'zoË ærø'}", doc));
  EXPECT_FALSE(match("{type: value, key: Owner, op: regex-case, value: 'zoË'}", doc));
  EXPECT_TRUE(match("{type: value, key: Digits, op: regex, value: '\\d\\d$'}", doc));
}

TEST(ValueFilterRegex, NonStringsNeverMatch) {
  EXPECT_FALSE(match("{type: value, key: CpuCount, op: regex, value: '.*'}", kRunning));
  EXPECT_FALSE(match("{type: value, key: Missing, op: regex, value: '.*'}", kRunning));
  EXPECT_FALSE(match("{type: value, key: Groups, op: regex, value: '.*'}", kRunning));
}

TEST(ValueFilterRegex, InvalidPatternFailsAtCompileNamingTheValue) {
  std::string filter = "{type: value, key: Name, op: regex, value: 'web-('}";
  std::string message = compile_error(filter);
  EXPECT_EQ(message.rfind(at(filter, "'web-('") + ": policy 't': invalid regular expression", 0),
            0u)
      << message;
  filter = "{type: value, key: Name, op: regex-case, value: '*web'}";
  EXPECT_NE(compile_error(filter).find(at(filter, "'*web'")), std::string::npos);
}

TEST(ValueFilterIn, InAndNotIn) {
  EXPECT_TRUE(match("{type: value, key: State.Name, op: in, value: [pending, running]}", kRunning));
  EXPECT_FALSE(match("{type: value, key: State.Name, op: in, value: [stopped]}", kRunning));
  EXPECT_TRUE(match("{type: value, key: CpuCount, op: in, value: [1, 2.0]}", kRunning));
  EXPECT_FALSE(match("{type: value, key: CpuCount, op: in, value: ['2']}", kRunning));
  EXPECT_TRUE(match("{type: value, key: State.Name, op: in, value: 'a running b'}", kRunning));
  EXPECT_FALSE(match("{type: value, key: CpuCount, op: in, value: '2'}", kRunning));
  EXPECT_TRUE(match("{type: value, key: State.Name, op: ni, value: [stopped]}", kRunning));
  EXPECT_FALSE(match("{type: value, key: State.Name, op: not-in, value: [running]}", kRunning));
  EXPECT_FALSE(match("{type: value, key: CpuCount, op: not-in, value: 'abc'}", kRunning));
}

TEST(ValueFilterIn, MissingValueIsAnEmptyTuple) {
  EXPECT_FALSE(match("{type: value, key: Missing, op: in, value: [a, b]}", kRunning));
  EXPECT_FALSE(match("{type: value, key: Missing, op: in, value: [null]}", kRunning));
  EXPECT_TRUE(match("{type: value, key: Missing, op: not-in, value: [a, b]}", kRunning));
  EXPECT_TRUE(match("{type: value, key: Nothing, op: not-in, value: [null]}", kRunning));
  EXPECT_FALSE(match("{type: value, key: Missing, op: not-in, value: 'abc'}", kRunning));
}

TEST(ValueFilterContains, LooksForTheValueInsideTheResourceValue) {
  EXPECT_TRUE(match("{type: value, key: Groups, op: contains, value: sg-a}", kRunning));
  EXPECT_FALSE(match("{type: value, key: Groups, op: contains, value: sg-z}", kRunning));
  EXPECT_TRUE(match("{type: value, key: Name, op: contains, value: b-0}", kRunning));
  EXPECT_TRUE(match("{type: value, key: State, op: contains, value: Code}", kRunning));
  EXPECT_FALSE(match("{type: value, key: State, op: contains, value: running}", kRunning));
  EXPECT_FALSE(match("{type: value, key: Missing, op: contains, value: a}", kRunning));
  EXPECT_FALSE(match("{type: value, key: CpuCount, op: contains, value: 2}", kRunning));
  EXPECT_FALSE(match("{type: value, key: Name, op: contains, value: 1}", kRunning));
}

TEST(ValueFilterSets, DifferenceAndIntersect) {
  EXPECT_TRUE(match("{type: value, key: Groups, op: difference, value: [sg-a]}", kRunning));
  EXPECT_FALSE(
      match("{type: value, key: Groups, op: difference, value: [sg-b, sg-a, x]}", kRunning));
  EXPECT_FALSE(match("{type: value, key: NoList, op: difference, value: [x]}", kRunning));
  EXPECT_TRUE(match("{type: value, key: Groups, op: intersect, value: [sg-b, sg-c]}", kRunning));
  EXPECT_FALSE(match("{type: value, key: Groups, op: intersect, value: [sg-c]}", kRunning));
  EXPECT_FALSE(match("{type: value, key: Groups, op: intersect, value: []}", kRunning));
  EXPECT_FALSE(match("{type: value, key: Missing, op: intersect, value: [sg-a]}", kRunning));
  EXPECT_FALSE(match("{type: value, key: Missing, op: difference, value: [sg-a]}", kRunning));
}

TEST(ValueFilterKeys, TagShorthandTakesTheFirstMatchingTag) {
  EXPECT_TRUE(match("{type: value, key: 'tag:env', value: prod}", kRunning));
  EXPECT_TRUE(match("{type: value, key: 'tag:novalue', value: absent}", kRunning));
  EXPECT_TRUE(match("{type: value, key: 'tag:Env', value: absent}", kRunning));
  EXPECT_TRUE(match("{type: value, key: 'tag:env', value: absent}", {{"Tags", "not-a-list"}}));
  EXPECT_TRUE(match("{type: value, key: 'tag:env', value: absent}", {{"State", "x"}}));
}

TEST(ValueFilterKeys, JmesPathExpressionsAndLiteralKeys) {
  EXPECT_TRUE(match("{type: value, key: 'length(Groups)', value: 2}", kRunning));
  EXPECT_TRUE(match("{type: value, key: 'length(Tags)', op: gte, value: 3}", kRunning));
  EXPECT_TRUE(
      match("{type: value, key: \"Tags[?Key=='Name'].Value | [0]\", value: web}", kRunning));
  EXPECT_TRUE(match("{type: value, key: 'Groups[1]', value: sg-b}", kRunning));
  EXPECT_TRUE(match("{type: value, key: 'Tags[5].Value', value: absent}", kRunning));
  // A top-level key that is written literally wins over its JMESPath reading (`k in i`).
  EXPECT_TRUE(match("{type: value, key: a.b, value: 1}", {{"a.b", 1}, {"a", {{"b", 2}}}}));
  EXPECT_TRUE(match("{type: value, key: a.b, value: 2}", {{"a", {{"b", 2}}}}));
}

TEST(ValueFilterKeys, InvalidJmesPathFailsAtTheKey) {
  std::string filter = "{type: value, key: 'State.[', value: 1}";
  std::string message = compile_error(filter);
  EXPECT_EQ(message.rfind(at(filter, "'State.[") + ": policy 't': invalid key 'State.['", 0), 0u)
      << message;
  filter = "{'State Name': running}";
  EXPECT_EQ(compile_error(filter).rfind(at(filter, "'State Name'"), 0), 0u);
}

TEST(ValueFilterErrors, PointAtTheOffendingPart) {
  struct Case {
    std::string filter, needle, message;
  };
  const Case cases[] = {
      {"{type: value, key: Name, op: like, value: x}", "like", "unknown operator 'like'"},
      {"{type: value, key: Name, op: '', value: x}", "''", "'op' is empty"},
      {"{type: value, key: Name, op: 3, value: x}", "3", "'op' must be a string, not a number"},
      {"{type: value, value: x}", "{", "value filter needs a 'key'"},
      {"{type: value, key: Name}", "{", "value filter needs a 'value'"},
      {"{type: value, key: [Name], value: x}", "[Name]", "'key' must be a string, not a list"},
      {"{type: value, key: Name, value: x, default: y}", "default",
       "unknown key 'default' in the value filter (allowed: key, value, op)"},
      {"{type: value, key: Name, op: regex, value: 5}", "5",
       "op 'regex' needs a string value, not a number"},
      {"{type: value, key: Name, op: glob, value: [a]}", "[a]",
       "op 'glob' needs a string value, not a list"},
      {"{type: value, key: Name, op: in, value: 5}", "5", "op 'in' needs a list value"},
      {"{type: value, key: Name, op: ni, value: {a: 1}}", "{a", "op 'ni' needs a list value"},
      {"value", "value", "write a value filter as {type: value"},
      {"and", "and", "write 'and' as {and: [FILTER, ...]}"},
      {"{and: []}", "[]", "'and' needs a non-empty list of filters"},
      {"{or: {Name: x}}", "{Name", "'or' needs a non-empty list of filters"},
      {"{type: not, filters: [{Name: x}], extra: 1}", "extra",
       "unknown key 'extra' in the 'not' filter (allowed: filters)"},
      {"{type: nosuch}", "{", "unknown filter 'nosuch' for test.thing"},
      {"{type: 5}", "5", "a filter type must be a string"},
      {"{key: Name, value: x}", "{", "filter has no 'type'"},
      {"12", "12", "a filter must be a name or a mapping with 'type', not a number"},
      {"{type: event, key: detail.severity, value: 1}", "{", "the 'event' filter needs an event"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.filter);
    std::string message = compile_error(c.filter);
    EXPECT_EQ(message.rfind(at(c.filter, c.needle) + ": policy 't': " + c.message, 0), 0u)
        << message;
  }
}

TEST(BooleanFilters, AndOrNot) {
  const std::string yes = "{Name: web-01}", no = "{Name: db}";
  EXPECT_TRUE(match("{and: [" + yes + ", " + yes + "]}", kRunning));
  EXPECT_FALSE(match("{and: [" + yes + ", " + no + "]}", kRunning));
  EXPECT_TRUE(match("{or: [" + no + ", " + yes + "]}", kRunning));
  EXPECT_FALSE(match("{or: [" + no + ", " + no + "]}", kRunning));
  EXPECT_FALSE(match("{not: [" + yes + "]}", kRunning));
  EXPECT_TRUE(match("{not: [" + no + "]}", kRunning));
  EXPECT_TRUE(match("{type: or, filters: [" + no + ", " + yes + "]}", kRunning));
  EXPECT_TRUE(match("{or: [" + no + ", {and: [" + yes + ", {not: [" + no + "]}]}]}", kRunning));
}

TEST(BooleanFilters, NotNegatesTheConjunctionOfItsList) {
  const std::string yes = "{Name: web-01}", no = "{Name: db}";
  EXPECT_TRUE(match("{not: [" + yes + ", " + no + "]}", kRunning));
  EXPECT_FALSE(match("{not: [" + yes + ", " + yes + "]}", kRunning));
  EXPECT_TRUE(match("{not: [" + no + ", " + no + "]}", kRunning));
}

TEST(PolicyFilters, AllTopLevelFiltersMustMatch) {
  auto source = SourceDocument::parse(
      "policies:\n- name: t\n  resource: thing\n  filters: [{Name: web-01}, {CpuCount: 3}]\n",
      "f.yml");
  auto policies = compile_policies(source, test_registry());
  EXPECT_FALSE(policies.at(0).matches(kRunning, FilterContext{}));
  Json three = kRunning;
  three["CpuCount"] = 3;
  EXPECT_TRUE(policies.at(0).matches(three, FilterContext{}));
}

TEST(EventFilter, MatchesTheEventNotTheResource) {
  Policy policy = compile_one("{type: event, key: detail.severity, op: gte, value: 4}", true);
  Json event = {{"detail", {{"severity", 5}}}};
  EXPECT_TRUE(policy.matches(kRunning, FilterContext{&event}));
  event["detail"]["severity"] = 2.5;
  EXPECT_FALSE(policy.matches(kRunning, FilterContext{&event}));
  Json no_severity = {{"detail", Json::object()}};
  EXPECT_FALSE(policy.matches(kRunning, FilterContext{&no_severity}));
}

TEST(EventFilter, PassesEverythingWithoutAnEvent) {
  Policy policy = compile_one("{type: event, key: detail.severity, op: gte, value: 4}", true);
  EXPECT_TRUE(policy.matches(kRunning, FilterContext{}));
  EXPECT_TRUE(policy.matches(Json::object(), FilterContext{}));
}

TEST(EventFilter, NeedsTheFullForm) {
  std::string filter = "event";
  std::string message = compile_error(filter, true);
  EXPECT_EQ(message.rfind(at(filter, "event", 6) + ": policy 't': write the event filter as", 0),
            0u)
      << message;
  filter = "{type: event, key: detail.severity, value: 1, when: now}";
  EXPECT_NE(compile_error(filter, true).find("unknown key 'when' in the event filter"),
            std::string::npos);
}

}  // namespace
}  // namespace custos::policy
