// The audit's reports from hand-made checks: JSON is a list of checks, Markdown groups them by
// phase with the fixes, SARIF validates against the SARIF 2.1.0 JSON schema, and the HTML page
// is self-contained and really draws its pass and fail badges (headless Chromium).
#include "audit/format.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/error.h"
#include "support/paths.h"
#include "support/process.h"
#include "support/screenshot.h"

namespace custos::audit {
namespace {

std::vector<Check> sample_checks() {
  Check trail;
  trail.name = "cloudtrail-multi-region-logging";
  trail.description = "No multi-region trail";
  trail.phase = "detection-and-analysis";
  trail.severity = "critical";
  trail.cis = "3.1";
  trail.remediation = "aws cloudtrail create-trail ... | start-logging";
  trail.resource = "aws.account";
  trail.file = "policies/preparation/logging.yml";
  trail.line = 7;
  trail.status = "fail";
  trail.findings = {{"eu-west-1", "123456789012"}, {"us-east-1", "123456789012"}};
  Check groups = trail;
  groups.name = "security-group-open-to-world";
  groups.phase = "preparation";
  groups.severity = "high";
  groups.resource = "aws.security-group";
  groups.findings = {{"us-east-1", "sg-1"}, {"us-east-1", "sg-2"}};
  Check keys = trail;
  keys.name = "root-access-keys";
  keys.phase = "preparation";
  keys.severity = "low";
  keys.status = "pass";
  keys.findings.clear();
  return {trail, groups, keys};
}

TEST(AuditFormatTest, JsonIsAListOfChecksWithTheirOffendingIds) {
  Json checks = Json::parse(render(sample_checks(), Format::kJson));
  ASSERT_TRUE(checks.is_array());
  ASSERT_EQ(checks.size(), 3u);
  EXPECT_EQ(checks[0]["name"], "cloudtrail-multi-region-logging");
  EXPECT_EQ(checks[0]["phase"], "detection-and-analysis");
  EXPECT_EQ(checks[0]["severity"], "critical");
  EXPECT_EQ(checks[0]["status"], "fail");
  EXPECT_EQ(checks[0]["resources"], Json::array({"123456789012"}));  // once, though 2 regions
  EXPECT_EQ(checks[0]["findings"].size(), 2u);
  EXPECT_EQ(checks[1]["resources"], Json::array({"sg-1", "sg-2"}));
  EXPECT_EQ(checks[2]["status"], "pass");
  EXPECT_EQ(checks[2]["resources"], Json::array());
}

TEST(AuditFormatTest, ScoreWeighsChecksBySeverityAndExitCodeFollowsTheWorst) {
  auto checks = sample_checks();
  EXPECT_EQ(readiness_score(checks), 100 * 1 / (4 + 3 + 1));
  EXPECT_EQ(exit_code(checks), 1);
  checks[0].status = "error";
  EXPECT_EQ(exit_code(checks), 2);
  for (auto& check : checks) check.status = "pass";
  EXPECT_EQ(exit_code(checks), 0);
  EXPECT_EQ(readiness_score(checks), 100);
}

TEST(AuditFormatTest, MarkdownGroupsByPhaseInNistOrderWithTheFixes) {
  std::string md = render(sample_checks(), Format::kMarkdown);
  auto preparation = md.find("## preparation"), detection = md.find("## detection-and-analysis");
  ASSERT_NE(preparation, std::string::npos);
  ASSERT_NE(detection, std::string::npos);
  EXPECT_LT(preparation, detection);
  EXPECT_NE(md.find("| FAIL | security-group-open-to-world | high | 3.1 | sg-1, sg-2 |"),
            std::string::npos)
      << md;
  // Two regions: each id says where.
  EXPECT_NE(md.find("123456789012 (eu-west-1, us-east-1)"), std::string::npos) << md;
  EXPECT_NE(md.find("create-trail ... \\| start-logging"), std::string::npos) << md;
  EXPECT_NE(md.find("1 of 3 checks pass, 2 fail; readiness 12%"), std::string::npos) << md;
  EXPECT_THROW(format_named("pdf"), InputError);
  EXPECT_EQ(format_named("md"), Format::kMarkdown);
}

TEST(AuditFormatTest, SarifValidatesAgainstTheSarif210Schema) {
  Json log = sarif(sample_checks());
  EXPECT_EQ(log["version"], "2.1.0");
  const Json& run = log["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["rules"].size(), 3u);
  ASSERT_EQ(run["results"].size(), 4u);  // one per offending resource and region
  EXPECT_EQ(run["results"][2]["ruleId"], "security-group-open-to-world");
  EXPECT_EQ(run["results"][2]["locations"][0]["logicalLocations"][0]["name"], "sg-1");
  std::string file = (std::filesystem::temp_directory_path() /
                      ("custos-audit-" + std::to_string(::getpid()) + ".sarif"))
                         .string();
  custos::test::write_file(file, log.dump());
  auto checked =
      custos::test::run_process({"python3", "-c",
                                 "import json, sys, jsonschema\n"
                                 "schema = json.load(open(sys.argv[1]))\n"
                                 "jsonschema.validate(json.load(open(sys.argv[2])), schema,\n"
                                 "                    format_checker=jsonschema.FormatChecker())\n"
                                 "print('valid')\n",
                                 custos::test::data_path("sarif/sarif-schema-2.1.0.json"), file});
  std::filesystem::remove(file);
  ASSERT_EQ(checked.exit_code, 0) << "python3 with jsonschema (python3-jsonschema) validates: "
                                  << checked.err;
  EXPECT_EQ(checked.out, "valid\n");
}

TEST(AuditFormatTest, HtmlIsOneSelfContainedPageThatDrawsItsBadges) {
  std::string html = render(sample_checks(), Format::kHtml);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("href="), std::string::npos);
  EXPECT_EQ(html.find("http"), std::string::npos);
  auto dir =
      std::filesystem::temp_directory_path() / ("custos-audit-html-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string page = (dir / "audit.html").string();
  custos::test::write_file(page, html);
  ASSERT_TRUE(std::filesystem::exists("/usr/bin/chromium"))
      << "Debian's chromium is needed (scripts/test.sh installs it)";
  auto taken =
      custos::test::screenshot(page, (dir / "audit.png").string(), (dir / "profile").string());
  std::filesystem::remove_all(dir);
  ASSERT_EQ(taken.image.width, 1000) << taken.error;
  // FAIL badges and the score bar (12%: red) are #dc2626, the PASS badge #16a34a.
  EXPECT_GT(custos::test::pixels_of_colour(taken.image, 0xdc, 0x26, 0x26), 500);
  EXPECT_GT(custos::test::pixels_of_colour(taken.image, 0x16, 0xa3, 0x4a), 200);
}

}  // namespace
}  // namespace custos::audit
