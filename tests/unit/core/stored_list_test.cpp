// StoredList: a JSON list read into DocStores on several threads gives the documents a reading
// in order gives, in order, and the error such a reading would meet first.
#include "core/stored_list.h"

#include <gtest/gtest.h>

#include <sstream>

#include "core/error.h"

namespace custos {
namespace {

// Several MB, so that the list spans many batches: object i is {"i": i, "pad": "..."}.
std::string big_list(std::size_t count) {
  std::string text = "[\n";
  for (std::size_t i = 0; i < count; ++i) {
    if (i) text += ",\n";
    text += R"({"i": )" + std::to_string(i) + R"(, "pad": ")" + std::string(200, 'x') +
            std::to_string(i % 7) + R"(", "tags": [{"Key": "k", "Value": "v"}]})";
  }
  return text + "\n]\n";
}

void refuse_non_objects(const DocStore& store, DocStore::Value document, std::size_t index) {
  if (store.kind(document) != DocStore::Kind::kObject)
    throw InputError("in.json: resource " + std::to_string(index) + " is not an object");
}

// The documents read with `threads` workers, as Json in list order.
std::vector<Json> read(const std::string& text, unsigned threads) {
  std::istringstream input(text);
  JsonListReader reader(input, "in.json");
  EXPECT_TRUE(reader.is_list());
  StoredList list(reader, threads, refuse_non_objects);
  std::vector<Json> documents;
  for (const StoredList::Batch& batch : list.batches())
    for (DocStore::Value document : batch.documents)
      documents.push_back(batch.store->to_json(document));
  EXPECT_EQ(documents.size(), list.size());
  return documents;
}

// What reading `text` with `threads` workers throws.
std::string error(const std::string& text, unsigned threads) {
  try {
    read(text, threads);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

// What reading `text` in order throws, one element at a time into one store.
std::string error_in_order(const std::string& text) {
  std::istringstream input(text);
  JsonListReader reader(input, "in.json");
  DocStore store;
  std::size_t index = 0;
  try {
    reader.for_each([&](std::string_view element, std::size_t capacity) {
      refuse_non_objects(store, store.add_json(element, capacity), index++);
    });
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(StoredListTest, EveryThreadCountGivesTheDocumentsInOrder) {
  const std::string text = big_list(20'000);  // about 5 MB: five batches or so
  const std::vector<Json> expected = Json::parse(text).get<std::vector<Json>>();
  for (unsigned threads : {1u, 2u, 3u, 8u}) {
    SCOPED_TRACE(threads);
    EXPECT_EQ(read(text, threads), expected);
  }
}

TEST(StoredListTest, SmallAndEmptyListsNeedNoFullBatch) {
  EXPECT_TRUE(read("[]", 2).empty());
  EXPECT_EQ(read(R"([{"a": 1}, {"b": [true, null]}])", 2),
            Json::parse(R"([{"a": 1}, {"b": [true, null]}])").get<std::vector<Json>>());
}

TEST(StoredListTest, AnInvalidElementIsPlacedInTheWholeInput) {
  std::string text = big_list(30'000);
  const std::size_t late = text.find(R"({"i": 25000,)");
  text.replace(late, 1, "{,");  // line 25002 of the file
  EXPECT_EQ(error(text, 2), error_in_order(text));
  EXPECT_NE(error(text, 2).find("in.json:25002:"), std::string::npos) << error(text, 2);
}

TEST(StoredListTest, OfSeveralBadElementsTheFirstInTheListIsReported) {
  std::string text = big_list(30'000);
  text.replace(text.find(R"({"i": 29000,)"), 1, "{,");
  text.replace(text.find(R"({"i": 3,)"), 12, R"("not an obj",)");
  for (unsigned threads : {1u, 2u, 4u}) {
    SCOPED_TRACE(threads);
    EXPECT_EQ(error(text, threads), "in.json: resource 3 is not an object");
  }
}

TEST(StoredListTest, AnElementErrorBeforeABrokenListComesFirst) {
  std::string text = big_list(20'000);
  text.replace(text.find(R"({"i": 19990,)"), 1, "{,");
  std::string unclosed = text.substr(0, text.rfind(']'));
  EXPECT_EQ(error(unclosed, 2), error_in_order(unclosed));
  EXPECT_NE(error(unclosed, 2).find("in.json:19992:"), std::string::npos) << error(unclosed, 2);
}

TEST(StoredListTest, ABrokenListAloneIsTheReadersError) {
  std::string text = big_list(20'000);
  std::string missing_comma = text.replace(text.find(",\n{\"i\": 15000,"), 1, " ");
  EXPECT_EQ(error(missing_comma, 2), error_in_order(missing_comma));
  EXPECT_NE(error(missing_comma, 2).find("expected ',' or ']'"), std::string::npos);
}

}  // namespace
}  // namespace custos
