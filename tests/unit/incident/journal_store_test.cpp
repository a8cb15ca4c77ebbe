// The SQLite journal on a real file: incidents keyed by finding, claims that make each action
// happen once (across processes too), and a hash chain that an edited, reordered or deleted
// record breaks.
#include "incident/journal_store.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "support/paths.h"

namespace custos::incident {
namespace {

using Claim = policy::Journal::Claim;

class JournalStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("custos-journal-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string path() const { return (dir_ / "journal.db").string(); }

  static Trigger finding(const std::string& id, const std::string& updated = "2026-12-05T10:00Z") {
    Json event = {{"source", "aws.guardduty"},
                  {"detail-type", "GuardDuty Finding"},
                  {"detail",
                   {{"id", id},
                    {"updatedAt", updated},
                    {"type", "Recon:EC2/PortProbeUnprotectedPort"},
                    {"severity", 5}}}};
    return trigger_of_event(event);
  }

  static policy::JournalEntry entry(const std::string& resource, std::size_t index = 0) {
    return {"contain", index, "stop", resource, "containment"};
  }

  static policy::ActionRecord done(const std::string& resource) {
    policy::ActionRecord record{"stop", resource};
    record.summary = "stopping";
    return record;
  }

  // Runs `sql` on the journal file directly, as someone tampering with it would.
  void tamper(const std::string& sql) const {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << error;
    sqlite3_close(db);
  }

  // An incident with four records: opened, started, completed, verified.
  std::string four_records() const {
    SqliteJournal journal(path(), true);
    std::string id = journal.open(finding("f-1"), Json::object());
    EXPECT_EQ(journal.claim(entry("i-1")), Claim::kAct);
    journal.complete(entry("i-1"), done("i-1"), {});
    journal.verified(entry("i-1"), true, "holds");
    return id;
  }

  std::filesystem::path dir_;
};

TEST_F(JournalStoreTest, LaterDeliveriesOfAFindingJoinItsIncident) {
  SqliteJournal journal(path(), true);
  std::string id = journal.open(finding("f-1"), Json::object());
  EXPECT_EQ(id.rfind("INC-", 0), 0u);
  EXPECT_EQ(id.size(), std::string("INC-20261205-12345678").size());
  EXPECT_EQ(journal.open(finding("f-1", "2026-12-05T11:00Z"), Json::object()), id);
  EXPECT_NE(journal.open(finding("f-2"), Json::object()), id);
  ASSERT_EQ(journal.incidents().size(), 2u);
  auto records = journal.records(id);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].kind, "opened");
  EXPECT_EQ(records[1].kind, "delivered");
  EXPECT_EQ(records[1].body["updated_at"], "2026-12-05T11:00Z");
}

TEST_F(JournalStoreTest, AnActionThatSucceededIsNotClaimedAgainButAFailedOneIs) {
  SqliteJournal journal(path(), true);
  journal.open(finding("f-1"), Json::object());
  EXPECT_EQ(journal.claim(entry("i-1")), Claim::kAct);
  journal.complete(entry("i-1"), done("i-1"), {});
  EXPECT_EQ(journal.claim(entry("i-1")), Claim::kDone);
  EXPECT_EQ(journal.claim(entry("i-1", 1)), Claim::kAct);  // the same action again, later on

  EXPECT_EQ(journal.claim(entry("i-2")), Claim::kAct);
  policy::ActionRecord failed = done("i-2");
  failed.outcome = policy::ActionRecord::Outcome::kFailed;
  journal.complete(entry("i-2"), failed, {});
  EXPECT_EQ(journal.claim(entry("i-2")), Claim::kAct);  // retried on the next delivery
}

TEST_F(JournalStoreTest, AClaimOfALiveProcessHoldsAndADeadOnesIsTakenOver) {
  std::string id;
  {
    SqliteJournal journal(path(), true);
    id = journal.open(finding("f-1"), Json::object());
  }
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t child = ::fork();
  if (child == 0) {
    SqliteJournal journal(path(), false);
    journal.use(id);
    bool acted = journal.claim(entry("i-1")) == Claim::kAct;
    char byte = acted ? 1 : 0;
    if (::write(ready[1], &byte, 1) != 1) std::_Exit(2);
    ::pause();  // holds the claim until killed
    std::_Exit(0);
  }
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  ASSERT_EQ(byte, 1);
  SqliteJournal journal(path(), false);
  journal.use(id);
  EXPECT_EQ(journal.claim(entry("i-1")), Claim::kClaimed);  // the child is alive
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  EXPECT_EQ(journal.claim(entry("i-1")), Claim::kAct);  // its process died mid-way
  auto records = journal.records(id);
  EXPECT_TRUE(records.back().body.contains("taking_over_from")) << records.back().body.dump();
}

