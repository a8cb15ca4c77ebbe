// value_from's formats and expr as c7n/resolver.py ValuesFrom reads them (json.loads,
// csv.reader, the csv2dict transpose, stripped text lines; sets without repeats).
#include <gtest/gtest.h>

#include "core/error.h"
#include "policy/value_from.h"

namespace custos::policy {
namespace {

TEST(ValuesFromJson, WholeDocumentOrExpr) {
  EXPECT_EQ(parse_values(R"({"a": [1, 2]})", "json", nullptr), (Json{{"a", {1, 2}}}));
  EXPECT_EQ(parse_values(R"([{"id": "x"}, {"id": "y"}, {"id": "x"}])", "json", "[].id"),
            (Json{"x", "y"}));
  EXPECT_EQ(parse_values(R"({"us-east-1": {"amis": ["a"]}})", "json", "\"us-east-1\".amis"),
            (Json{"a"}));
  EXPECT_EQ(parse_values(R"({"a": 1})", "json", "missing"), Json(nullptr));
  EXPECT_EQ(parse_values("[1, 1.0, true, \"1\"]", "json", "[]"), (Json{1, "1"}));
  EXPECT_THROW(parse_values("{oops", "json", nullptr), InputError);
}

TEST(ValuesFromCsv, AllCellsAColumnOrAnExpr) {
  const std::string text = "name,cidr\r\noffice,10.0.0.0/8\n\"vpn, east\",\"192.168.0.0/16\"\n";
  EXPECT_EQ(parse_values(text, "csv", nullptr),
            (Json{"name", "cidr", "office", "10.0.0.0/8", "vpn, east", "192.168.0.0/16"}));
  EXPECT_EQ(parse_values(text, "csv", 1), (Json{"cidr", "10.0.0.0/8", "192.168.0.0/16"}));
  EXPECT_EQ(parse_values(text, "csv", -2), (Json{"name", "office", "vpn, east"}));
  EXPECT_EQ(parse_values(text, "csv", "[1:][0]"), (Json{"office", "vpn, east"}));  // a projection
  EXPECT_EQ(parse_values(text, "csv", "[1][1]"), Json("10.0.0.0/8"));
  EXPECT_EQ(parse_values("a,\"say \"\"hi\"\"\"\n", "csv", 1), (Json{"say \"hi\""}));
  EXPECT_THROW(parse_values("a,b\nc\n", "csv", 1), InputError);
  EXPECT_THROW(parse_values("a,\"open\n", "csv", nullptr), InputError);
}

TEST(ValuesFromCsv2Dict, ColumnsByHeader) {
  const std::string text = "account,region\n111,us-east-1\n222,eu-west-1\n333,us-east-1\n";
  EXPECT_EQ(parse_values(text, "csv2dict", "region"), (Json{"us-east-1", "eu-west-1"}));
  EXPECT_EQ(parse_values(text, "csv2dict", "account[1]"), Json("222"));
  EXPECT_EQ(parse_values(text, "csv2dict", nullptr),
            (Json{"111", "222", "333", "us-east-1", "eu-west-1"}));
  // zip() stops at the shortest row.
  EXPECT_EQ(parse_values("a,b\n1\n", "csv2dict", nullptr), (Json{"1"}));
}

TEST(ValuesFromTxt, StrippedLinesWithoutRepeats) {
  EXPECT_EQ(parse_values("ami-1\n  ami-2 \r\nami-1\n", "txt", nullptr), (Json{"ami-1", "ami-2"}));
  EXPECT_EQ(parse_values("a\n\nb", "txt", nullptr), (Json{"a", "", "b"}));
  EXPECT_EQ(parse_values("", "txt", nullptr), Json::array());
}

}  // namespace
}  // namespace custos::policy
