// The incident journal in a SQLite file (WAL mode, safe for several processes at once): the
// incidents, and for each an append-only log in which every record holds the SHA-256 of the one
// before, so that an edited, reordered or deleted record is detected.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "incident/trigger.h"
#include "policy/journal.h"

namespace custos::incident {

struct Record {
  std::int64_t n = 0;  // its place in the incident's log, from 1
  std::string time;    // ISO 8601, UTC
  // opened, delivered, started, completed, would-do, verified, recovery-started, recovered,
  // recovery-verified
  std::string kind;
  Json entry;  // {policy, action_index, action, resource, phase}; null for incident-wide records
  Json body;
  std::string hash;
};

struct IncidentInfo {
  std::string id;
  std::string key;
  std::string opened_at;
  Json summary;
  std::int64_t records = 0;
  std::string head;  // the hash of its last record: quote it to anchor the log elsewhere
};

struct Verification {
  bool intact = true;
  std::vector<std::string> problems;  // one line each: which record, what is wrong
};

// An incident journal wherever it is kept (a SQLite file; JSON lines under an S3 prefix): what
// runs journal through, and what `custos incident` reads.
class IncidentJournal : public policy::Journal {
 public:
  // Opens the incident of `trigger` when the first action is journaled, or joins the one it
  // already has: runs that act on nothing open no incident. `run` is kept to resume it (the
  // policy file's text and name, the settings it ran with).
  virtual void open_when_used(Trigger trigger, Json run) = 0;
  // Journals for an incident already there; throws InputError when there is none.
  virtual void use(const std::string& incident_id) = 0;
  virtual std::vector<IncidentInfo> incidents() const = 0;
  // Throws InputError naming the journal when there is no such incident.
  virtual IncidentInfo incident(const std::string& id) const = 0;
  virtual std::vector<Record> records(const std::string& id) const = 0;
  virtual Verification verify(const std::string& id) const = 0;
  // Where it is, for messages: the file's path, or s3://bucket/prefix.
  virtual const std::string& location() const = 0;
};

class SqliteJournal : public IncidentJournal {
 public:
  // $XDG_STATE_HOME/custos/journal.db, else ~/.local/state/custos/journal.db.
  static std::string default_path();

  // Opens the journal at `path`, creating it (and its folder) when `create`. Throws InputError,
  // having written nothing, when the file is not a custos journal, was written by a newer
  // custos, or (without `create`) does not exist.
  SqliteJournal(const std::string& path, bool create);
  ~SqliteJournal() override;
  SqliteJournal(const SqliteJournal&) = delete;
  SqliteJournal& operator=(const SqliteJournal&) = delete;

  // Opens the incident of `trigger`, or joins the one it already has (recording the delivery),
  // and journals for it from then on. `run` is kept to resume it: the policy file's text and
  // name, and the settings it ran with.
  std::string open(const Trigger& trigger, const Json& run);
  void open_when_used(Trigger trigger, Json run) override;
  void use(const std::string& incident_id) override;
  // Appends an incident-wide or entry record (recovery writes through this).
  void append(const std::string& kind, const Json& entry, const Json& body);

  Claim claim(const policy::JournalEntry& entry) override;
  void complete(const policy::JournalEntry& entry, const policy::ActionRecord& record,
                const std::vector<aws::Client::MutatingCall>& calls) override;
  void would_do(const policy::JournalEntry& entry, const policy::ActionRecord& record) override;
  void left(const policy::JournalEntry& entry, const std::string& why) override;
  void verified(const policy::JournalEntry& entry, bool holds, const std::string& detail) override;
  const std::string& incident_id() const override { return incident_; }

  std::vector<IncidentInfo> incidents() const override;
  IncidentInfo incident(const std::string& id) const override;
  std::vector<Record> records(const std::string& id) const override;
  Verification verify(const std::string& id) const override;
  const std::string& location() const override { return path_; }
  const std::string& path() const { return path_; }

 private:
  struct Db;
  std::string path_;
  std::unique_ptr<Db> db_;
  std::string incident_;
  std::optional<std::pair<Trigger, Json>> pending_;

  void ensure_open();
  void initialize();
};

// An ActionRecord as the journal keeps it.
Json record_json(const policy::ActionRecord& record);

}  // namespace custos::incident
