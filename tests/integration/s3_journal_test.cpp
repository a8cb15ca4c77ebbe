// The incident journal in S3 (moto over HTTP): a finding delivered three times, or by two
// processes at once, is acted on once; its records are objects the AWS CLI lists; an edited or
// deleted object fails verification naming the record; recovery and resume read the journal from
// S3; a bucket that is not there, a prefix of other objects or a newer journal is refused in one
// line.
#include <gtest/gtest.h>

#include <algorithm>

#include "integration/incident_fixture.h"

namespace custos::test {
namespace {

const std::string kBucket = "custos-journal";
const std::string kJournalSecret = "s3cr3t-never-shown";

class S3JournalTest : public IncidentFixture {
 protected:
  void SetUp() override {
    IncidentFixture::SetUp();
    aws_cli({"s3api", "create-bucket", "--bucket", kBucket});
  }

  std::string journal() const override { return "s3://" + kBucket + "/custos"; }

  std::vector<std::string> keys() const {
    std::vector<std::string> all;
    for (const Json& item :
         aws_cli({"s3api", "list-objects-v2", "--bucket", kBucket}).value("Contents", Json()))
      all.push_back(item["Key"]);
    return all;
  }

  std::vector<std::string> records() const {
    std::vector<std::string> all;
    for (const auto& key : keys())
      if (key.starts_with("custos/incidents/" + incident_ + "/records/")) all.push_back(key);
    return all;
  }

  Json object(const std::string& key) const {
    aws_cli({"s3api", "get-object", "--bucket", kBucket, "--key", key, path("object.json")});
    return Json::parse(read_file(path("object.json")));
  }

  void put(const std::string& key, const std::string& text) const {
    write("upload", text);
    aws_cli({"s3api", "put-object", "--bucket", kBucket, "--key", key, "--body", path("upload")});
  }

  ProcessResult verify() const {
    return custos({"incident", "verify", incident_, "--journal", journal()});
  }

  void contain() {
    auto result = custos(run_args());
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    incident_ = only_incident();
  }

