// Policy variables expanded as Cloud Custodian's VarFormat does: str.format over every string,
// a lone field keeping its type, unknown names leaving the text alone.
#include "policy/vars.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace custos::policy {
namespace {

// 2026-11-26 09:30:00 UTC (plus `micros`).
std::chrono::system_clock::time_point fixed_time(long micros = 0) {
  return std::chrono::system_clock::time_point(std::chrono::seconds(1795685400)) +
         std::chrono::microseconds(micros);
}

Variables sample() {
  Variables vars;
  vars.set("region", "eu-west-1");
  vars.set("count", 5);
  vars.set("ratio", 0.1);
  vars.set("name", "web");
  vars.set("policy", {{"name", "p1"}, {"tags", {"a", "b"}}});
  vars.set("event", "{event}");
  vars.set_date("now", fixed_time());
  return vars;
}

std::string text(const Json& value) { return value.get<std::string>(); }

TEST(FormatString, ExpandsNamedFieldsInText) {
  auto vars = sample();
  EXPECT_EQ(format_string("arn:aws:sns:{region}:topic-{name}", vars),
            "arn:aws:sns:eu-west-1:topic-web");
  EXPECT_EQ(format_string("no fields", vars), "no fields");
  EXPECT_EQ(format_string("{{literal}} {name}", vars), "{literal} web");
  EXPECT_EQ(format_string("{policy[name]}-{policy[tags][1]}", vars), "p1-b");
}

TEST(FormatString, ALoneFieldKeepsTheValuesType) {
  auto vars = sample();
  EXPECT_EQ(format_string("{count}", vars), 5);
  EXPECT_EQ(format_string("{policy}", vars), Json({{"name", "p1"}, {"tags", {"a", "b"}}}));
  EXPECT_EQ(format_string("{count:03d}", vars), "005");  // a format spec makes it text
  EXPECT_EQ(format_string("n={count}", vars), "n=5");
}

TEST(FormatString, UnknownNamesAndIndexesLeaveTheTextAsWritten) {
  auto vars = sample();
  EXPECT_EQ(format_string("{nosuch} in {region}", vars), "{nosuch} in {region}");
  EXPECT_EQ(format_string("^[a-z]{2,3}$", vars), "^[a-z]{2,3}$");
  EXPECT_EQ(format_string("{0} {}", vars), "{0} {}");
  EXPECT_EQ(format_string("{policy[nosuch]}", vars), "{policy[nosuch]}");
  EXPECT_EQ(format_string("{policy[tags][7]}", vars), "{policy[tags][7]}");
}

TEST(FormatString, MalformedFieldsAreInputErrors) {
  auto vars = sample();
  const std::pair<const char*, const char*> cases[] = {
      {"a}b", "Single '}' encountered in format string"},
      {"ab{", "Single '{' encountered in format string"},
      {"{region", "expected '}' before end of string"},
      {"{region.upper}", "'str' object has no attribute 'upper'"},
      {"{count[0]}", "'int' object is not subscriptable"},
      {"{region!x}", "Unknown conversion specifier x"},
      {"{name:+}", "Sign not allowed in string format specifier"},
      {"{policy[name]x}", "Only '.' or '[' may follow ']' in format field specifier"},
  };
  for (const auto& [input, message] : cases) {
    try {
      format_string(input, vars);
      ADD_FAILURE() << input << " formatted";
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()),
                "cannot expand variables in '" + std::string(input) + "': " + message);
    }
  }
}

