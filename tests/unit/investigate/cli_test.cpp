// `custos investigate` as a responder runs it: bad input named on stderr as FILE:LINE with its
// byte offset, the rest still answered, and the exit code saying that something was skipped.
#include <gtest/gtest.h>

#include "incident/journal_store.h"
#include "incident/report.h"
#include "incident/trigger.h"
#include "support/paths.h"
#include "support/process.h"
#include "unit/investigate/jq.h"

namespace custos::investigate {
namespace {

namespace fs = std::filesystem;
using custos::test::custos_binary;
using custos::test::run_process;

class InvestigateCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::scratch_folder(std::string("investigate-cli-") +
                                ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::copy(custos::test::data_path("cloudtrail/aws-docs-log-file-examples"), dir_ / "docs");
  }
  void TearDown() override { fs::remove_all(dir_); }

  custos::test::ProcessResult investigate(std::vector<std::string> args) const {
    args.insert(args.begin(), {custos_binary(), "investigate", "--no-progress"});
    return run_process(args);
  }

  fs::path dir_;
};

TEST_F(InvestigateCli, AnswersAndExitsZero) {
  auto result = investigate({dir_.string(), "--event", "CreateUser", "--format", "jsonl"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  Json theirs = test::jq_lines(".Records[] | select(.eventName == \"CreateUser\")",
                               {(dir_ / "docs/05_iam-CreateUser.json").string()});
  EXPECT_EQ(test::json_lines(result.out), theirs);
  EXPECT_NE(result.err.find("1 matching records in 7 files"), std::string::npos) << result.err;
}

TEST_F(InvestigateCli, MalformedInputIsNamedWithFileAndLineAndTheExitCodeIsOne) {
  custos::test::write_file(
      (dir_ / "bad.jsonl").string(),
      "{\"eventName\": \"CreateUser\", \"eventTime\": \"2024-01-01T00:00:00Z\"}\n"
      "{\"eventName\": \"DeleteUser\",, }\n");
  auto result = investigate({dir_.string(), "--event", "CreateUser", "--format", "jsonl"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find((dir_ / "bad.jsonl").string() + ":2: byte "), std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("invalid JSON"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("1 input(s) skipped"), std::string::npos) << result.err;
  EXPECT_EQ(test::json_lines(result.out).size(), 2u);  // the docs' CreateUser and bad.jsonl's
}

TEST_F(InvestigateCli, ABadFlagIsExitTwo) {
  auto result = investigate({dir_.string(), "--where", "{key: eventName, op: nosuchop, value: x}"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("--where"), std::string::npos) << result.err;
  auto since = investigate({dir_.string(), "--since", "yesterday"});
  EXPECT_EQ(since.exit_code, 2);
  EXPECT_NE(since.err.find("--since 'yesterday'"), std::string::npos) << since.err;
  auto summary = investigate({dir_.string(), "--summary", "--format", "csv"});
  EXPECT_EQ(summary.exit_code, 2);
  EXPECT_NE(summary.err.find("--format csv: --summary writes text or json"), std::string::npos)
      << summary.err;
}

// --summary is text unless --format json, for CloudTrail and flow logs alike.
TEST_F(InvestigateCli, SummaryIsTextOrJson) {
  std::string flows = custos::test::data_path("flowlogs/default-format-v2_examples.log");
  for (const std::vector<std::string>& source :
       {std::vector<std::string>{dir_.string()}, std::vector<std::string>{"--flow-logs", flows}}) {
    std::vector<std::string> args = source;
    args.insert(args.end(), {"--summary", "--format", "text"});
    auto text = investigate(args);
    EXPECT_EQ(text.exit_code, 0) << text.err;
    EXPECT_NE(text.out.find(" records, "), std::string::npos) << text.out;
    args.back() = "json";
    auto json = investigate(args);
    EXPECT_EQ(json.exit_code, 0) << json.err;
    EXPECT_GT(Json::parse(json.out)["records"].get<int>(), 0) << json.out;
  }
}

// A GuardDuty finding (Cloud Custodian's real sample) about the access key the invictus-ir attack
// used, with the attack's times: the query is seeded from it and the answer joins its report.
TEST_F(InvestigateCli, AnIncidentSeedsTheQueryAndItsReportShowsTheAnswer) {
  Json finding = Json::parse(custos::test::read_file(custos::test::data_path(
      "events/cloud-custodian_iam-duty-event_UnauthorizedAccess-IAMUser-TorIPCaller.json")));
  auto& key = finding["detail"]["resource"]["accessKeyDetails"];
  key["accessKeyId"] = "AKIATFQR7NSCUXC3DDDP";
  key["userName"] = "bert-jan";
  finding["detail"]["service"]["eventFirstSeen"] = "2023-07-10T12:00:00Z";
  finding["detail"]["service"]["eventLastSeen"] = "2023-07-10T12:10:00Z";
  std::string journal_path = (dir_ / "journal.db").string();
  std::string id;
  {
    incident::SqliteJournal journal(journal_path, true);
    id = journal.open(incident::trigger_of_event(finding), Json::object());
  }
  std::string logs = custos::test::data_path("cloudtrail/invictus-ir_aws_dataset");
  auto result =
      investigate({logs, "--incident", id, "--journal", journal_path, "--format", "jsonl"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(logs))
    if (entry.path().extension() == ".json") files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  // A day either side of the finding's activity holds the whole attack.
  Json theirs = test::jq_lines(
      std::string(test::kJqDefs) +
          R"(.Records[] | select(principal_names | (index("AKIATFQR7NSCUXC3DDDP") != null or index("bert-jan") != null)))",
      files);
  EXPECT_EQ(test::json_lines(result.out), theirs);
  EXPECT_GT(theirs.size(), 10u);

  incident::SqliteJournal journal(journal_path, false);
  std::string report = incident::render_report(journal, id, incident::ReportFormat::kMarkdown);
  EXPECT_NE(report.find("## Investigation"), std::string::npos) << report;
  EXPECT_NE(report.find(std::to_string(theirs.size()) + " matching CloudTrail records"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("earliest CloudTrail record of the investigation"), std::string::npos);
  EXPECT_TRUE(journal.verify(id).intact);
  Json json = Json::parse(incident::render_report(journal, id, incident::ReportFormat::kJson));
  ASSERT_EQ(json["investigations"].size(), 1u);
  EXPECT_EQ(json["investigations"][0]["query"]["since"], "2023-07-09T12:00:00Z");
  EXPECT_EQ(json["investigations"][0]["query"]["principal"],
            Json({"AKIATFQR7NSCUXC3DDDP", "bert-jan"}));
}

}  // namespace
}  // namespace custos::investigate