  // A run that must be refused before anything happens: one line, exit 2, nothing acted on.
  void expect_refused(const std::string& journal_url, const std::string& message) const {
    auto args = run_args();
    *std::find(args.begin(), args.end(), journal()) = journal_url;
    auto refused = custos(args, {{"AWS_SECRET_ACCESS_KEY", kJournalSecret}});
    EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
    EXPECT_NE(refused.err.find(message), std::string::npos) << refused.err;
    EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1) << refused.err;
    EXPECT_EQ((refused.out + refused.err).find(kJournalSecret), std::string::npos);
    EXPECT_EQ(instance_state(instance_), "running");
    EXPECT_EQ(snapshots(), 0u);
  }
};

TEST_F(S3JournalTest, TheSameFindingThreeTimesIsHandledOnceAndItsRecordsAreObjects) {
  deliver_three_times();
  std::vector<std::string> all = keys();
  EXPECT_NE(std::find(all.begin(), all.end(), "custos/journal.json"), all.end());
  EXPECT_NE(std::find(all.begin(), all.end(), "custos/incidents/" + incident_ + "/head.json"),
            all.end());
  auto index = std::find_if(all.begin(), all.end(),
                            [](const std::string& key) { return key.starts_with("custos/keys/"); });
  ASSERT_NE(index, all.end());
  EXPECT_EQ(object(*index)["incident"], incident_);

  std::vector<std::string> logged = records();
  ASSERT_EQ(static_cast<std::int64_t>(logged.size()), incidents()[0]["records"].get<int>());
  EXPECT_EQ(logged[0], "custos/incidents/" + incident_ + "/records/00000001.json");
  Json opened = object(logged[0]);
  EXPECT_EQ(opened["kind"], "opened");
  EXPECT_EQ(opened["n"], 1);
  EXPECT_EQ(opened["incident"], incident_);
  EXPECT_TRUE(opened["body"]["key"].get<std::string>().starts_with("guardduty:"));
  std::size_t delivered = 0, started = 0;
  for (const auto& key : logged) {
    Json record = object(key);
    delivered += record["kind"] == "delivered";
    started += record["kind"] == "started";
  }
  EXPECT_EQ(delivered, 2u);
  EXPECT_EQ(started, 3u);  // each of the three actions, once

  auto verified = verify();
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  EXPECT_NE(verified.out.find("hash chain intact"), std::string::npos) << verified.out;
}

TEST_F(S3JournalTest, TwoProcessesDeliveringOneFindingActOnce) {
  deliver_in_two_processes_at_once();
}

TEST_F(S3JournalTest, RecoverRestoresWhatContainmentChanged) {
  contain_then_recover();
  std::size_t recovered = 0;
  for (const auto& key : records()) recovered += object(key)["kind"] == "recovered";
  EXPECT_EQ(recovered, 2u);  // set-instance-profile and stop, as objects
}

TEST_F(S3JournalTest, AProcessKilledBetweenTwoActionsIsResumedWithNothingLostOrRepeated) {
  kill_between_two_actions_then_resume();
}

TEST_F(S3JournalTest, VerifyNamesAnEditedRecord) {
  contain();
  auto intact = verify();
  ASSERT_EQ(intact.exit_code, 0) << intact.out << intact.err;
  std::string third = records().at(2);
  Json record = object(third);
  record["body"]["summary"] = "nothing was done";
  put(third, record.dump());

  auto tampered = verify();
  EXPECT_EQ(tampered.exit_code, 1) << tampered.out << tampered.err;
  EXPECT_NE(tampered.out.find("TAMPERED"), std::string::npos) << tampered.out;
  EXPECT_NE(tampered.out.find("record 3 (" + record["kind"].get<std::string>() + ") was edited"),
            std::string::npos)
      << tampered.out;

  // An object that is no longer a record at all is named too.
  put(records().at(0), "{\"edited\": true}");
  tampered = verify();
  EXPECT_EQ(tampered.exit_code, 1) << tampered.out << tampered.err;
  EXPECT_NE(tampered.out.find(records().at(0) + " is not a custos journal record"),
            std::string::npos)
      << tampered.out;
}

TEST_F(S3JournalTest, VerifyNamesADeletedRecord) {
  contain();
  std::vector<std::string> logged = records();
  aws_cli({"s3api", "delete-object", "--bucket", kBucket, "--key", logged.at(1)});
  auto tampered = verify();
  EXPECT_EQ(tampered.exit_code, 1) << tampered.out << tampered.err;
  EXPECT_NE(tampered.out.find("record 3 stands where record 2 should"), std::string::npos)
      << tampered.out;

  // The last record deleted too: the head object still names it.
  aws_cli({"s3api", "delete-object", "--bucket", kBucket, "--key", logged.back()});
  tampered = verify();
  EXPECT_EQ(tampered.exit_code, 1);
  EXPECT_NE(tampered.out.find("the incident had " + std::to_string(logged.size()) + " records; " +
                              std::to_string(logged.size() - 2) + " remain (records were deleted)"),
            std::string::npos)
      << tampered.out;
}

TEST_F(S3JournalTest, ABucketThatIsNotThereIsRefusedInOneLine) {
  expect_refused("s3://no-such-journal-bucket/custos", "there is no bucket no-such-journal-bucket");
}

TEST_F(S3JournalTest, APrefixHoldingOtherObjectsIsRefusedAndLeftAsItIs) {
  put("notes/readme.txt", "not a journal\n");
  expect_refused("s3://" + kBucket + "/notes", "is not a custos journal");
  EXPECT_EQ(keys(), std::vector<std::string>{"notes/readme.txt"});
  auto listed = custos({"incident", "list", "--journal", "s3://" + kBucket + "/notes"});
  EXPECT_EQ(listed.exit_code, 2);
  EXPECT_NE(listed.err.find("is not a custos journal"), std::string::npos) << listed.err;
  auto empty = custos({"incident", "list", "--journal", "s3://" + kBucket + "/nothing-here"});
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_NE(empty.err.find("no incident journal at s3://" + kBucket + "/nothing-here"),
            std::string::npos)
      << empty.err;
}

TEST_F(S3JournalTest, AJournalOrRecordFromANewerCustosIsRefused) {
  contain();
  std::string first = records().at(0);
  Json record = object(first);
  record["version"] = 2;
  put(first, record.dump());
  for (const char* command : {"show", "verify", "report"}) {
    auto refused = custos({"incident", command, incident_, "--journal", journal()});
    EXPECT_EQ(refused.exit_code, 2) << command << ": " << refused.out << refused.err;
    EXPECT_NE(refused.err.find(first + " was written by a newer custos (journal version 2"),
              std::string::npos)
        << refused.err;
  }

  put("custos/journal.json", R"({"format": "custos-journal", "version": 2})");
  std::size_t objects = keys().size();
  auto refused = custos(run_args());
  EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("s3://" + kBucket + "/custos was written by a newer custos"),
            std::string::npos)
      << refused.err;
  EXPECT_EQ(keys().size(), objects);
}

}  // namespace
}  // namespace custos::test
