// Expression beyond the compliance suite: the find_path fast path, error kinds and messages,
// results built from temporaries, literals that must survive evaluation, threads.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "jmespath/jmespath.h"

namespace custos::jmespath {
namespace {

using testing::HasSubstr;

const Json& instance() {
  static const Json kInstance = Json::parse(R"({
    "InstanceId": "i-0123456789abcdef0",
    "State": {"Code": 16, "Name": "running"},
    "IamInstanceProfile": {"Arn": "arn:aws:iam::123456789012:instance-profile/web"},
    "Tags": [{"Key": "Name", "Value": "web-1"}, {"Key": "Env", "Value": "prod"}],
    "SecurityGroups": [{"GroupId": "sg-1"}, {"GroupId": "sg-2"}, {"GroupId": "sg-3"}]
  })");
  return kInstance;
}

Error compile_error(const std::string& text) {
  try {
    Expression::compile(text);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "compile('" << text << "') did not throw";
  return Error("", "");
}

Error search_error(const std::string& text, const Json& doc) {
  const Expression expression = Expression::compile(text);
  try {
    expression.search(doc);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "search('" << text << "') did not throw";
  return Error("", "");
}

TEST(FindPath, PointsIntoTheDocument) {
  const Json& doc = instance();
  EXPECT_EQ(Expression::compile("State.Name").find_path(doc), &doc["State"]["Name"]);
  EXPECT_EQ(Expression::compile("Tags[1].Value").find_path(doc), &doc["Tags"][1]["Value"]);
  EXPECT_EQ(Expression::compile("SecurityGroups[-1]").find_path(doc), &doc["SecurityGroups"][2]);
  EXPECT_EQ(Expression::compile("\"InstanceId\"").find_path(doc), &doc["InstanceId"]);
  EXPECT_EQ(Expression::compile("@").find_path(doc), &doc);
}

TEST(FindPath, MissingIsNull) {
  const Json& doc = instance();
  EXPECT_EQ(Expression::compile("State.Missing").find_path(doc), nullptr);
  EXPECT_EQ(Expression::compile("State.Name.Deeper").find_path(doc), nullptr);
  EXPECT_EQ(Expression::compile("Tags[5]").find_path(doc), nullptr);
  EXPECT_EQ(Expression::compile("State[0]").find_path(doc), nullptr);
}

TEST(FindPath, OnlyForPureLookupChains) {
  for (const char* path : {"a", "a.b", "a[0]", "a[0].b[-1].c", "[2]", "@", "@.a"}) {
    EXPECT_TRUE(Expression::compile(path).is_path()) << path;
  }
  for (const char* other :
       {"a[*].b", "a[0:1]", "a || b", "a | b", "length(a)", "a.[b]", "`1`", "a[?b]", "a[]", "*"}) {
    const Expression expression = Expression::compile(other);
    EXPECT_FALSE(expression.is_path()) << other;
    EXPECT_EQ(expression.find_path(instance()), nullptr) << other;
  }
}

TEST(FindPath, AgreesWithSearch) {
  for (const char* path : {"State.Name", "State.Code", "Tags[0]", "IamInstanceProfile.Arn",
                           "SecurityGroups[1].GroupId"}) {
    const Expression expression = Expression::compile(path);
    ASSERT_NE(expression.find_path(instance()), nullptr) << path;
    EXPECT_EQ(*expression.find_path(instance()), expression.search(instance())) << path;
  }
}

TEST(Search, ResourceFilterKeys) {
  const Json& doc = instance();
  EXPECT_EQ(Expression::compile("State.Name").search(doc), "running");
  EXPECT_EQ(Expression::compile("Tags[?Key=='Env'].Value | [0]").search(doc), "prod");
  EXPECT_EQ(Expression::compile("Tags[?Key=='Owner'].Value | [0]").search(doc), nullptr);
  EXPECT_EQ(Expression::compile("SecurityGroups[].GroupId").search(doc),
            Json::parse(R"(["sg-1", "sg-2", "sg-3"])"));
  EXPECT_EQ(Expression::compile("length(SecurityGroups)").search(doc), 3);
}

// Lookups into values that functions, projections and multi-selects build.
TEST(Search, LookupsIntoBuiltValues) {
  const Json doc = Json::parse(R"({"people": [{"n": "b", "a": 2}, {"n": "a", "a": 1}],
                                   "nums": [3, 1, 2]})");
  EXPECT_EQ(Expression::compile("sort_by(people, &a)[0].n").search(doc), "a");
  EXPECT_EQ(Expression::compile("sort(nums)[-1]").search(doc), 3);
  EXPECT_EQ(Expression::compile("people[*].n | sort(@) | [1]").search(doc), "b");
  EXPECT_EQ(Expression::compile("{x: nums}.x[0]").search(doc), 3);
  EXPECT_EQ(Expression::compile("max_by(people, &a).n").search(doc), "b");
  EXPECT_EQ(Expression::compile("map(&n, people)").search(doc), Json::parse(R"(["b", "a"])"));
  EXPECT_EQ(Expression::compile("[people, people][].n").search(doc),
            Json::parse(R"(["b", "a", "b", "a"])"));
}

// Literals are shared by every search of an expression: results must not consume them.
TEST(Search, LiteralsSurviveRepeatedSearches) {
  for (const char* text :
       {"`{\"a\": [3, 1, 2]}`.a", "sort(`[3, 1, 2]`)", "`[[1], [2]]`[]", "`[3, 1, 2]` | [0]",
        "values(`{\"a\": [1]}`)", "`[1, 2]`[*]", "sort(`[2, 1]`)[*].not_null(`null`, `\"x\"`)"}) {
    const Expression expression = Expression::compile(text);
    const Json first = expression.search(nullptr);
    EXPECT_EQ(expression.search(nullptr), first) << text;
    EXPECT_FALSE(first.is_null()) << text;
  }
}

TEST(Search, KeepsIntegersIntegral) {
  EXPECT_TRUE(Expression::compile("sum(`[1, 2]`)").search(nullptr).is_number_integer());
  EXPECT_TRUE(Expression::compile("floor(`1.5`)").search(nullptr).is_number_integer());
  EXPECT_TRUE(Expression::compile("to_number('42')").search(nullptr).is_number_integer());
  EXPECT_EQ(Expression::compile("to_number(' +7 ')").search(nullptr), 7);
  EXPECT_EQ(Expression::compile("to_number('1e3')").search(nullptr), 1000.0);
  EXPECT_EQ(Expression::compile("to_number('+-7')").search(nullptr), nullptr);
  EXPECT_EQ(Expression::compile("to_number('nan')").search(nullptr), nullptr);
  EXPECT_EQ(Expression::compile("abs(`-9223372036854775808`)").search(nullptr),
            9223372036854775808ULL);
  EXPECT_TRUE(Expression::compile("avg(`[1, 2]`)").search(nullptr).is_number_float());
  EXPECT_EQ(Expression::compile("to_string(`[1, 2.5]`)").search(nullptr), "[1,2.5]");
  EXPECT_EQ(Expression::compile("length('\u2713\u00e9a')").search(nullptr), 3);
}

// Cloud Custodian's custom function: Python's str.split(sep).
TEST(Search, SplitAsCloudCustodianHasIt) {
  auto split = [](const std::string& text) {
    return Expression::compile("split('/', @)").search(Json(text));
  };
  EXPECT_EQ(split("/hostedzone/Z1"), Json::array({"", "hostedzone", "Z1"}));
  EXPECT_EQ(split("plain"), Json::array({"plain"}));
  EXPECT_EQ(split("a//"), Json::array({"a", "", ""}));
  EXPECT_EQ(Expression::compile("split('::', 'a::b')[-1]").search(nullptr), "b");
  EXPECT_THROW(Expression::compile("split('', 'ab')").search(nullptr), Error);
}

TEST(Errors, SyntaxNamesTheColumn) {
  const Error e = compile_error("foo[");
  EXPECT_EQ(e.kind(), "syntax");
  EXPECT_THAT(e.what(), HasSubstr("syntax error at column 4 in 'foo[': expected"));
  EXPECT_THAT(compile_error("a.b ! c").what(), HasSubstr("at column 4"));
  EXPECT_THAT(compile_error("a = b").what(), HasSubstr("at column 2"));
  EXPECT_THAT(compile_error("foo.1").what(), HasSubstr("at column 4"));
  EXPECT_EQ(compile_error("\"unterminated").kind(), "syntax");
}

TEST(Errors, DeepNestingIsRefused) {
  EXPECT_EQ(Expression::compile(std::string(100, '(') + "a" + std::string(100, ')'))
                .search(Json{{"a", 1}}),
            1);
  EXPECT_THAT(compile_error(std::string(100000, '(')).what(), HasSubstr("nested deeper"));
  EXPECT_THAT(compile_error(std::string(100000, '!') + "a").what(), HasSubstr("nested deeper"));
}

TEST(Errors, FunctionsAreCheckedAtCompileTime) {
  const Error unknown = compile_error("State.nope(@)");
  EXPECT_EQ(unknown.kind(), "unknown-function");
  EXPECT_THAT(unknown.what(), HasSubstr("nope()"));
  const Error arity = compile_error("length(a, b)");
  EXPECT_EQ(arity.kind(), "invalid-arity");
  EXPECT_THAT(arity.what(), HasSubstr("length() takes 1 argument(s), got 2"));
  EXPECT_EQ(compile_error("merge()").kind(), "invalid-arity");
  EXPECT_EQ(compile_error("a[::0]").kind(), "invalid-value");
}

TEST(Errors, TypeErrorsNameTheFunctionAndExpression) {
  const Error e = search_error("abs(State.Name)", instance());
  EXPECT_EQ(e.kind(), "invalid-type");
  EXPECT_THAT(e.what(), HasSubstr("in 'abs(State.Name)'"));
  EXPECT_THAT(e.what(), HasSubstr("abs() argument 1 must be number, got string"));
  EXPECT_EQ(search_error("sort_by(Tags, Key)", instance()).kind(), "invalid-type");
}

TEST(Errors, AreInputErrors) { EXPECT_THROW(Expression::compile("["), InputError); }

TEST(Expression, KeepsItsText) {
  const Expression expression = Expression::compile("  State.Name ");
  const Expression copy = expression;
  EXPECT_EQ(copy.text(), "  State.Name ");
  EXPECT_EQ(copy.search(instance()), "running");
}

TEST(Expression, SearchesConcurrently) {
  const Expression expression = Expression::compile(
      "{name: Tags[?Key=='Name'].Value | [0], groups: sort(SecurityGroups[].GroupId)}");
  const Json expected = expression.search(instance());
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) mismatches[t] += expression.search(instance()) != expected;
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
  EXPECT_EQ(expected["name"], "web-1");
}

}  // namespace
}  // namespace custos::jmespath

// Cloud Custodian's jmespath.py orders strings too; policies filter on ISO dates that way.
TEST(ExpressionTest, OrdersStringsLikeJmespathPy) {
  custos::Json doc = custos::Json::parse(
      R"([{"LaunchTime": "2019-05-01T00:00:00Z"}, {"LaunchTime": "2021-01-01T00:00:00Z"}])");
  auto old = custos::jmespath::Expression::compile("[?LaunchTime < '2020-01-01'].LaunchTime");
  EXPECT_EQ(old.search(doc), custos::Json::parse(R"(["2019-05-01T00:00:00Z"])"));
  EXPECT_TRUE(custos::jmespath::Expression::compile("`1` < 'a'").search(doc).is_null());
}
