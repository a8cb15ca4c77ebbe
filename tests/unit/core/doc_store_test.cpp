// DocStore: exact round trips (recorded documents, numbers, strings), sharing of equal values,
// key order, KeyLookup across shapes, errors with positions, and reading unpadded text.
#include "core/doc_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/json_text.h"
#include "support/paths.h"

namespace custos {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using Kind = DocStore::Kind;
using Value = DocStore::Value;

// dump() tells 1 from 1.0 and keeps every digit, which Json's == does not.
void expect_round_trip(const DocStore& store, Value value, const Json& expected) {
  EXPECT_EQ(store.to_json(value).dump(), expected.dump());
  EXPECT_EQ(store.to_json(value).type(), expected.type());
}

std::vector<std::filesystem::path> recorded_json_files() {
  std::vector<std::filesystem::path> files;
  for (const char* folder : {"responses", "jmespath"})
    for (const auto& entry : std::filesystem::recursive_directory_iterator(test::data_path(folder)))
      if (entry.path().extension() == ".json") files.push_back(entry.path());
  return files;
}

TEST(DocStore, RoundTripsEveryRecordedDocument) {
  const auto files = recorded_json_files();
  ASSERT_GE(files.size(), 40u);
  DocStore store;
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    const std::string text = test::read_file(file.string());
    const Json expected = Json::parse(text);
    expect_round_trip(store, store.add(expected), expected);
    expect_round_trip(store, store.add_json(text), expected);
    // nlohmann's dump has keys sorted, as add(Json) keeps them: the very same Value.
    EXPECT_EQ(store.add_json(expected.dump()), store.add(expected));
  }
}

TEST(DocStore, NumbersKeepTheirValueAndType) {
  const char* const texts[] = {"0",
                               "7",
                               "-7",
                               "268435455",  // largest inline
                               "268435456",
                               "-268435456",  // smallest inline
                               "-268435457",
                               "2147483648",
                               "4294967296",
                               "9223372036854775807",
                               "-9223372036854775808",
                               "9223372036854775808",  // beyond int64: unsigned
                               "18446744073709551615",
                               "18446744073709551616",  // beyond uint64: a double, as nlohmann
                               "1.0",
                               "-0.0",
                               "0.0",
                               "0.1",
                               "1e300",
                               "-1.5e-300",
                               "2.2250738585072014e-308",
                               "4.9e-324",
                               "1.7976931348623157e308",
                               "123456789.125"};
  DocStore store;
  for (const char* text : texts) {
    SCOPED_TRACE(text);
    const Json expected = Json::parse(text);
    const Value value = store.add_json(text);
    EXPECT_EQ(store.kind(value), Kind::kNumber);
    expect_round_trip(store, value, expected);
    EXPECT_EQ(store.add(expected), value);
  }
  EXPECT_NE(store.add_json("1"), store.add_json("1.0"));
  EXPECT_NE(store.add_json("-0.0"), store.add_json("0.0"));
  // An integer is one Value whichever C++ type it was made from.
  EXPECT_EQ(store.add(Json(std::int64_t{5})), store.add(Json(std::uint64_t{5})));
  EXPECT_EQ(store.add(Json(std::int64_t{1} << 40)), store.add(Json(std::uint64_t{1} << 40)));
  EXPECT_EQ(store.to_json(store.add(Json(std::int64_t{1} << 40))), Json(std::int64_t{1} << 40));
}

