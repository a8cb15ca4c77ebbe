// The value_type conversions and Python semantics against what c7n (dateutil, ipaddress,
// distutils LooseVersion, int(), float(), len(), set()) gives for the same input.
#include <gtest/gtest.h>

#include <string>

#include "policy/value_type.h"
#include "policy/value_type_python.h"

namespace custos::policy {
namespace {

namespace vt = value_type;

constexpr vt::Micros kMay1st2024 = 1714521600LL * 1000000;  // 2024-05-01T00:00:00Z

TEST(ParseDate, IsoWithZonesFractionsOrNone) {
  EXPECT_EQ(vt::parse_date("2024-05-01T00:00:00Z"), kMay1st2024);
  EXPECT_EQ(vt::parse_date("2024-05-01T00:00:00"), kMay1st2024);  // naive: UTC
  EXPECT_EQ(vt::parse_date("2024-05-01"), kMay1st2024);
  EXPECT_EQ(vt::parse_date("2024-05-01 02:00:00+02:00"), kMay1st2024);
  EXPECT_EQ(vt::parse_date("2024-04-30T19:00:00-0500"), kMay1st2024);
  EXPECT_EQ(vt::parse_date("2024-05-01T00:00:00.250000+00:00"), kMay1st2024 + 250000);
  EXPECT_EQ(vt::parse_date("2024-05-01T00:00:00.1234567Z"), kMay1st2024 + 123456);  // truncated
  EXPECT_EQ(vt::parse_date("Wed, 01 May 2024 00:00:00 GMT"), kMay1st2024);
}

// c7n's docs compare with value: "2009-1-1": dateutil reads short months and days, and slashes.
TEST(ParseDate, DateutilsYearFirstForms) {
  EXPECT_EQ(vt::parse_date("2024-5-1"), kMay1st2024);
  EXPECT_EQ(vt::parse_date("2024/05/01"), kMay1st2024);
  EXPECT_EQ(vt::parse_date("2024/5/1 02:00:00+02:00"), kMay1st2024);
  EXPECT_EQ(vt::parse_date("2009-1-1"), 1230768000LL * 1000000);
  EXPECT_EQ(vt::parse_date("2024-5-1x"), std::nullopt);
  EXPECT_EQ(vt::parse_date("2024-5-32"), std::nullopt);
}

TEST(ParseDate, EpochSecondsThenMilliseconds) {
  EXPECT_EQ(vt::parse_date(1714521600), kMay1st2024);
  EXPECT_EQ(vt::parse_date(1714521600.5), kMay1st2024 + 500000);
  EXPECT_EQ(vt::parse_date(1714521600000), kMay1st2024);
  EXPECT_EQ(vt::parse_date("1714521600"), kMay1st2024);
  EXPECT_EQ(vt::parse_date("1714521600000"), kMay1st2024);
  EXPECT_EQ(vt::parse_date(" 1714521600.25 "), kMay1st2024 + 250000);
}

TEST(ParseDate, WhatIsNoDate) {
  for (const Json& value :
       {Json(nullptr), Json(true), Json(0), Json(1142726400), Json(""), Json("soon"),
        Json("2024-13-01"), Json("2024-02-30"), Json::array({1714521600}), Json(1e20)}) {
    SCOPED_TRACE(value.dump());
    EXPECT_EQ(vt::parse_date(value), std::nullopt);
  }
  EXPECT_TRUE(vt::parse_date(1142726401));  // just after the floor
  EXPECT_TRUE(vt::parse_date("2024-02-29"));
}

TEST(ParseIp, AddressesAndStrictNetworks) {
  auto v4 = vt::parse_ip("10.1.2.3");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->version, 4);
  EXPECT_FALSE(v4->is_network());
  auto net = vt::parse_ip("10.0.0.0/8");
  ASSERT_TRUE(net);
  EXPECT_EQ(net->prefix, 8);
  auto v6 = vt::parse_ip("2001:db8::/32");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->version, 6);
  EXPECT_EQ(v6->prefix, 32);
  EXPECT_TRUE(vt::parse_ip("::ffff:10.0.0.1"));
  EXPECT_TRUE(vt::parse_ip("0.0.0.0/0"));
  EXPECT_TRUE(vt::parse_ip("10.1.2.3/32"));
  EXPECT_TRUE(vt::parse_ip("2001:db8::1/128"));
  for (const char* bad :
       {"10.0.0.1/8", "10.0.0.0/33", "2001:db8::/129", "10.0.0.0/", "10.0.0", "300.0.0.1",
        "010.0.0.1", "10.0.0.0/x", " 10.0.0.1", "2001:db8::1/64", "host", ""}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(vt::parse_ip(bad));
  }
}

