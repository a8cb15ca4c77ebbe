// JsonListReader: a JSON list handed out one element at a time, whatever the chunking, with
// errors placed at FILE:LINE:COL of the whole input.
#include "core/json_list.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <random>
#include <sstream>

#include "core/doc_store.h"
#include "core/json_text.h"
#include "support/paths.h"

namespace custos {
namespace {

// Each element's text, checking the promised padding is there (ASan reads it).
std::vector<std::string> elements(const std::string& text) {
  std::istringstream input(text);
  JsonListReader reader(input, "in.json");
  std::vector<std::string> found;
  reader.for_each([&](std::string_view element, std::size_t capacity) {
    EXPECT_GE(capacity, element.size() + DocStore::kPadding);
    volatile char last_padding = element.data()[capacity - 1];
    (void)last_padding;
    found.emplace_back(element);
  });
  return found;
}

// The message for_each throws on `text`.
std::string error(const std::string& text) {
  try {
    elements(text);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(JsonListReaderTest, HandsOutEachElementsText) {
  std::string text =
      " \n[ {\"a\": [1, {\"b\": \"}]\"}], \"c\": \"\\\"{\"} ,\n  [[], {}],\"x\\\\\", "
      "-1.5e3,true,null,"
      "\"\\\\\\\"]\"\t]\r\n";
  EXPECT_EQ(elements(text),
            (std::vector<std::string>{"{\"a\": [1, {\"b\": \"}]\"}], \"c\": \"\\\"{\"}", "[[], {}]",
                                      "\"x\\\\\"", "-1.5e3", "true", "null", "\"\\\\\\\"]\""}));
}

TEST(JsonListReaderTest, AnEmptyListHasNoElements) {
  EXPECT_TRUE(elements("[]").empty());
  EXPECT_TRUE(elements(" [ \n ] \n").empty());
}

TEST(JsonListReaderTest, AnythingElseIsReadWhole) {
  for (std::string text : {"\n {\"Reservations\": []}\n", "", "  ", "42"}) {
    std::istringstream input(text);
    JsonListReader reader(input, "in.json");
    EXPECT_FALSE(reader.is_list()) << text;
    EXPECT_EQ(reader.read_all(), text);
  }
  std::istringstream input("{}");
  EXPECT_THROW(JsonListReader(input, "in.json").for_each([](auto, auto) {}), InputError);
}

TEST(JsonListReaderTest, AMalformedListSaysWhereAndWhatWasExpected) {
  EXPECT_EQ(error("[1 2]"),
            "in.json:1:4: invalid JSON: expected ',' or ']' after a list element, not '2'");
  EXPECT_EQ(error("[1,\n ]"), "in.json:2:2: invalid JSON: expected a list element, not ']'");
  EXPECT_EQ(error("[,1]"), "in.json:1:2: invalid JSON: expected a list element, not ','");
  EXPECT_EQ(error("[1]\n x"),
            "in.json:2:2: invalid JSON: expected nothing after the list's closing ']', not 'x'");
  EXPECT_EQ(error("[{\"a\": 1}"),
            "in.json:1:10: invalid JSON: the input ends where ',' or ']' should follow a list "
            "element (is the file complete?)");
  EXPECT_EQ(error("[1,\n {\"a\": \"}"),
            "in.json:2:10: invalid JSON: the input ends inside the list element that starts at "
            "2:2 (is the file complete?)");
  EXPECT_EQ(error("[1, "),
            "in.json:1:5: invalid JSON: the input ends where a list element should follow ','");
  EXPECT_EQ(error(" ["),
            "in.json:1:3: invalid JSON: the input ends before the list's first element or ']'");
  EXPECT_EQ(error("{}"), "in.json:1:1: invalid JSON: expected a JSON list ('[')");
}

// What for_each throws when element `index` of `text` fails with JsonTextError(line, column).
std::string element_error(const std::string& text, std::size_t index, int line = 1,
                          int column = 1) {
  std::istringstream input(text);
  JsonListReader reader(input, "in.json");
  try {
    std::size_t seen = 0;
    reader.for_each([&](std::string_view, std::size_t) {
      if (seen++ == index) throw JsonTextError(line, column, "syntax error (detail)");
    });
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

// Where element `index` of `text` starts, as LINE:COL.
std::string element_start(const std::string& text, std::size_t index) {
  std::string message = element_error(text, index);
  auto prefix = std::string("in.json:").size();
  return message.substr(prefix, message.find(": invalid") - prefix);
}

TEST(JsonListReaderTest, AnElementsErrorIsPlacedInTheWholeInput) {
  std::string text = "[\n  {\"a\": 1},\n  {\"b\":\n   \"x\"}, 7,\n\n      [2]\n]";
  EXPECT_EQ(element_start(text, 0), "2:3");
  EXPECT_EQ(element_start(text, 1), "3:3");
  EXPECT_EQ(element_start(text, 2), "4:10");
  EXPECT_EQ(element_start(text, 3), "6:7");
  EXPECT_EQ(element_error(text, 1, 1, 5), "in.json:3:7: invalid JSON: syntax error (detail)");
  EXPECT_EQ(element_error(text, 1, 2, 6), "in.json:4:6: invalid JSON: syntax error (detail)");
}

// A random JSON value whose strings are full of escapes and brackets, so that some land on
// every offset of the scanner's blocks and chunks.
Json random_value(std::mt19937& random, int depth) {
  std::uniform_int_distribution<int> pick(0, depth > 3 ? 3 : 6);
  const char* const pieces[] = {"\"", "\\", "{", "}", "[", "]", "a", "xyz", "\n", ",", "é"};
  switch (pick(random)) {
    case 0:
      return std::uniform_int_distribution<int>(-1000, 1000)(random);
    case 1:
      return nullptr;
    case 2:
      return true;
    case 3: {
      std::string text;
      for (int n = std::uniform_int_distribution<int>(0, 40)(random); n > 0; --n)
        text += pieces[std::uniform_int_distribution<int>(0, 10)(random)];
      return text;
    }
    case 4:
    case 5: {
      Json object = Json::object();
      for (int n = std::uniform_int_distribution<int>(0, 6)(random); n > 0; --n)
        object["k" + std::to_string(n) + "\\\"]"] = random_value(random, depth + 1);
      return object;
    }
    default: {
      Json list = Json::array();
      for (int n = std::uniform_int_distribution<int>(0, 6)(random); n > 0; --n)
        list.push_back(random_value(random, depth + 1));
      return list;
    }
  }
}

TEST(JsonListReaderTest, ElementsCrossingChunksComeOutWhole) {
  std::mt19937 random(7);
  Json list = Json::array();
  std::size_t size = 0;
  while (size < 5'000'000) {
    list.push_back(random_value(random, 0));
    size += list.back().dump().size();
  }
  list.push_back(std::string(3'000'000, 'x') + "\\\"");  // bigger than a chunk
  list.push_back(Json::object({{"after", "the big one"}}));
  for (int indent : {-1, 1}) {
    auto found = elements(list.dump(indent));
    ASSERT_EQ(found.size(), list.size());
    for (std::size_t i = 0; i < found.size(); ++i)
      ASSERT_EQ(Json::parse(found[i]), list[i]) << "element " << i;
  }
}

// `count` copies of a recorded EC2 instance, as `custos run` writes a resources.json.
std::string resources_json(int count) {
  Json recorded = Json::parse(test::read_file(
      test::data_path("responses/cloud-custodian-placebo/"
                      "test_ec2_ssm_inventory_filter__ec2.DescribeInstances_1.json")));
  Json instance = recorded["data"]["Reservations"][0]["Instances"][0];
  std::string element = instance.dump(2);
  std::string text = "[\n  " + element;
  text.reserve((element.size() + 4) * static_cast<std::size_t>(count));
  for (int i = 1; i < count; ++i) text += ",\n  " + element;
  return text + "\n]\n";
}

TEST(JsonListReaderTest, PositionsStayRightAcrossChunks) {
  std::string text = resources_json(2000);  // a few MB
  auto lines_per_element =
      static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n') - 2) / 2000;
  for (std::size_t i : {0, 1, 700, 1999})
    EXPECT_EQ(element_start(text, i), std::to_string(2 + i * lines_per_element) + ":3");
  EXPECT_EQ(element_error(text, 1999, 3, 4),
            "in.json:" + std::to_string(2 + 1999 * lines_per_element + 2) +
                ":4: invalid JSON: syntax error (detail)");
}

TEST(JsonListReaderTest, ScansAResourcesJsonQuickly) {
  const int count = 20000;
  std::string text = resources_json(count);
  std::istringstream input(text);
  JsonListReader reader(input, "in.json");
  int found = 0;
  std::size_t bytes = 0;
  auto start = std::chrono::steady_clock::now();
  reader.for_each([&](std::string_view element, std::size_t) {
    ++found;
    bytes += element.size();
  });
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(found, count);
  EXPECT_GT(bytes, text.size() * 9 / 10);
  std::cout << "scanned " << text.size() / 1'000'000 << " MB in " << took.count() * 1000
            << " ms: " << static_cast<double>(text.size()) / 1e6 / took.count() << " MB/s\n";
}

}  // namespace
}  // namespace custos