TEST(DocStore, StringsWithEscapesNulAndUtf8) {
  DocStore store;
  const Value escaped = store.add_json(R"("q\"b\\s\/n\nt\tu\u00e9\u0000z\ud83c\udf89")");
  EXPECT_EQ(store.kind(escaped), Kind::kString);
  static constexpr char kDecoded[] = "q\"b\\s/n\nt\tu\xc3\xa9\0z\xf0\x9f\x8e\x89";
  EXPECT_EQ(store.string(escaped), std::string_view(kDecoded, sizeof kDecoded - 1));
  EXPECT_EQ(store.add(Json(std::string(store.string(escaped)))), escaped);
  const Value raw = store.add_json("\"日本語 🎉\"");
  EXPECT_EQ(store.string(raw), "日本語 🎉");
  expect_round_trip(store, escaped, Json::parse(R"("q\"b\\s\/n\nt\tu\u00e9\u0000z\ud83c\udf89")"));
  EXPECT_EQ(store.string(store.add_json(R"("")")), "");
  EXPECT_NE(store.add_json(R"("")"), store.add_json(R"("\u0000")"));
}

TEST(DocStore, ConstantsAndEmptyContainers) {
  DocStore store;
  EXPECT_EQ(store.kind(store.add_json("null")), Kind::kNull);
  EXPECT_TRUE(store.boolean(store.add_json("true")));
  EXPECT_FALSE(store.boolean(store.add_json("false")));
  EXPECT_EQ(store.kind(store.add_json(" false ")), Kind::kBool);
  EXPECT_EQ(store.kind(DocStore::kMissing), Kind::kMissing);
  const Value both = store.add_json(R"([[], {}, [[]], {"e": {}}])");
  ASSERT_EQ(store.size(both), 4u);
  EXPECT_EQ(store.kind(store.element(both, 0)), Kind::kArray);
  EXPECT_EQ(store.size(store.element(both, 0)), 0u);
  EXPECT_EQ(store.kind(store.element(both, 1)), Kind::kObject);
  EXPECT_EQ(store.size(store.element(both, 1)), 0u);
  EXPECT_EQ(store.element(store.element(both, 2), 0), store.add_json("[]"));
  EXPECT_EQ(store.get(store.element(both, 3), "e"), store.add(Json::object()));
  expect_round_trip(store, both, Json::parse(R"([[], {}, [[]], {"e": {}}])"));
}

TEST(DocStore, EqualValuesAreStoredOnce) {
  DocStore store;
  const Value doc = store.add_json(
      R"({"a": {"x": 1, "y": [1, "s"]}, "b": {"x": 1, "y": [1, "s"]}, "c": {"y": [1, "s"], "x": 1}})");
  EXPECT_EQ(store.get(doc, "a"), store.get(doc, "b"));
  EXPECT_NE(store.get(doc, "a"), store.get(doc, "c"));  // the same members in another order
  EXPECT_EQ(store.get(store.get(doc, "a"), "y"), store.get(store.get(doc, "c"), "y"));

  const std::string text = test::read_file(
      test::data_path("responses/cloud-custodian-placebo/"
                      "test_ec2_ssm_inventory_filter__ec2.DescribeInstances_1.json"));
  const Value first = store.add_json(text);
  const std::size_t bytes = store.bytes();
  EXPECT_GT(bytes, 0u);
  EXPECT_EQ(store.add_json(text), first);
  EXPECT_EQ(store.bytes(), bytes);
}

TEST(DocStore, ObjectsKeepTheOrderGivenAndTheLastRepeatedKey) {
  DocStore store;
  const Value text_order = store.add_json(R"({"b": 1, "a": 2})");
  EXPECT_EQ(store.key(text_order, 0), "b");
  EXPECT_EQ(store.key(text_order, 1), "a");
  EXPECT_EQ(store.to_json(store.member(text_order, 1)), 2);
  const Value sorted = store.add(Json::parse(R"({"b": 1, "a": 2})"));
  EXPECT_EQ(store.key(sorted, 0), "a");
  EXPECT_EQ(store.to_json(sorted), store.to_json(text_order));

  const char* const repeated = R"({"a": 1, "b": 2, "a": {"c": 3}, "d": 4, "b": 5})";
  const Value last = store.add_json(repeated);
  ASSERT_EQ(store.size(last), 3u);
  EXPECT_EQ(store.key(last, 0), "a");
  EXPECT_EQ(store.key(last, 1), "b");
  EXPECT_EQ(store.key(last, 2), "d");
  EXPECT_EQ(store.to_json(store.get(last, "b")), 5);
  expect_round_trip(store, last, Json::parse(repeated));
  EXPECT_EQ(store.add_json(R"({"a": 0, "a": 0, "a": 0})"), store.add_json(R"({"a": 0})"));
}

TEST(DocStore, KeyLookupAcrossShapes) {
  DocStore store;
  const std::vector<Value> docs = {
      store.add_json(R"({"State": {"Code": 16, "Name": "running"}})"),
      store.add_json(R"({"Id": 1, "State": {"Name": "stopped", "Code": 80}})"),
      store.add_json(R"({"Id": 2})"),
      store.add_json(R"("State")"),
      store.add_json(R"(["State"])"),
      store.add_json(R"({"State": {"Code": 16, "Name": "running"}})"),
      store.add_json(R"({"Other": 1, "State": 5})"),
      store.add_json(R"({"Id": 3, "State": {"Name": "pending"}})"),
  };
  DocStore::KeyLookup state(store, "State"), name(store, "Name");
  std::vector<std::string> names;
  for (Value doc : docs) {
    const Value value = name(state(doc));
    names.push_back(value == DocStore::kMissing ? "-" : std::string(store.string(value)));
  }
  EXPECT_EQ(names, (std::vector<std::string>{"running", "stopped", "-", "-", "-", "running", "-",
                                             "pending"}));
  EXPECT_EQ(state(docs[6]), store.add_json("5"));
  EXPECT_EQ(state(docs[0]), store.get(docs[0], "State"));

  DocStore::KeyLookup nobody(store, "NoDocumentHasThisKey");
  for (Value doc : docs) EXPECT_EQ(nobody(doc), DocStore::kMissing);
  EXPECT_EQ(store.get(docs[0], "NoDocumentHasThisKey"), DocStore::kMissing);
  EXPECT_EQ(store.get(docs[2], "State"), DocStore::kMissing);
  EXPECT_EQ(store.get(docs[3], "State"), DocStore::kMissing);
}

TEST(DocStore, FindStringFindsValuesAndKeys) {
  DocStore store;
  const Value doc = store.add_json(R"({"State": "x", "Tags": [{"Key": "Name"}]})");
  const Value key = store.find_string("State");
  ASSERT_EQ(store.kind(key), Kind::kString);
  EXPECT_EQ(store.string(key), "State");
  EXPECT_EQ(store.find_string("x"), store.get(doc, "State"));
  EXPECT_EQ(store.find_string("Name"), store.get(store.element(store.get(doc, "Tags"), 0), "Key"));
  EXPECT_EQ(store.find_string("nowhere"), DocStore::kMissing);
}

TEST(DocStore, InvalidTextSaysWhere) {
  DocStore store;
  try {
    store.add_json("{\n  \"a\": [1,,2]\n}");
    FAIL() << "no error";
  } catch (const JsonTextError& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.column(), 11);
    EXPECT_THAT(e.what(), StartsWith("2:11: invalid JSON: "));
    EXPECT_THAT(e.detail(), HasSubstr("syntax error"));
  }
  EXPECT_THROW(store.add_json(""), JsonTextError);
  EXPECT_THROW(store.add_json("[1] 2"), JsonTextError);
  EXPECT_THROW(store.add_json("{\"a\" 1}"), JsonTextError);
  EXPECT_THROW(store.add_json("01"), JsonTextError);
  EXPECT_THROW(store.add_json("1e400"), JsonTextError);  // beyond a double
  EXPECT_THROW(store.add_json("\"\xff\""), JsonTextError);
  // The store is still usable after errors.
  EXPECT_EQ(store.to_json(store.add_json("[1, {\"a\": 2}]")), Json::parse("[1, {\"a\": 2}]"));
}