TEST(ParseIp, ContainmentAndOrdering) {
  auto ip = [](const char* text) { return *vt::parse_ip(text); };
  EXPECT_EQ(vt::ip_in(ip("10.1.2.3"), ip("10.0.0.0/8")), true);
  EXPECT_EQ(vt::ip_in(ip("11.0.0.0"), ip("10.0.0.0/8")), false);
  EXPECT_EQ(vt::ip_in(ip("10.1.0.0/16"), ip("10.0.0.0/8")), true);
  EXPECT_EQ(vt::ip_in(ip("10.0.0.0/8"), ip("10.1.0.0/16")), false);
  EXPECT_EQ(vt::ip_in(ip("10.0.0.0/8"), ip("10.0.0.0/8")), true);
  EXPECT_EQ(vt::ip_in(ip("::1"), ip("10.0.0.0/8")), false);
  EXPECT_EQ(vt::ip_in(ip("2001:db8::/48"), ip("10.0.0.0/8")), std::nullopt);
  EXPECT_EQ(vt::ip_in(ip("10.0.0.1"), ip("10.0.0.2")), std::nullopt);
  EXPECT_EQ(vt::ip_in(ip("2001:db8:ffff::1"), ip("2001:db8::/32")), true);
  EXPECT_EQ(vt::ip_in(ip("1.2.3.4"), ip("0.0.0.0/0")), true);
  EXPECT_EQ(vt::ip_compare(ip("10.0.0.1"), ip("10.0.0.2")), -1);
  EXPECT_EQ(vt::ip_compare(ip("10.0.0.0/8"), ip("10.0.0.0/16")), -1);
  EXPECT_EQ(vt::ip_compare(ip("10.0.0.1"), ip("10.0.0.0/8")), std::nullopt);
  EXPECT_EQ(vt::ip_compare(ip("10.0.0.1"), ip("::1")), std::nullopt);
  EXPECT_TRUE(vt::ip_equal(ip("2001:DB8::1"), ip("2001:db8:0:0::1")));
  EXPECT_FALSE(vt::ip_equal(ip("10.0.0.0"), ip("10.0.0.0/32")));
}

TEST(CompareVersions, LooseVersionComponents) {
  EXPECT_EQ(vt::compare_versions("1.10", "1.9"), 1);
  EXPECT_EQ(vt::compare_versions("1.9", "1.10"), -1);
  EXPECT_EQ(vt::compare_versions("1.2.0", "1.2"), 1);  // [1, 2, 0] > [1, 2]
  EXPECT_EQ(vt::compare_versions("1.007", "1.7"), 0);
  EXPECT_EQ(vt::compare_versions("2.0b1", "2.0b2"), -1);
  EXPECT_EQ(vt::compare_versions("2.0.b", "2.0b"), 0);
  EXPECT_EQ(vt::compare_versions("1.0-beta", "1.0-alpha"), 1);  // [1, 0, '-', 'beta']
  EXPECT_EQ(vt::compare_versions("5.7.mysql_aurora.2.11.2", "5.7.mysql_aurora.2.10.3"), 1);
  EXPECT_EQ(vt::compare_versions("1.0RC", "1.0rc"), -1);  // 'RC' < 'rc'
  EXPECT_EQ(vt::compare_versions("1.0a", "1.0.1"), std::nullopt);
  EXPECT_EQ(vt::compare_versions("a", "1"), std::nullopt);
  EXPECT_EQ(vt::compare_versions("99999999999999999999", "100000000000000000000"), -1);
}

TEST(ToNumber, PythonIntAndFloatOfStr) {
  EXPECT_EQ(vt::to_integer(nullptr), 0);
  Json v = " +42\n";
  EXPECT_EQ(vt::to_integer(&v), 42);
  v = "1_000";
  EXPECT_EQ(vt::to_integer(&v), 1000);
  for (const Json& zero : {Json("1__0"), Json("_1"), Json("4.0"), Json(4.0), Json(true),
                           Json("0x10"), Json(""), Json::array({1})}) {
    SCOPED_TRACE(zero.dump());
    EXPECT_EQ(vt::to_integer(&zero), 0);
    if (!zero.is_number_float()) {
      EXPECT_EQ(vt::to_float(&zero), zero == "4.0" ? 4.0 : 0.0);
    }
  }
  v = -17;
  EXPECT_EQ(vt::to_integer(&v), -17);
  v = " -1.5e2 ";
  EXPECT_EQ(vt::to_float(&v), -150.0);
  v = ".5";
  EXPECT_EQ(vt::to_float(&v), 0.5);
  v = "5.";
  EXPECT_EQ(vt::to_float(&v), 5.0);
  v = "Infinity";
  EXPECT_TRUE(std::isinf(vt::to_float(&v)));
  v = "1e";
  EXPECT_EQ(vt::to_float(&v), 0.0);
  v = 3;
  EXPECT_EQ(vt::to_float(&v), 3.0);
}

