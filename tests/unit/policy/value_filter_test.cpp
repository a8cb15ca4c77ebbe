// The value filter and its companions (and/or/not, event) against Cloud Custodian's
// semantics (c7n/filters/core.py ValueFilter.match and OPERATORS).
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "unit/policy/filter_test_policies.h"

namespace custos::policy {
namespace {

bool match(const std::string& filter, const Json& resource) {
  return compile_one(filter).matches(resource, FilterContext{});
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
       "unknown key 'default' in the value filter (allowed: key, value, op, value_type, "
       "value_from, value_regex)"},
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

// --- mod, value_type, value_regex, value_from (c7n ValueFilter.process_value_type) ---

// "YYYY-MM-DDTHH:MM:SS" (plus `suffix`) for now + `days` (negative: in the past), UTC.
std::string iso_in_days(double days, const std::string& suffix = "Z") {
  std::time_t t = std::time(nullptr) + static_cast<std::time_t>(days * 86400);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", std::gmtime(&t));
  return text + suffix;
}

double epoch_in_days(double days) { return static_cast<double>(std::time(nullptr)) + days * 86400; }

// The value filter `{type: value, key: K, <rest>}` against {K: value}.
bool match_value(const Json& value, const std::string& rest) {
  return match("{type: value, key: K, " + rest + "}", Json{{"K", value}});
}

TEST(ValueFilterMod, MatchesWhenTheRemainderIsNotZeroAsCloudCustodian) {
  EXPECT_FALSE(match("{type: value, key: CpuCount, op: mod, value: 2}", kRunning));
  EXPECT_TRUE(match("{type: value, key: CpuCount, op: mod, value: 3}", kRunning));
  EXPECT_FALSE(match("{type: value, key: Ratio, op: mod, value: 0.25}", kRunning));
  EXPECT_TRUE(match("{type: value, key: Ratio, op: mod, value: 0.3}", kRunning));
  EXPECT_FALSE(match("{type: value, key: Name, op: mod, value: 2}", kRunning));
  EXPECT_FALSE(match("{type: value, key: Missing, op: mod, value: 2}", kRunning));
  EXPECT_FALSE(match("{type: value, key: Groups, op: mod, value: 2}", kRunning));
}

TEST(ValueFilterMod, DivisorAndRemainderPairUsesPythonsSign) {
  EXPECT_TRUE(match("{type: value, key: CpuCount, op: mod, value: [2, 0]}", kRunning));
  EXPECT_TRUE(match("{type: value, key: CpuCount, op: mod, value: [3, 2]}", kRunning));
  EXPECT_FALSE(match("{type: value, key: CpuCount, op: mod, value: [3, 1]}", kRunning));
  EXPECT_TRUE(match_value(-7, "op: mod, value: [3, 2]"));  // -7 % 3 == 2 in Python
  EXPECT_TRUE(match_value(7, "op: mod, value: [-3, -2]"));
  EXPECT_TRUE(match_value(7.5, "op: mod, value: [2, 1.5]"));
}

TEST(ValueFilterMod, NeedsANonZeroNumberOrAPair) {
  for (const char* value : {"'x'", "0", "[1]", "[0, 1]", "[a, 1]"}) {
    std::string filter = std::string("{type: value, key: K, op: mod, value: ") + value + "}";
    SCOPED_TRACE(filter);
    EXPECT_EQ(compile_error(filter).rfind(at(filter, value) + ": policy 't': op 'mod' needs a "
                                                              "non-zero number to divide by",
                                          0),
              0u)
        << compile_error(filter);
  }
}

TEST(ValueTypeAge, IsoTimestampsWithAndWithoutZoneAndFraction) {
  Json ten_days_ago = iso_in_days(-10);
  EXPECT_TRUE(match_value(ten_days_ago, "value_type: age, op: gt, value: 5"));
  EXPECT_FALSE(match_value(ten_days_ago, "value_type: age, op: gt, value: 15"));
  EXPECT_TRUE(match_value(ten_days_ago, "value_type: age, op: lt, value: 15"));
  EXPECT_TRUE(match_value(ten_days_ago, "value_type: age, op: gte, value: 9.5"));
  EXPECT_TRUE(match_value(iso_in_days(-10, ""), "value_type: age, op: gt, value: 9"));
  EXPECT_TRUE(match_value(iso_in_days(-10, ".123456"), "value_type: age, op: gt, value: 9"));
  EXPECT_TRUE(match_value(iso_in_days(-10, ".5+00:00"), "value_type: age, op: gt, value: 9"));
  // 10 days ago at +05:00 is still about 10 days ago.
  EXPECT_FALSE(match_value(iso_in_days(-10, "+05:00"), "value_type: age, op: gt, value: 11"));
  EXPECT_TRUE(match_value(iso_in_days(-10, "+05:00"), "value_type: age, op: gt, value: 9"));
}

TEST(ValueTypeAge, EpochSecondsAndMillisecondsNumbersOrDigits) {
  double seconds = epoch_in_days(-10);
  EXPECT_TRUE(match_value(seconds, "value_type: age, op: gt, value: 9"));
  EXPECT_FALSE(match_value(seconds, "value_type: age, op: gt, value: 11"));
  EXPECT_TRUE(match_value(seconds * 1000, "value_type: age, op: gt, value: 9"));
  EXPECT_FALSE(match_value(seconds * 1000, "value_type: age, op: gt, value: 11"));
  EXPECT_TRUE(match_value(std::to_string(static_cast<long long>(seconds)),
                          "value_type: age, op: gt, value: 9"));
  EXPECT_TRUE(match_value(std::to_string(static_cast<long long>(seconds * 1000)),
                          "value_type: age, op: gt, value: 9"));
}

TEST(ValueTypeAge, WhatIsNoDateOrdersWithNothing) {
  for (const Json& value : {Json("not a date"), Json(nullptr), Json(5), Json(true), Json("")}) {
    SCOPED_TRACE(value.dump());
    EXPECT_FALSE(match_value(value, "value_type: age, op: gt, value: 1"));
    EXPECT_FALSE(match_value(value, "value_type: age, op: lt, value: 1"));
    EXPECT_FALSE(match_value(value, "value_type: age, op: eq, value: 1"));
    EXPECT_TRUE(match_value(value, "value_type: age, op: ne, value: 1"));  // datetime != 0
  }
  EXPECT_FALSE(match("{type: value, key: Missing, value_type: age, op: gt, value: 1}", kRunning));
}

TEST(ValueTypeExpiration, ComparesTheDateWithNowPlusDays) {
  Json in_three_days = iso_in_days(3);
  EXPECT_TRUE(match_value(in_three_days, "value_type: expiration, op: lte, value: 7"));
  EXPECT_FALSE(match_value(in_three_days, "value_type: expiration, op: lte, value: 1"));
  EXPECT_TRUE(match_value(iso_in_days(-1), "value_type: expiration, op: lte, value: 0"));
  EXPECT_TRUE(match_value(epoch_in_days(3) * 1000, "value_type: expiration, op: gt, value: 2"));
  EXPECT_FALSE(match_value("soon", "value_type: expiration, op: lte, value: 7"));
}

TEST(ValueTypeDate, ComparesInstantsWhateverTheZone) {
  Json created = "2024-05-01T00:00:00Z";
  EXPECT_TRUE(match_value(created, "value_type: date, op: gt, value: '2023-12-31'"));
  EXPECT_FALSE(match_value(created, "value_type: date, op: lt, value: '2023-12-31'"));
  EXPECT_TRUE(match_value(created, "value_type: date, value: '2024-05-01T02:00:00+02:00'"));
  EXPECT_TRUE(match_value(created, "value_type: date, op: eq, value: 1714521600"));
  EXPECT_TRUE(match_value(1714521600000, "value_type: date, op: eq, value: '2024-05-01'"));
  EXPECT_FALSE(match_value("garbage", "value_type: date, op: lt, value: '2030-01-01'"));
  EXPECT_TRUE(match_value("garbage", "value_type: date, op: ne, value: '2030-01-01'"));
}

TEST(ValueTypeNumbers, IntegerAndFloatParseStrWithPythonsRules) {
  EXPECT_TRUE(match_value(" 42 ", "value_type: integer, op: gt, value: 40"));
  EXPECT_TRUE(match_value("-1_000", "value_type: integer, value: -1000"));
  EXPECT_TRUE(match_value("4.2", "value_type: integer, value: 0"));  // int('4.2') fails
  EXPECT_TRUE(match_value(3.0, "value_type: integer, value: 0"));    // int('3.0') fails
  EXPECT_TRUE(match_value(7, "value_type: integer, value: 7"));
  EXPECT_TRUE(match_value(nullptr, "value_type: integer, value: 0"));
  EXPECT_TRUE(match_value("4.5", "value_type: float, op: gt, value: 4"));
  EXPECT_TRUE(match_value("1e3", "value_type: float, value: 1000"));
  EXPECT_TRUE(match_value("abc", "value_type: float, value: 0"));
  EXPECT_TRUE(match_value(true, "value_type: float, value: 0"));  // float('True') fails
  EXPECT_TRUE(match_value(3, "value_type: float, op: lt, value: 3.5"));
}

TEST(ValueTypeSize, LenAndLenOfSet) {
  EXPECT_TRUE(match("{type: value, key: Groups, value_type: size, value: 2}", kRunning));
  EXPECT_TRUE(match("{type: value, key: Name, value_type: size, value: 6}", kRunning));
  EXPECT_TRUE(match("{type: value, key: State, value_type: size, value: 2}", kRunning));
  EXPECT_TRUE(match("{type: value, key: CpuCount, value_type: size, value: 0}", kRunning));
  EXPECT_TRUE(match("{type: value, key: Missing, value_type: size, value: 0}", kRunning));
  EXPECT_TRUE(match_value("zoë", "value_type: size, value: 3"));  // characters, not bytes
  EXPECT_TRUE(match_value(Json::array({"a", "a", "b"}), "value_type: unique_size, value: 2"));
  EXPECT_TRUE(match_value(Json::array({1, 1.0, true, "1"}), "value_type: unique_size, value: 2"));
  EXPECT_TRUE(match_value(Json::array({Json::array({1}), Json::array({1})}),
                          "value_type: unique_size, value: 0"));  // unhashable
  EXPECT_TRUE(match_value("abca", "value_type: unique_size, value: 3"));
}

TEST(ValueTypeNormalize, StripsAndLowersTheResourceValueOnly) {
  EXPECT_TRUE(match_value("  PROD\t", "value_type: normalize, value: prod"));
  EXPECT_FALSE(match_value("  PROD\t", "value_type: normalize, value: PROD"));
  EXPECT_TRUE(match_value("Web-01", "value_type: normalize, op: glob, value: 'web-*'"));
  EXPECT_TRUE(match_value(5, "value_type: normalize, value: 5"));
}

TEST(ValueTypeSwap, PutsThePolicyValueOnTheLeft) {
  EXPECT_TRUE(match("{type: value, key: Groups, value_type: swap, op: in, value: sg-a}", kRunning));
  EXPECT_FALSE(
      match("{type: value, key: Groups, value_type: swap, op: in, value: sg-z}", kRunning));
  EXPECT_TRUE(match("{type: value, key: CpuCount, value_type: swap, op: gt, value: 3}", kRunning));
  EXPECT_TRUE(match_value("^web", "value_type: swap, op: regex, value: web-01"));
}

TEST(ValueTypeExpr, ComparesWithAnotherValueOfTheSameResource) {
  Json doc = {
      {"PrivateIp", "10.0.0.1"},
      {"Other", "10.0.0.1"},
      {"Limit", 3},
      {"Tags", {{{"Key", "Owner"}, {"Value", "ann"}}, {{"Key", "Creator"}, {"Value", "ann"}}}}};
  EXPECT_TRUE(match("{type: value, key: PrivateIp, value_type: expr, value: Other}", doc));
  EXPECT_TRUE(
      match("{type: value, key: 'tag:Owner', value_type: expr, value: 'tag:Creator'}", doc));
  EXPECT_FALSE(
      match("{type: value, key: 'tag:Owner', value_type: expr, value: 'tag:Nobody'}", doc));
  EXPECT_TRUE(
      match("{type: value, key: 'length(Tags)', value_type: expr, op: lt, value: Limit}", doc));
}

TEST(ValueTypeCidr, NetworksContainAddressesAndNetworks) {
  EXPECT_TRUE(match_value("10.1.0.0/16", "value_type: cidr, op: in, value: 10.0.0.0/8"));
  EXPECT_FALSE(match_value("10.1.0.0/16", "value_type: cidr, op: in, value: 192.168.0.0/16"));
  EXPECT_FALSE(match_value("10.0.0.0/8", "value_type: cidr, op: in, value: 10.1.0.0/16"));
  EXPECT_TRUE(match_value("10.1.2.3", "value_type: cidr, op: in, value: 10.0.0.0/8"));
  EXPECT_FALSE(match_value("10.1.2.3", "value_type: cidr, op: not-in, value: 10.0.0.0/8"));
  EXPECT_TRUE(match_value("10.1.2.3", "value_type: cidr, value: 10.1.2.3"));
  EXPECT_TRUE(match_value("10.1.2.3", "value_type: cidr, op: gt, value: 10.1.2.2"));
  // A policy address against a resource network swaps sides: the address in the network.
  EXPECT_TRUE(match_value("10.1.0.0/16", "value_type: cidr, op: in, value: 10.1.2.3"));
  EXPECT_TRUE(match_value(Json::array({"10.0.0.0/8", "172.16.0.0/12"}),
                          "value_type: cidr, op: contains, value: 172.16.5.4"));
}

TEST(ValueTypeCidr, Ipv6AndMixedVersions) {
  EXPECT_TRUE(match_value("2001:db8::1", "value_type: cidr, op: in, value: '2001:db8::/32'"));
  EXPECT_TRUE(match_value("2001:db8:1::/48", "value_type: cidr, op: in, value: '2001:db8::/32'"));
  EXPECT_FALSE(match_value("2001:db9::1", "value_type: cidr, op: in, value: '2001:db8::/32'"));
  EXPECT_TRUE(match_value("2001:DB8:0::1", "value_type: cidr, value: '2001:db8::1'"));
  // An address of the other version is simply not in the network; a network raises TypeError.
  EXPECT_FALSE(match_value("2001:db8::1", "value_type: cidr, op: in, value: 10.0.0.0/8"));
  EXPECT_TRUE(match_value("2001:db8::1", "value_type: cidr, op: not-in, value: 10.0.0.0/8"));
  EXPECT_FALSE(match_value("2001:db8::/48", "value_type: cidr, op: in, value: 10.0.0.0/8"));
  EXPECT_FALSE(match_value("2001:db8::/48", "value_type: cidr, op: not-in, value: 10.0.0.0/8"));
  EXPECT_FALSE(match_value("10.0.0.1", "value_type: cidr, op: gt, value: '::1'"));
}

TEST(ValueTypeCidr, ListsAndWhatIsNoAddress) {
  const std::string in_list =
      "value_type: cidr, op: in, value: [10.0.0.0/8, 192.168.1.1, 'fd00::/8']";
  EXPECT_TRUE(match_value("192.168.1.1", in_list));
  EXPECT_TRUE(match_value("10.9.9.9", in_list));
  EXPECT_TRUE(match_value("fd00::5", in_list));
  EXPECT_FALSE(match_value("172.16.0.1", in_list));
  EXPECT_FALSE(match_value("garbage", in_list));
  EXPECT_FALSE(match_value("10.0.0.1/8", "value_type: cidr, op: in, value: 10.0.0.0/8"));
  EXPECT_TRUE(match_value("garbage", "value_type: cidr, op: ne, value: 10.0.0.0/8"));
  EXPECT_FALSE(
      match("{type: value, key: Missing, value_type: cidr, op: in, value: 10.0.0.0/8}", kRunning));
}

TEST(ValueTypeCidrSize, PrefixLengthOfANetwork) {
  EXPECT_TRUE(match_value("10.0.0.0/16", "value_type: cidr_size, value: 16"));
  EXPECT_TRUE(match_value("2001:db8::/48", "value_type: cidr_size, op: gt, value: 32"));
  EXPECT_TRUE(match_value("10.0.0.1", "value_type: cidr_size, value: 0"));
  EXPECT_TRUE(match_value(nullptr, "value_type: cidr_size, value: 0"));
  EXPECT_TRUE(match_value("0.0.0.0/0", "value_type: cidr_size, op: lt, value: 8"));
}

TEST(ValueTypeVersion, LooseVersionOrder) {
  EXPECT_TRUE(match_value("5.7.10", "value_type: version, op: gt, value: 5.7.9"));
  EXPECT_TRUE(match_value("5.7.10", "value_type: version, op: lt, value: '5.10'"));
  EXPECT_TRUE(match_value("5.7.010", "value_type: version, value: 5.7.10"));
  EXPECT_TRUE(match_value("1.2rc1", "value_type: version, op: lt, value: 1.2rc2"));
  EXPECT_TRUE(match_value("1.2", "value_type: version, op: lt, value: 1.2.1"));
  // 'a' against 1 at the first difference: TypeError, so only ne holds.
  EXPECT_FALSE(match_value("1.0a", "value_type: version, op: gt, value: 1.0.1"));
  EXPECT_FALSE(match_value("1.0a", "value_type: version, op: lt, value: 1.0.1"));
  EXPECT_TRUE(match_value("1.0a", "value_type: version, op: ne, value: 1.0.1"));
  EXPECT_FALSE(
      match("{type: value, key: Missing, value_type: version, op: lt, value: '2'}", kRunning));
  // ComparableVersion equals the string 'present', so it matches anything (c7n's quirk).
  EXPECT_TRUE(match("{type: value, key: Missing, value_type: version, value: present}", kRunning));
}

TEST(ValueRegex, ComparesTheFirstGroup) {
  Json doc = {{"Description", "owner=alice;team=sec"}, {"Count", 5}};
  EXPECT_TRUE(
      match("{type: value, key: Description, value_regex: 'owner=(\\w+)', value: alice}", doc));
  EXPECT_FALSE(match("{type: value, key: Description, value_regex: 'team=(\\w+)', value: sec}",
                     doc));  // re.match anchors at the start
  EXPECT_TRUE(
      match("{type: value, key: Description, value_regex: '.*team=(\\w+)', value: sec}", doc));
  EXPECT_TRUE(
      match("{type: value, key: Description, value_regex: 'x=(\\w+)', value: absent}", doc));
  EXPECT_TRUE(match("{type: value, key: Count, value_regex: '(5)', value: absent}", doc));
  EXPECT_TRUE(match("{type: value, key: Description, value_regex: 'OWNER=(\\w+)', value: absent}",
                    doc));  // case-sensitive
  Json expiring = {{"Meta", "delete_after=" + iso_in_days(2).substr(0, 10) + ";x"}};
  EXPECT_TRUE(
      match("{type: value, key: Meta, value_regex: '.*delete_after=([0-9-]{10}).*', "
            "value_type: expiration, op: lte, value: 3}",
            expiring));
}

TEST(ValueTypeResourceCount, JudgesTheWholeSet) {
  auto source = SourceDocument::parse(
      "policies:\n- name: t\n  resource: thing\n  filters:\n"
      "  - {type: value, value_type: resource_count, op: gte, value: 3}\n",
      "f.yml");
  auto policies = compile_policies(source, test_registry());
  std::vector<Json> three = {kRunning, kRunning, kRunning};
  EXPECT_EQ(policies.at(0).filter_resources(three, FilterContext{}).size(), 3u);
  EXPECT_TRUE(policies.at(0).filter_resources({kRunning, kRunning}, FilterContext{}).empty());
  EXPECT_FALSE(policies.at(0).matches(kRunning, FilterContext{}));
}

TEST(ValueTypeResourceCount, OnlyAtTheTopLevel) {
  std::string filter = "{or: [{type: value, value_type: resource_count, op: gt, value: 1}]}";
  EXPECT_EQ(compile_error(filter).rfind(at(filter, "resource_count") + ": policy 't': value_type "
                                                                       "'resource_count' judges",
                                        0),
            0u)
      << compile_error(filter);
}

// A file in a fresh temporary folder, removed with it.
class TempFile {
 public:
  TempFile(const std::string& name, const std::string& text)
      : path_(std::filesystem::temp_directory_path() /
              ("custos-values-" + std::to_string(::getpid()) + "-" + name)) {
    std::ofstream(path_) << text;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

TEST(ValueFrom, LocalJsonFileWithExpr) {
  TempFile file("images.json", R"([{"id": "ami-1"}, {"id": "ami-2"}, {"id": "ami-1"}])");
  std::string filter = "{type: value, key: ImageId, op: in, value_from: {url: '" + file.path() +
                       "', expr: '[].id'}}";
  EXPECT_TRUE(match(filter, {{"ImageId", "ami-2"}}));
  EXPECT_FALSE(match(filter, {{"ImageId", "ami-3"}}));
  EXPECT_TRUE(match("{type: value, key: ImageId, op: in, value_from: {url: 'file://" + file.path() +
                        "', expr: '[].id'}}",
                    {{"ImageId", "ami-1"}}));
}

TEST(ValueFrom, LocalCsvAndTxtWithValueTypes) {
  TempFile csv("nets.csv", "name,cidr\noffice,10.0.0.0/8\nvpn,192.168.0.0/16\n");
  std::string filter = "{type: value, key: Ip, value_type: cidr, op: in, value_from: {url: '" +
                       csv.path() + "', format: csv2dict, expr: cidr}}";
  EXPECT_TRUE(match(filter, {{"Ip", "192.168.3.4"}}));
  EXPECT_FALSE(match(filter, {{"Ip", "172.16.3.4"}}));
  TempFile txt("owners.txt", "alice\n  bob \n");
  EXPECT_TRUE(
      match("{type: value, key: 'tag:Owner', value_type: normalize, op: in, value_from: "
            "{url: '" +
                txt.path() + "'}}",
            {{"Tags", {{{"Key", "Owner"}, {"Value", " BOB"}}}}}));
}

// A url with no extension and no format (Cloud Custodian's documented ecr-cross-account):
// accepted, as Cloud Custodian accepts it, and refused with a clear error when the values are
// needed, nothing read before.
TEST(ValueFrom, AFormatThatCannotBeToldFailsOnUse) {
  for (const std::string url : {"accounts_url", "s3://bucket/accounts"}) {
    std::string filter = "{type: value, key: K, op: in, value_from: {url: " + url +
                         ", expr: 'accounts.*.accountNumber'}}";
    ASSERT_EQ(compile_error(filter), "");
    try {
      match(filter, kRunning);
      ADD_FAILURE() << url << " was used without a format";
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()),
                "value_from " + url +
                    ": cannot tell its format (the url has no extension): name it with "
                    "'format' (json, csv, csv2dict, txt)");
    }
  }
}

TEST(ValueFrom, FileProblemsFailAtCompile) {
  std::string filter = "{type: value, key: K, op: in, value_from: {url: /no/such/file.json}}";
  EXPECT_EQ(
      compile_error(filter).rfind(at(filter, "/no/such") + ": policy 't': value_from cannot read "
                                                           "'/no/such/file.json'",
                                  0),
      0u)
      << compile_error(filter);
  TempFile bad("bad.json", "{not json");
  filter = "{type: value, key: K, op: in, value_from: {url: '" + bad.path() + "'}}";
  EXPECT_NE(compile_error(filter).find("invalid JSON"), std::string::npos);
  TempFile number("number.json", "5");
  filter = "{type: value, key: K, op: in, value_from: {url: '" + number.path() + "'}}";
  EXPECT_NE(compile_error(filter).find("op 'in' needs a list value, not a number"),
            std::string::npos)
      << compile_error(filter);
}

TEST(ValueFrom, S3NeedsAClientAtRunTime) {
  Policy policy = compile_one("{type: value, key: K, op: in, value_from: {url: 's3://b/k.json'}}");
  try {
    policy.matches({{"K", 1}}, FilterContext{});
    FAIL() << "an s3 value_from without a client must fail";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("s3://b/k.json"), std::string::npos) << e.what();
  }
}

TEST(ValueFilterTypeErrors, PointAtTheOffendingPart) {
  struct Case {
    std::string filter, needle, message;
  };
  const Case cases[] = {
      {"{type: value, key: K, value_type: ages, value: 1}", "ages",
       "unknown value_type 'ages' (known: age, expiration,"},
      {"{type: value, key: K, value_type: age, value: '5'}", "'5'",
       "value_type 'age' needs a number of days as value (at most 999999999), not a string"},
      {"{type: value, key: K, value_type: age, value: 1.0e+12}", "1.0e+12",
       "value_type 'age' needs a number of days as value (at most 999999999), not 1000000000000.0"},
      {"{type: value, key: K, value_type: expiration, value: [1]}", "[1]",
       "value_type 'expiration' needs a number of days"},
      {"{type: value, key: K, value_type: date, value: soon}", "soon",
       "value_type 'date' needs a date value (like 2024-01-31T00:00:00Z or epoch seconds), not "
       "'soon'"},
      {"{type: value, key: K, value_type: cidr, value: 10.0.0.300/8}", "10.0.0.300",
       "invalid cidr \"10.0.0.300/8\""},
      {"{type: value, key: K, value_type: cidr, op: in, value: [10.0.0.0/8, 10.0.0.1/8]}",
       "10.0.0.1/8", "invalid cidr \"10.0.0.1/8\""},
      {"{type: value, key: K, value_type: version, value: 5}", "5",
       "value_type 'version' needs a version string"},
      {"{type: value, key: K, value_type: expr, value: 5}", "5", "value_type 'expr' needs a key"},
      {"{type: value, key: K, value_type: expr, value: 'a.['}", "'a.[", "invalid key 'a.['"},
      {"{type: value, key: K, value_regex: '(a', value: 1}", "'(a'",
       "invalid regular expression '(a'"},
      {"{type: value, key: K, value_regex: 'a', value: 1}", "'a'",
       "value_regex must have exactly one capturing group (the value it picks), not 0"},
      {"{type: value, key: K, value_from: {format: json}}", "{format", "value_from needs a 'url'"},
      {"{type: value, key: K, value_from: {url: s3://b/k, format: ''}}", "''",
       "value_from format '' is not one of json, csv, csv2dict, txt"},
      {"{type: value, key: K, value_from: {url: s3://b/k.json, format: xml}}", "xml",
       "value_from format 'xml' is not one of"},
      {"{type: value, key: K, value_from: {url: 'https://x/y.json'}}", "'https",
       "value_from reads local files and s3:// URLs"},
      {"{type: value, key: K, value_from: {url: s3://b/k.json, expr: 1}}", "1",
       "a column number as expr needs format csv, not json"},
      {"{type: value, key: K, value_from: {url: s3://b/k.json, expr: '[.'}}", "'[.",
       "invalid expr '[.'"},
      {"{type: value, key: K, value_from: {url: 'x-{region}.json'}}", "'x-",
       "value_from fills in {account_id} and {region} only for s3:// URLs"},
      {"{type: value, key: K, value: 1, value_from: {url: s3://b/k.json}}", "value: 1",
       "give 'value' or 'value_from', not both"},
      {"{type: value, value_type: resource_count, value: 1}", "{",
       "value_type 'resource_count' needs an 'op'"},
      {"{type: value, value_type: resource_count, op: regex, value: 1}", "regex",
       "value_type 'resource_count' compares a number"},
      {"{type: value, value_type: resource_count, op: eq, value: x}", "x",
       "value_type 'resource_count' needs a whole number"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.filter);
    std::string message = compile_error(c.filter);
    EXPECT_EQ(message.rfind(at(c.filter, c.needle) + ": policy 't': " + c.message, 0), 0u)
        << message;
  }
}

}  // namespace
}  // namespace custos::policy
