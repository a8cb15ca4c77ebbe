// The incident report from a real journal file: Markdown and JSON carry the finding, actions,
// evidence, recovery and integrity; the HTML page is self-contained and its timeline is really
// drawn, as headless Chromium (Debian's) renders it.
#include "incident/report.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "incident/journal_store.h"
#include "support/paths.h"
#include "support/screenshot.h"

namespace custos::incident {
namespace {

class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("custos-report-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    journal_ = std::make_unique<SqliteJournal>((dir_ / "journal.db").string(), true);
    Json event = {
        {"source", "aws.guardduty"},
        {"detail-type", "GuardDuty Finding"},
        {"region", "us-east-1"},
        {"detail",
         {{"id", "f-42"},
          {"type", "CryptoCurrency:EC2/BitcoinTool.B!DNS"},
          {"severity", 8},
          {"resource",
           {{"resourceType", "Instance"}, {"instanceDetails", {{"instanceId", "i-0abc"}}}}},
          {"service",
           {{"eventFirstSeen", "2026-12-05T09:58:00Z"},
            {"eventLastSeen", "2026-12-05T09:59:30Z"},
            {"action",
             {{"networkConnectionAction",
               {{"remoteIpDetails", {{"ipAddressV4", "198.51.100.7"}}}}}}}}}}}};
    id_ = journal_->open(trigger_of_event(event), Json::object());
    act("stop", "containment", [](policy::ActionRecord& r) {
      r.summary = "stopping (was running)";
      r.undo =
          Json::array({policy::undo_call("ec2", "StartInstances", {{"InstanceIds", {"i-0abc"}}})});
    });
    act("snapshot", "investigation", [](policy::ActionRecord& r) {
      r.summary = "snapshots snap-1 of vol-1";
      r.after = {{"Snapshots", {{{"SnapshotId", "snap-1"}, {"VolumeId", "vol-1"}}}}};
    });
    journal_->append(
        "recovered",
        {{"policy", "contain"}, {"action", "stop"}, {"resource", "i-0abc"}, {"phase", "recovery"}},
        {{"change", 3}, {"verified", true}, {"detail", "ec2 StartInstances"}});
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  template <typename Fill>
  void act(const std::string& action, const std::string& phase, Fill fill) {
    policy::JournalEntry entry{"contain", index_++, action, "i-0abc", phase};
    ASSERT_EQ(journal_->claim(entry), policy::Journal::Claim::kAct);
    policy::ActionRecord record{action, "i-0abc"};
    fill(record);
    journal_->complete(
        entry, record,
        {{"ec2", "StopInstances", "us-east-1", Json::object(), "req-" + action, ""}});
    journal_->verified(entry, true, "holds");
  }

  std::filesystem::path dir_;
  std::unique_ptr<SqliteJournal> journal_;
  std::string id_;
  std::size_t index_ = 0;
};

TEST_F(ReportTest, MarkdownTellsTheStory) {
  std::string md = render_report(*journal_, id_, ReportFormat::kMarkdown);
  for (const char* part :
       {"# Incident INC-", "**Finding**: CryptoCurrency:EC2/BitcoinTool.B!DNS",
        "**Remote IP**: 198.51.100.7", "**First seen**: 2026-12-05T09:58:00Z",
        "| contain | stop | i-0abc | containment | changed | verified | req-stop |",
        "snapshot snap-1 of vol-1 (i-0abc)", "activity first seen (identification)",
        "recovery of stop i-0abc: recovered (recovery)", "hash chain intact",
        "## Follow-up\n\nnothing open"}) {
    EXPECT_NE(md.find(part), std::string::npos) << part << "\n" << md;
  }
}

TEST_F(ReportTest, JsonCarriesTheSameFacts) {
  Json report = Json::parse(render_report(*journal_, id_, ReportFormat::kJson));
  EXPECT_EQ(report["incident"], id_);
  EXPECT_EQ(report["trigger"]["severity"], 8);
  ASSERT_EQ(report["actions"].size(), 2u);
  EXPECT_EQ(report["actions"][0]["request_ids"], Json({"req-stop"}));
  EXPECT_EQ(report["evidence"][0]["snapshot"], "snap-1");
  EXPECT_EQ(report["recovery"][0]["status"], "recovered");
  EXPECT_EQ(report["integrity"]["intact"], true);
  EXPECT_THROW(report_format("pdf"), InputError);
  EXPECT_THROW(render_report(*journal_, "INC-20000101-00000000", ReportFormat::kJson), InputError);
}

TEST_F(ReportTest, HtmlIsSelfContainedAndItsTimelineIsDrawn) {
  std::string html = render_report(*journal_, id_, ReportFormat::kHtml);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("href="), std::string::npos);
  ASSERT_NE(html.find("<svg"), std::string::npos);
  std::string page = (dir_ / "report.html").string(), shot = (dir_ / "report.png").string();
  custos::test::write_file(page, html);

  ASSERT_TRUE(std::filesystem::exists("/usr/bin/chromium"))
      << "Debian's chromium is needed (scripts/test.sh installs it)";
  auto taken = custos::test::screenshot(page, shot, (dir_ / "profile").string());
  ASSERT_EQ(taken.image.width, 1000) << taken.error;
  const auto& image = taken.image;
  // The timeline's dots, coloured by phase: containment (#dc2626), investigation (#2563eb),
  // recovery (#16a34a). Nothing else on the page has these colours.
  EXPECT_GT(custos::test::pixels_of_colour(image, 0xdc, 0x26, 0x26), 50);
  EXPECT_GT(custos::test::pixels_of_colour(image, 0x25, 0x63, 0xeb), 50);
  EXPECT_GT(custos::test::pixels_of_colour(image, 0x16, 0xa3, 0x4a), 50);
}

}  // namespace
}  // namespace custos::incident