TEST_F(JournalStoreTest, AnIntactChainVerifies) {
  std::string id = four_records();
  SqliteJournal journal(path(), false);
  auto result = journal.verify(id);
  EXPECT_TRUE(result.intact);
  EXPECT_TRUE(result.problems.empty());
  EXPECT_EQ(journal.incident(id).records, 4);
}

TEST_F(JournalStoreTest, AnEditedRecordIsDetected) {
  std::string id = four_records();
  tamper(
      "UPDATE records SET body = replace(body, 'stopping', 'nothing happened') "
      "WHERE kind = 'completed'");
  auto result = SqliteJournal(path(), false).verify(id);
  EXPECT_FALSE(result.intact);
  ASSERT_FALSE(result.problems.empty());
  EXPECT_EQ(result.problems[0], "record 3 (completed) was edited");
}

TEST_F(JournalStoreTest, AReorderedLogIsDetected) {
  std::string id = four_records();
  // Swap the places of records 2 and 3.
  tamper("UPDATE records SET n = CASE n WHEN 2 THEN 3 WHEN 3 THEN 2 ELSE n END");
  auto result = SqliteJournal(path(), false).verify(id);
  EXPECT_FALSE(result.intact);
  ASSERT_FALSE(result.problems.empty());
  EXPECT_NE(result.problems[0].find("should (a record was deleted or the log reordered)"),
            std::string::npos)
      << result.problems[0];
}

TEST_F(JournalStoreTest, ADeletedRecordIsDetectedInTheMiddleAndAtTheEnd) {
  std::string id = four_records();
  tamper("DELETE FROM records WHERE n = 2");
  auto middle = SqliteJournal(path(), false).verify(id);
  EXPECT_FALSE(middle.intact);
  EXPECT_EQ(middle.problems.at(0),
            "record 3 stands where record 2 should (a record was deleted or the log reordered)");

  std::filesystem::remove(path());
  id = four_records();
  tamper("DELETE FROM records WHERE n = 4");
  auto last = SqliteJournal(path(), false).verify(id);
  EXPECT_FALSE(last.intact);
  EXPECT_EQ(last.problems.at(0), "the incident had 4 records; 3 remain (records were deleted)");
}

TEST_F(JournalStoreTest, WhatIsNotACustosJournalIsRefusedAndLeftAlone) {
  std::string text_file = (dir_ / "notes.txt").string();
  custos::test::write_file(text_file, "not a database\n");
  try {
    SqliteJournal journal(text_file, true);
    FAIL() << "opened";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              text_file + " is not a custos journal (not a SQLite database)");
  }
  EXPECT_EQ(custos::test::read_file(text_file), "not a database\n");

  std::string other = (dir_ / "other.db").string();
  sqlite3* db = nullptr;
  sqlite3_open(other.c_str(), &db);
  sqlite3_exec(db, "CREATE TABLE t(x)", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  auto before = std::filesystem::file_size(other);
  EXPECT_THROW(SqliteJournal(other, true), InputError);
  EXPECT_EQ(std::filesystem::file_size(other), before);

  EXPECT_THROW(SqliteJournal((dir_ / "missing.db").string(), false), InputError);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "missing.db"));
}

TEST_F(JournalStoreTest, AJournalFromANewerCustosIsRefused) {
  four_records();
  tamper("UPDATE meta SET value = '99' WHERE key = 'version'");
  try {
    SqliteJournal journal(path(), true);
    FAIL() << "opened";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("was written by a newer custos (journal version 99"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(JournalStoreTest, AnUnknownIncidentIsAnInputError) {
  SqliteJournal journal(path(), true);
  EXPECT_THROW(journal.incident("INC-20000101-deadbeef"), InputError);
  EXPECT_THROW(journal.use("INC-20000101-deadbeef"), InputError);
}

}  // namespace
}  // namespace custos::incident