TEST(FormatString, FormatSpecsAndConversionsFollowPython) {
  auto vars = sample();
  EXPECT_EQ(format_string("[{name:>5}]", vars), "[  web]");
  EXPECT_EQ(format_string("[{name:*^7}]", vars), "[**web**]");
  EXPECT_EQ(format_string("[{name:.2}]", vars), "[we]");
  EXPECT_EQ(format_string("[{count:+d}|{count:x}|{count:#b}]", vars), "[+5|5|0b101]");
  EXPECT_EQ(format_string("[{ratio}|{ratio:.2f}|{ratio:%}]", vars), "[0.1|0.10|10.000000%]");
  EXPECT_EQ(format_string("{name!r}", vars), "'web'");
  EXPECT_EQ(format_string("p={policy}", vars), "p={'name': 'p1', 'tags': ['a', 'b']}");
  EXPECT_EQ(format_string("[{name:{count}}]", vars), "[web  ]");  // nested width
}

TEST(FormatString, NowIsADateWithStrftimeAndOffsets) {
  auto vars = sample();
  EXPECT_EQ(format_string("{now:%Y-%m-%d}", vars), "2026-11-26");
  EXPECT_EQ(format_string("{now:%Y-%m-%d+2d}", vars), "2026-11-28");
  EXPECT_EQ(format_string("{now:%H:%M+90M}", vars), "11:00");
  EXPECT_EQ(format_string("{now:%H+3h}", vars), "12");
  EXPECT_EQ(format_string("at {now}", vars), "at 2026-11-26 09:30:00");
  EXPECT_EQ(format_string("{now}", vars), "2026-11-26T09:30:00");
  EXPECT_EQ(format_string("{now.year}", vars), 2026);
  Variables micro;
  micro.set_date("now", fixed_time(42));
  EXPECT_EQ(format_string("{now}", micro), "2026-11-26T09:30:00.000042");
  EXPECT_EQ(format_string("{now:%S.%f%z}", micro), "00.000042");  // naive: no %z
}

TEST(FormatString, DeferredFieldsFormatBackToThemselves) {
  Variables vars;
  vars.set_deferred("now");
  vars.set("op", "{op}");
  EXPECT_EQ(format_string("{now}", vars), "{now}");
  EXPECT_EQ(format_string("x {now:%Y-%m-%d} {op}", vars), "x {now:%Y-%m-%d} {op}");
}

TEST(FormatStringValues, ExpandsEveryStringButNotKeys) {
  auto vars = sample();
  Json data = {{"{name}", "{region}"}, {"list", {"{count}", 1, true, nullptr}}};
  Json expanded = format_string_values(data, vars);
  EXPECT_EQ(expanded, Json({{"{name}", "eu-west-1"}, {"list", {5, 1, true, nullptr}}}));
}

TEST(PolicyVariables, BuiltinsOverlayTheFilesVarsAndAccountIdIsLazy) {
  int asked = 0;
  Variables vars;
  vars.set_lazy("account_id", [&] {
    ++asked;
    return Json("123456789012");
  });
  EXPECT_EQ(format_string("{region}", vars), "{region}");
  EXPECT_EQ(asked, 0);
  EXPECT_EQ(format_string("arn:aws:iam::{account_id}:role/x {account_id}", vars),
            "arn:aws:iam::123456789012:role/x 123456789012");
  EXPECT_EQ(asked, 1);
}

TEST(PolicyVariables, HasCloudCustodiansNames) {
  // The account is never asked here: no string reads {account_id}.
  AccountId account([]() -> std::string { throw Error("STS asked"); });
  Json user = {{"team", "sec"}, {"region", "user-value"}};
  Json data = {{"name", "p"}};
  auto pull = policy_variables(user, data, "cn-north-1", account, false);
  EXPECT_EQ(format_string("{team} {region} {partition} {policy[name]}", pull),
            "sec cn-north-1 aws-cn p");
  EXPECT_EQ(format_string("{event} {op} {action_date} {account}", pull),
            "{event} {op} {action_date} {account}");
  EXPECT_NE(text(format_string("{now:%Y}", pull)), "{now:%Y}");
  auto event = policy_variables(user, data, "us-gov-west-1", account, true);
  EXPECT_EQ(format_string("{now:%Y} {partition}", event), "{now:%Y} aws-us-gov");
}

}  // namespace
}  // namespace custos::policy