TEST(ValueTypeNames, AllOfCloudCustodiansTypes) {
  for (const char* name :
       {"age", "expiration", "integer", "float", "size", "unique_size", "normalize", "swap", "cidr",
        "cidr_size", "date", "version", "resource_count", "expr"}) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(vt::parse_kind(name));
    EXPECT_NE(std::string(vt::known_names()).find(name), std::string::npos);
  }
  EXPECT_FALSE(vt::parse_kind("Age"));
  EXPECT_FALSE(vt::parse_kind("days"));
}

TEST(Python, EqualityTreatsBooleansAsIntegers) {
  EXPECT_TRUE(python::equal(Json(true), Json(1)));
  EXPECT_TRUE(python::equal(Json(1), Json(1.0)));
  EXPECT_FALSE(python::equal(Json("1"), Json(1)));
  EXPECT_TRUE(python::equal(Json::array({1, true}), Json::array({1.0, 1})));
  EXPECT_TRUE(python::equal(Json{{"a", 1}}, Json{{"a", 1.0}}));
  EXPECT_FALSE(python::equal(Json(std::nan("")), Json(std::nan(""))));
}

TEST(Python, OrderingAndTypeErrors) {
  EXPECT_EQ(python::compare(Json(true), Json(0)), 1);
  EXPECT_EQ(python::compare(Json("b"), Json("a")), 1);
  EXPECT_EQ(python::compare(Json::array({1, 2}), Json::array({1, 3})), -1);
  EXPECT_EQ(python::compare(Json::array({1, "a"}), Json::array({1, 2})), std::nullopt);
  EXPECT_EQ(python::compare(Json(nullptr), Json(1)), std::nullopt);
  EXPECT_EQ(python::compare(Json{{"a", 1}}, Json{{"a", 1}}), std::nullopt);
  EXPECT_EQ(python::compare(Json(std::nan("")), Json(1)), std::nullopt);
}

TEST(Python, MembershipAndSets) {
  Json list = {"a", 1, true};
  Json a = "a";
  EXPECT_EQ(python::in(&a, list), true);
  Json one = 1.0;
  EXPECT_EQ(python::in(&one, list), true);
  EXPECT_EQ(python::in(nullptr, list), false);
  Json key = Json::array({"k"});
  EXPECT_EQ(python::in(&key, Json{{"k", 1}}), std::nullopt);  // unhashable
  EXPECT_EQ(python::in(&one, Json("abc")), std::nullopt);
  Json chars = "abc";
  EXPECT_EQ(python::difference(&chars, Json("ab")), true);
  EXPECT_EQ(python::intersect(&chars, Json::array({"c"})), true);
  Json nested = Json::array({Json::array({1})});
  EXPECT_EQ(python::intersect(&nested, Json::array({1})), std::nullopt);
  EXPECT_EQ(python::difference(nullptr, Json::array({1})), std::nullopt);
  Json keys = {{"x", 1}, {"y", 2}};
  EXPECT_EQ(python::difference(&keys, Json::array({"x", "y"})), false);
}

TEST(Python, ModuloTakesTheDivisorsSign) {
  Json seven = 7, minus_seven = -7, half = 7.5, yes = true;
  EXPECT_EQ(python::modulo(&seven, Json(3)), Json(1));
  EXPECT_EQ(python::modulo(&minus_seven, Json(3)), Json(2));
  EXPECT_EQ(python::modulo(&seven, Json(-3)), Json(-2));
  EXPECT_EQ(python::modulo(&half, Json(2)), Json(1.5));
  EXPECT_EQ(python::modulo(&minus_seven, Json(2.5)), Json(0.5));
  EXPECT_EQ(python::modulo(&yes, Json(2)), Json(1));
  EXPECT_EQ(python::modulo(&seven, Json(0)), std::nullopt);
  EXPECT_EQ(python::modulo(nullptr, Json(2)), std::nullopt);
  Json text = "7";
  EXPECT_EQ(python::modulo(&text, Json(2)), std::nullopt);
}

TEST(Python, LengthsAndTruth) {
  Json text = "zoë", list = {1, 2, 2}, object = {{"a", 1}};
  EXPECT_EQ(python::length(&text), 3u);
  EXPECT_EQ(python::length(&list), 3u);
  EXPECT_EQ(python::unique_length(&list), 2u);
  EXPECT_EQ(python::unique_length(&object), 1u);
  Json number = 5;
  EXPECT_EQ(python::length(&number), std::nullopt);
  EXPECT_EQ(python::length(nullptr), std::nullopt);
  EXPECT_FALSE(python::truthy(nullptr));
  Json zero = 0.0, empty = "", full = "x";
  EXPECT_FALSE(python::truthy(&zero));
  EXPECT_FALSE(python::truthy(&empty));
  EXPECT_TRUE(python::truthy(&full));
}

}  // namespace
}  // namespace custos::policy
