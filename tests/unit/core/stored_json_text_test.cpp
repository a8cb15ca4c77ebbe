// Stored documents written as text: byte for byte what nlohmann's dump writes of the same
// documents (every recorded response, escapes, numbers, key order after an annotation), and a
// string that is not UTF-8 refused as dump refuses it.
#include "core/stored_json_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"
#include "support/paths.h"

namespace custos {
namespace {

void expect_as_dump(const DocStore& store, DocStore::Value value) {
  const Json expected = store.to_json(value);
  for (int indent : {-1, 0, 2, 4}) {
    std::string text;
    append_json(store, value, text, indent);
    EXPECT_EQ(text, expected.dump(indent)) << "indent " << indent;
  }
}

TEST(StoredJsonText, WritesEveryRecordedDocumentAsDumpDoes) {
  std::size_t files = 0;
  for (const char* folder : {"responses", "jmespath"})
    for (const auto& entry : std::filesystem::recursive_directory_iterator(test::data_path(folder)))
      if (entry.path().extension() == ".json") {
        DocStore store;
        expect_as_dump(store, store.add(Json::parse(test::read_file(entry.path()))));
        ++files;
      }
  EXPECT_GE(files, 40u);
}

TEST(StoredJsonText, EscapesNumbersAndEmptiesAsDumpDoes) {
  DocStore store;
  const Json document = Json::parse(R"({
    "quote": "say \"hi\"\\ now", "controls": "\u0001\b\f\n\r\t\u001f\u007f", "text": "é ☃ 𝄞",
    "integers": [0, -1, 18446744073709551615, -9223372036854775808, 268435456],
    "floats": [1.0, 0.1, -2.5e-300, 1e300, 3.141592653589793],
    "empty": {"list": [], "object": {}, "string": ""}, "null": null, "bools": [true, false]
  })");
  expect_as_dump(store, store.add(document));
}

TEST(StoredJsonText, PutsAnAnnotationAddedLastInKeyOrder) {
  DocStore store;
  const DocStore::Value document = store.add(Json::parse(R"({"Zone": 1, "arn": "a"})"));
  const DocStore::Value annotated =
      store.with_member(document, "c7n:MatchedFilters", store.add(Json::array({"x"})));
  std::string text;
  append_json(store, annotated, text);
  EXPECT_EQ(text, R"({"Zone":1,"arn":"a","c7n:MatchedFilters":["x"]})");
  expect_as_dump(store, annotated);
}

TEST(StoredJsonText, WritesAListAsDumpWritesAnArrayOfIt) {
  DocStore store;
  std::vector<DocStore::Value> documents = {store.add(Json::parse(R"({"b": [1, {"c": null}]})")),
                                            store.add(Json::parse(R"("text")"))};
  Json array = Json::array();
  for (DocStore::Value document : documents) array.push_back(store.to_json(document));
  for (int indent : {-1, 2}) EXPECT_EQ(json_list(store, documents, indent), array.dump(indent));
  EXPECT_EQ(json_list(store, {}, 2), Json::array().dump(2));
}

TEST(StoredJsonText, RefusesAStringThatIsNotUtf8) {
  DocStore store;
  for (std::string bad : {std::string("ok \xff"), std::string("\xc3"), std::string("\xed\xa0\x80"),
                          std::string("\xc0\xaf")}) {
    const DocStore::Value value = store.add(Json(bad));
    std::string text;
    EXPECT_THROW(append_json(store, value, text), Error) << Json(bad).dump(-1, ' ', true);
    EXPECT_THROW(store.to_json(value).dump(), Json::type_error);
  }
}

}  // namespace
}  // namespace custos
