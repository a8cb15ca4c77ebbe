// take_items, the listing pages' fast path: wherever it answers, its items are the elements of
// what search() gives (checked over every case of the JMESPath compliance suite and listing
// shapes), and where it declines it leaves the document as it was.
#include <gtest/gtest.h>

#include <filesystem>

#include "jmespath/jmespath.h"
#include "support/paths.h"

namespace custos::jmespath {
namespace {

// take_items' answer for `expression` on a copy of `doc`, checked against search(); whether it
// answered.
bool agrees_with_search(const std::string& expression, const Json& doc) {
  Json copy = doc;
  std::optional<std::vector<Json>> taken = take_items(expression, copy);
  if (!taken) {
    EXPECT_EQ(copy, doc) << expression << ": declined, yet changed the document";
    return false;
  }
  const Json searched = Expression::compile(expression).search(doc);
  EXPECT_TRUE(searched.is_array()) << expression << " on " << doc.dump();
  if (searched.is_array()) {
    EXPECT_EQ(Json(*taken), searched) << expression << " on " << doc.dump();
  }
  return true;
}

TEST(TakeItems, AgreesWithSearchOverTheComplianceSuite) {
  int answered = 0;
  for (const auto& file : std::filesystem::directory_iterator(test::data_path("jmespath"))) {
    if (file.path().extension() != ".json") continue;
    const Json suites = Json::parse(test::read_file(file.path()));
    if (!suites.is_array()) continue;  // not a compliance file
    for (const Json& suite : suites)
      for (const Json& c : suite.value("cases", Json::array()))
        if (!c.contains("error") && c.at("expression").is_string())
          answered += agrees_with_search(c["expression"], suite.at("given"));
  }
  EXPECT_GE(answered, 5);  // the suite has a few paths of names and flattens (7 today)
}

TEST(TakeItems, MovesAPagesInstancesOut) {
  Json page = Json::parse(R"({"Reservations": [{"Instances": [{"InstanceId": "i-1"}]},
                                               {"Instances": [{"InstanceId": "i-2"}, {"InstanceId": "i-3"}]},
                                               {"Instances": []}], "NextToken": "t"})");
  EXPECT_TRUE(agrees_with_search("Reservations[].Instances[]", page));
  auto items = take_items("Reservations[].Instances[]", page);
  ASSERT_TRUE(items);
  ASSERT_EQ(items->size(), 3u);
  EXPECT_EQ((*items)[2]["InstanceId"], "i-3");
  EXPECT_EQ(page["NextToken"], "t");
  EXPECT_TRUE(agrees_with_search("Stacks", Json::parse(R"({"Stacks": [{"a": 1}, null, [2]]})")));
  EXPECT_TRUE(agrees_with_search("A.B[]", Json::parse(R"({"A": {"B": [1, "x", {}]}})")));
}

TEST(TakeItems, DeclinesWhatJmespathAnswersDifferently) {
  for (const auto& [expression, doc] : std::vector<std::pair<std::string, std::string>>{
           {"Reservations[].Instances[]", R"({"Reservations": [{"Instances": [1]}, {}]})"},
           {"Reservations[].Instances[]", R"({"Reservations": [null, {"Instances": [1]}]})"},
           {"Reservations[].Instances[]", R"({"Reservations": [{"Instances": [[1], 2]}]})"},
           {"Items[]", R"({"Items": [1, null]})"},
           {"Items[]", R"({"Items": {"a": 1}})"},
           {"Items", R"({"Items": {"a": 1}})"},
           {"Items[].Name", R"({"Items": [{"Name": [1]}]})"},
           {"Items", R"({})"},
           {"Items[0]", R"({"Items": [1]})"},
           {"\"Items\"[]", R"({"Items": [1]})"},
           {"Items[?x]", R"({"Items": [{"x": 1}]})"},
           {"Items[*]", R"({"Items": [1]})"},
           {"Items-x[]", R"({"Items-x": [1]})"},
       })
    EXPECT_FALSE(agrees_with_search(expression, Json::parse(doc))) << expression << " " << doc;
}

}  // namespace
}  // namespace custos::jmespath