TEST(LocateJsonError, FallsBackWhenNlohmannAccepts) {
  const JsonTextError error = locate_json_error("[1]", "simdjson said no");
  EXPECT_EQ(error.line(), 1);
  EXPECT_EQ(error.column(), 1);
  EXPECT_STREQ(error.what(), "1:1: invalid JSON: simdjson said no");
}

TEST(DocStore, NestingTooDeepIsAnInputError) {
  DocStore store;
  const std::size_t depth = 5000;
  try {
    store.add_json(std::string(depth, '[') + std::string(depth, ']'));
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("nested deeper than 1024 levels"));
  }
  Json deep = Json::array();
  for (std::size_t i = 0; i < depth; ++i) deep = Json::array({std::move(deep)});
  EXPECT_THROW(store.add(deep), InputError);
  EXPECT_EQ(store.to_json(store.add_json("[[[]]]")), Json::parse("[[[]]]"));
}

TEST(DocStore, ReadsTextWithAndWithoutPadding) {
  DocStore store;
  const std::string text = R"({"a": [1, 2, "three"]})";
  // The bytes after the text are readable but not JSON: they must not be read as part of it.
  std::string buffer = text + std::string(DocStore::kPadding, '}');
  const Value padded =
      store.add_json(std::string_view(buffer).substr(0, text.size()), buffer.size());
  EXPECT_EQ(store.to_json(padded), Json::parse(text));
  const Value short_of_padding = store.add_json(std::string_view(buffer).substr(0, text.size()),
                                                text.size() + DocStore::kPadding - 1);
  EXPECT_EQ(short_of_padding, padded);
  EXPECT_EQ(store.add_json(text), padded);
  try {
    store.add_json(std::string_view(buffer).substr(0, text.size() + 1), buffer.size());
    FAIL() << "no error";
  } catch (const JsonTextError& e) {
    EXPECT_EQ(e.line(), 1);  // the position is within the text given
  }
}

TEST(DocStore, WithMemberReplacesOrAddsOneMemberAndSharesTheRest) {
  DocStore store;
  const Value original = store.add_json(R"({"Id": "i-1", "Tags": [{"Key": "a"}], "N": 1})");
  const Value replaced = store.with_member(original, "N", store.add(Json(2)));
  expect_round_trip(store, replaced,
                    Json::parse(R"({"Id": "i-1", "Tags": [{"Key": "a"}], "N": 2})"));
  EXPECT_EQ(store.key(replaced, 2), "N");  // in place
  const Value added = store.with_member(original, "New", store.add(Json::array({"x"})));
  EXPECT_EQ(store.key(added, 3), "New");  // last
  EXPECT_EQ(store.get(added, "Tags"), store.get(original, "Tags"));
  expect_round_trip(store, original,
                    Json::parse(R"({"Id": "i-1", "Tags": [{"Key": "a"}], "N": 1})"));
  // Setting what is already there gives the original back.
  EXPECT_EQ(store.with_member(original, "N", store.add(Json(1))), original);
  EXPECT_THROW(store.with_member(store.add(Json::array()), "N", original), std::invalid_argument);
}

TEST(DocStore, MovesWithItsDocuments) {
  DocStore store;
  const Value doc = store.add_json(R"({"k": ["v"]})");
  DocStore moved = std::move(store);
  EXPECT_EQ(moved.to_json(doc), Json::parse(R"({"k": ["v"]})"));
  DocStore assigned;
  assigned = std::move(moved);
  EXPECT_EQ(assigned.string(assigned.element(assigned.get(doc, "k"), 0)), "v");
}

}  // namespace
}  // namespace custos
