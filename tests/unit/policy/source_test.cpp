// Policy YAML as data: positions of values and keys, errors with file:line:col, and scalars
// typed as PyYAML (Cloud Custodian's loader) types them.
#include "policy/source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "support/paths.h"

namespace custos::policy {
namespace {

using Pointer = Json::json_pointer;
using ::testing::HasSubstr;

std::string where(const SourceDocument& doc, const std::string& pointer, bool key = false) {
  Location l = doc.locate(Pointer(pointer), key);
  return std::to_string(l.line) + ":" + std::to_string(l.column);
}

// The message of the PolicyError parsing `text` throws ("" when none).
std::string parse_error(const std::string& text) {
  try {
    SourceDocument::parse(text, "bad.yml");
  } catch (const PolicyError& e) {
    return e.what();
  }
  return "";
}

Json scalar(const std::string& text) {
  return SourceDocument::parse("v: " + text + "\n", "s.yml").root().at("v");
}

TEST(SourcePositions, ValuesAndKeysOfBlockMappings) {
  auto doc = SourceDocument::parse(
      "policies:\n"
      "  - name: one\n"
      "    filters:\n"
      "      - State.Name: running\n",
      "p.yml");
  EXPECT_EQ(where(doc, ""), "1:1");
  EXPECT_EQ(where(doc, "/policies"), "2:3");
  EXPECT_EQ(where(doc, "/policies", true), "1:1");
  EXPECT_EQ(where(doc, "/policies/0"), "2:5");
  EXPECT_EQ(where(doc, "/policies/0/name"), "2:11");
  EXPECT_EQ(where(doc, "/policies/0/name", true), "2:5");
  EXPECT_EQ(where(doc, "/policies/0/filters/0"), "4:9");
  EXPECT_EQ(where(doc, "/policies/0/filters/0/State.Name"), "4:21");
  EXPECT_EQ(where(doc, "/policies/0/filters/0/State.Name", true), "4:9");
  EXPECT_EQ(doc.locate(Pointer("/policies/0/name")).file, "p.yml");
}

TEST(SourcePositions, FlowCollectionsAndQuotedScalars) {
  auto doc = SourceDocument::parse("a: {b: [10, 'x y', \"z\"], c: d}\n", "p.yml");
  EXPECT_EQ(where(doc, "/a"), "1:4");
  EXPECT_EQ(where(doc, "/a/b"), "1:8");
  EXPECT_EQ(where(doc, "/a/b/0"), "1:9");
  EXPECT_EQ(where(doc, "/a/b/1"), "1:13");
  EXPECT_EQ(where(doc, "/a/b/2"), "1:20");
  EXPECT_EQ(where(doc, "/a/c", true), "1:26");
  EXPECT_EQ(where(doc, "/a/c"), "1:29");
}

TEST(SourcePositions, UnknownPointersFallBackToTheNearestParent) {
  auto doc = SourceDocument::parse("a:\n  b: 1\n", "p.yml");
  EXPECT_EQ(where(doc, "/a/nosuch/deeper"), "2:3");
  EXPECT_EQ(where(doc, "/a/nosuch", true), "2:3");
  EXPECT_EQ(where(doc, "/zzz"), "1:1");
}

TEST(SourcePositions, LocationPrintsFileLineColumn) {
  EXPECT_EQ((Location{"dir/p.yml", 12, 3}.str()), "dir/p.yml:12:3");
  PolicyError error(Location{"p.yml", 2, 5}, "bad thing");
  EXPECT_STREQ(error.what(), "p.yml:2:5: bad thing");
  EXPECT_EQ(error.where().line, 2);
}

TEST(SourceErrors, DuplicateKeysPointAtTheSecondKey) {
  EXPECT_EQ(parse_error("a: 1\nb: 2\na: 3\n"), "bad.yml:3:1: duplicate key 'a'");
  EXPECT_EQ(parse_error("x:\n  - {k: 1, k: 2}\n"), "bad.yml:2:12: duplicate key 'k'");
}

TEST(SourceErrors, ComplexKeysAreRejected) {
  EXPECT_EQ(parse_error("? [a, b]\n: 1\n"), "bad.yml:1:3: mapping keys must be plain strings");
}

TEST(SourceErrors, YamlSyntaxErrorsNameTheFileAndPosition) {
  struct Case {
    std::string text, prefix;
  };
  const Case cases[] = {
      {"a: [1, 2\n", "bad.yml:2:1: invalid YAML: "},           // unclosed flow sequence
      {"a: {b: 1\n", "bad.yml:2:1: invalid YAML: "},           // unclosed flow mapping
      {"a: b\n c: d\n", "bad.yml:2:3: invalid YAML: "},        // mapping inside a scalar
      {"a:\n  - x\n  y: 1\n", "bad.yml:3:3: invalid YAML: "},  // mapping after a sequence
      {"a: *nosuch\n", "bad.yml:1:4: invalid YAML: "},         // unknown alias
      {"a:\n\t- x\n", "bad.yml:2:1: invalid YAML: "},          // tab indentation
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    std::string message = parse_error(c.text);
    EXPECT_EQ(message.rfind(c.prefix, 0), 0u) << message;
    EXPECT_GT(message.size(), c.prefix.size()) << "the reason is missing";
  }
}

// libyaml's messages are PyYAML's (Cloud Custodian's loader), with the construct being read; a
// tab, the commonest slip, also says what to do.
TEST(SourceErrors, YamlSyntaxErrorsSayWhatWasExpectedAndWhere) {
  EXPECT_EQ(parse_error("a: [1, 2\n"),
            "bad.yml:2:1: invalid YAML: did not find expected ',' or ']' (while parsing a flow "
            "sequence started at 1:4)");
  EXPECT_EQ(parse_error("a: *nosuch\n"),
            "bad.yml:1:4: invalid YAML: found undefined alias 'nosuch'");
  EXPECT_NE(parse_error("a:\n\t- x\n").find("YAML indents with spaces, not tabs"),
            std::string::npos);
}

TEST(SourceErrors, AliasesCannotMakeAFileEndlessOrHuge) {
  EXPECT_EQ(parse_error("a: &x [1, *x]\n"),
            "bad.yml:1:11: invalid YAML: an alias inside the value it names makes it endless");
  // Each level doubles the one before: 2^30 values from 30 short lines.
  std::string bomb = "l0: &l0 [x, x]\n";
  for (int i = 1; i <= 30; ++i)
    bomb += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [*l" + std::to_string(i - 1) +
            ", *l" + std::to_string(i - 1) + "]\n";
  EXPECT_THAT(parse_error(bomb), HasSubstr("aliases expand it to more than 1000000 values"));
}

TEST(SourceErrors, UnreadableFile) {
  std::string path = custos::test::data_path("policies/does-not-exist.yml");
  try {
    SourceDocument::load_file(path);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), path + ": cannot read the policy file (check the path)");
  }
}

TEST(SourceLoad, ReadsAFileAndNamesItInPositions) {
  std::string path = custos::test::data_path("policies/stop-tagged.yml");
  auto doc = SourceDocument::load_file(path);
  EXPECT_EQ(doc.root()["policies"][0]["name"], "stop-tagged");
  Location l = doc.locate(Pointer("/policies/0/resource"));
  EXPECT_EQ(l.str(), path + ":3:15");
}

TEST(SourceLoad, EmptyDocumentIsNull) {
  EXPECT_TRUE(SourceDocument::parse("", "e.yml").root().is_null());
  auto doc = SourceDocument::parse("# only a comment\n", "e.yml");
  EXPECT_TRUE(doc.root().is_null());
  EXPECT_EQ(doc.locate(Pointer("")).str(), "e.yml:1:1");
}

TEST(SourceLoad, AliasesCopyTheAnchoredValue) {
  auto doc = SourceDocument::parse("a: &x {k: [1, 2]}\nb: *x\n", "p.yml");
  EXPECT_EQ(doc.root()["b"], doc.root()["a"]);
}

TEST(SourceLoad, MergeKeysAsPyYamlAppliesThem) {
  auto doc = SourceDocument::parse(
      "base: &base {resource: aws.ec2, mode: {type: pull}}\n"
      "extra: &extra {resource: ec2, comment: x}\n"
      "one:\n"
      "  <<: *base\n"
      "  name: one\n"
      "  mode: {type: guard-duty}\n"
      "two: {<<: [*extra, *base], name: two}\n"
      "quoted: {'<<': 1}\n",
      "m.yml");
  const Json& root = doc.root();
  EXPECT_EQ(root["one"],
            (Json{{"resource", "aws.ec2"}, {"mode", {{"type", "guard-duty"}}}, {"name", "one"}}));
  EXPECT_EQ(
      root["two"],
      (Json{{"resource", "ec2"}, {"comment", "x"}, {"mode", {{"type", "pull"}}}, {"name", "two"}}));
  EXPECT_EQ(root["quoted"], (Json{{"<<", 1}}));
  EXPECT_EQ(where(doc, "/one"), "4:3");
  EXPECT_EQ(where(doc, "/one/mode/type"), "6:16");
  EXPECT_EQ(where(doc, "/one/resource"), "1:24");  // where the anchored mapping wrote it
  EXPECT_EQ(parse_error("a: {<<: 5}\n"),
            "bad.yml:1:9: '<<' merges a mapping or a list of mappings");
  EXPECT_EQ(parse_error("a: &a {k: 1}\nb: {<<: *a, k: 2, k: 3}\n"),
            "bad.yml:2:19: duplicate key 'k'");
}

TEST(ScalarTyping, BooleansAreYaml11Words) {
  for (const char* t : {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"})
    EXPECT_EQ(scalar(t), Json(true)) << t;
  for (const char* f : {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"})
    EXPECT_EQ(scalar(f), Json(false)) << f;
  for (const char* s : {"y", "n", "Y", "N", "yEs", "tRue", "enabled"})
    EXPECT_EQ(scalar(s), Json(s)) << s;
}

TEST(ScalarTyping, Nulls) {
  for (const char* n : {"~", "null", "Null", "NULL", ""}) EXPECT_TRUE(scalar(n).is_null()) << n;
  EXPECT_EQ(scalar("nULL"), Json("nULL"));
}

TEST(ScalarTyping, IntegersInPyYamlForms) {
  struct Case {
    const char* text;
    std::int64_t value;
  };
  const Case cases[] = {{"0", 0},
                        {"42", 42},
                        {"-7", -7},
                        {"+3", 3},
                        {"1_000", 1000},
                        {"0x1f", 31},
                        {"0x1F", 31},
                        {"-0x10", -16},
                        {"017", 15},
                        {"0b101", 5},
                        {"1:30", 90},
                        {"-1:00:05", -3605},
                        {"9223372036854775807", 9223372036854775807LL}};
  for (const auto& c : cases) {
    Json v = scalar(c.text);
    EXPECT_TRUE(v.is_number_integer()) << c.text << " -> " << v.dump();
    EXPECT_EQ(v, Json(c.value)) << c.text;
  }
  Json huge = scalar("123456789012345678901234");
  EXPECT_TRUE(huge.is_number_float());
  EXPECT_DOUBLE_EQ(huge.get<double>(), 1.2345678901234568e23);
  EXPECT_DOUBLE_EQ(scalar("-0x1_0000_0000_0000_0000").get<double>(), -18446744073709551616.0);
  EXPECT_DOUBLE_EQ(scalar("01000000000000000000000").get<double>(), 9223372036854775808.0);
}

TEST(ScalarTyping, FloatsInPyYamlForms) {
  struct Case {
    const char* text;
    double value;
  };
  const Case cases[] = {{"1.5", 1.5},    {"-0.25", -0.25},   {"1.", 1.0},
                        {".5", 0.5},     {"1.0e+3", 1000.0}, {"2.5E-1", 0.25},
                        {"1_0.5", 10.5}, {"1:30.5", 90.5},   {"+2.0", 2.0}};
  for (const auto& c : cases) {
    Json v = scalar(c.text);
    EXPECT_TRUE(v.is_number_float()) << c.text << " -> " << v.dump();
    EXPECT_DOUBLE_EQ(v.get<double>(), c.value) << c.text;
  }
  EXPECT_TRUE(std::isinf(scalar(".inf").get<double>()));
  EXPECT_LT(scalar("-.Inf").get<double>(), 0);
  EXPECT_TRUE(std::isnan(scalar(".NaN").get<double>()));
}

TEST(ScalarTyping, LookalikesStayStrings) {
  // PyYAML needs a dot and a signed exponent for floats, and reads a leading 0 as octal, so
  // an account id like 012345678901 (digits 8 and 9) is not a number.
  for (const char* s : {"012345678901", "1e5", "1.0e5", "-.5", "0x1g", "1.2.3", "12abc", "0o17",
                        "1:60", "+", ".", "1,000", "0b102", "v1.0", ".infinity"})
    EXPECT_EQ(scalar(s), Json(s)) << s;
}

TEST(ScalarTyping, QuotedAndTaggedScalarsStayStrings) {
  EXPECT_EQ(scalar("'yes'"), Json("yes"));
  EXPECT_EQ(scalar("\"42\""), Json("42"));
  EXPECT_EQ(scalar("''"), Json(""));
  EXPECT_EQ(scalar("'~'"), Json("~"));
  EXPECT_EQ(scalar("!!str 7"), Json("7"));
  EXPECT_EQ(scalar("\"null\""), Json("null"));
}

TEST(ScalarTyping, KeysAreAlwaysStrings) {
  auto doc = SourceDocument::parse("1: a\nyes: b\n1.5: c\n", "k.yml");
  EXPECT_EQ(doc.root(), (Json{{"1", "a"}, {"yes", "b"}, {"1.5", "c"}}));
}

}  // namespace
}  // namespace custos::policy
