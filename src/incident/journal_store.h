// The incident journal in a SQLite file (WAL mode, safe for several processes at once): the
// incidents, and for each an append-only log in which every record holds the SHA-256 of the one
// before, so that an edited, reordered or deleted record is detected.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "incident/chain.h"

namespace custos::incident {

class SqliteJournal : public ChainedJournal {
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

  std::string open(const Trigger& trigger, const Json& run) override;
  void append(const std::string& kind, const Json& entry, const Json& body) override;

  std::vector<IncidentInfo> incidents() const override;
  IncidentInfo incident(const std::string& id) const override;
  std::vector<Record> records(const std::string& id) const override;
  Verification verify(const std::string& id) const override;
  const std::string& location() const override { return path_; }
  const std::string& path() const { return path_; }

 protected:
  Claim claim_entry(const Json& entry) override;

 private:
  struct Db;
  std::string path_;
  std::unique_ptr<Db> db_;

  void initialize();
  std::vector<Link> links(const std::string& id) const;
};

}  // namespace custos::incident
