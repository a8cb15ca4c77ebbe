// The JMESPath compliance suite (jmespath.test): every case of every file must pass.
#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <string>

#include "jmespath/jmespath.h"
#include "support/paths.h"

namespace custos::jmespath {
namespace {

struct Outcome {
  std::optional<Json> result;
  std::string error_kind;  // empty on success
};

Outcome run(const std::string& expression, const Json& given) {
  try {
    return {Expression::compile(expression).search(given), ""};
  } catch (const Error& e) {
    return {std::nullopt, e.kind()};
  }
}

// Why `c` failed on `given`, or nothing when it passes.
std::optional<std::string> check(const Json& given, const Json& c) {
  const std::string expression = c.at("expression");
  const Outcome got = run(expression, given);
  const std::string got_text = got.result ? got.result->dump() : "error " + got.error_kind;
  if (c.contains("error")) {
    if (got.error_kind == c["error"]) return std::nullopt;
    return "expected error " + c["error"].dump() + ", got " + got_text;
  }
  if (!got.result) return "unexpected error " + got.error_kind;
  if (!c.contains("result") || *got.result == c["result"]) return std::nullopt;  // bench case
  return "expected " + c["result"].dump() + ", got " + got_text;
}

class Compliance : public testing::TestWithParam<std::string> {};

TEST_P(Compliance, EveryCasePasses) {
  std::ifstream in(test::data_path("jmespath/" + GetParam() + ".json"));
  ASSERT_TRUE(in) << "missing " << GetParam();
  const Json suites = Json::parse(in);
  int total = 0;
  int passed = 0;
  for (const Json& suite : suites) {
    for (const Json& c : suite.at("cases")) {
      ++total;
      const std::optional<std::string> failure = check(suite.at("given"), c);
      if (!failure) {
        ++passed;
        continue;
      }
      ADD_FAILURE() << GetParam() << ": " << c["expression"].get<std::string>() << ": " << *failure;
    }
  }
  std::cout << GetParam() << ": " << passed << "/" << total << " cases pass\n";
  EXPECT_GT(total, 0);
}

INSTANTIATE_TEST_SUITE_P(Suite, Compliance,
                         testing::Values("basic", "benchmarks", "boolean", "current", "escape",
                                         "filters", "functions", "identifiers", "indices",
                                         "literal", "multiselect", "pipe", "slice", "syntax",
                                         "unicode", "wildcard"),
                         [](const testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace custos::jmespath
