#include "incident/journal_store.h"

#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <optional>

#include "core/error.h"

namespace custos::incident {
namespace {

const char* kSchema = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE incidents(id TEXT PRIMARY KEY, key TEXT NOT NULL UNIQUE, opened_at TEXT NOT NULL,
                       summary TEXT NOT NULL, records INTEGER NOT NULL, head TEXT NOT NULL);
CREATE TABLE records(seq INTEGER PRIMARY KEY AUTOINCREMENT, incident TEXT NOT NULL,
                     n INTEGER NOT NULL, time TEXT NOT NULL, kind TEXT NOT NULL, entry TEXT,
                     entry_key TEXT, body TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL);
CREATE INDEX records_by_entry ON records(incident, entry_key, n);
)sql";

}  // namespace

// A SQLite connection with the few statements the journal needs.
struct SqliteJournal::Db {
  sqlite3* handle = nullptr;
  std::string path;

  ~Db() { sqlite3_close(handle); }

  [[noreturn]] void fail(const std::string& what) const {
    throw Error("journal " + path + ": " + what + ": " + sqlite3_errmsg(handle));
  }

  void exec(const char* sql) {
    char* message = nullptr;
    if (sqlite3_exec(handle, sql, nullptr, nullptr, &message) != SQLITE_OK) {
      std::string text = message ? message : "?";
      sqlite3_free(message);
      throw Error("journal " + path + ": " + text);
    }
  }

  // One prepared statement; bind(...) in order, then step() rows.
  class Statement {
   public:
    Statement(Db& db, const char* sql) : db_(db) {
      if (sqlite3_prepare_v2(db.handle, sql, -1, &stmt_, nullptr) != SQLITE_OK)
        db.fail("cannot prepare a query");
    }
    ~Statement() { sqlite3_finalize(stmt_); }
    Statement& bind(const std::string& text) {
      sqlite3_bind_text(stmt_, ++index_, text.c_str(), static_cast<int>(text.size()),
                        SQLITE_TRANSIENT);
      return *this;
    }
    Statement& bind(std::int64_t number) {
      sqlite3_bind_int64(stmt_, ++index_, number);
      return *this;
    }
    bool step() {
      int rc = sqlite3_step(stmt_);
      if (rc == SQLITE_ROW) return true;
      if (rc != SQLITE_DONE) db_.fail("query failed");
      return false;
    }
    std::string text(int column) const {
      const unsigned char* value = sqlite3_column_text(stmt_, column);
      return value ? reinterpret_cast<const char*>(value) : "";
    }
    std::int64_t number(int column) const { return sqlite3_column_int64(stmt_, column); }

   private:
    Db& db_;
    sqlite3_stmt* stmt_ = nullptr;
    int index_ = 0;
  };

  // BEGIN IMMEDIATE takes the write lock at once, so that two processes claiming one entry are
  // served one after the other; rolled back unless committed.
  class Transaction {
   public:
    explicit Transaction(Db& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
    ~Transaction() {
      if (!done_) sqlite3_exec(db_.handle, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    void commit() {
      db_.exec("COMMIT");
      done_ = true;
    }

   private:
    Db& db_;
    bool done_ = false;
  };

  // Appends a record to the incident's chain (inside the caller's transaction).
  void append(const std::string& incident, const std::string& kind, const Json& entry,
              const Json& body) {
    Statement head(*this, "SELECT records, head FROM incidents WHERE id = ?");
    head.bind(incident);
    if (!head.step()) throw Error("journal " + path + ": no incident " + incident);
    Link link = next_link(incident, head.number(0) + 1, head.text(1), kind, entry, body);
    Statement insert(*this,
                     "INSERT INTO records(incident, n, time, kind, entry, entry_key, body, prev, "
                     "hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(incident)
        .bind(link.n)
        .bind(link.time)
        .bind(kind)
        .bind(link.entry)
        .bind(entry_key(entry))
        .bind(link.body)
        .bind(link.prev)
        .bind(link.hash);
    insert.step();
    Statement update(*this, "UPDATE incidents SET records = ?, head = ? WHERE id = ?");
    update.bind(link.n).bind(link.hash).bind(incident);
    update.step();
  }
};

std::string SqliteJournal::default_path() {
  const char* state = std::getenv("XDG_STATE_HOME");
  if (state && *state) return std::string(state) + "/custos/journal.db";
  const char* home = std::getenv("HOME");
  if (!home || !*home)
    throw InputError(
        "no place for the incident journal: set HOME or XDG_STATE_HOME, or pass "
        "--journal PATH");
  return std::string(home) + "/.local/state/custos/journal.db";
}

SqliteJournal::SqliteJournal(const std::string& path, bool create)
    : path_(path), db_(std::make_unique<Db>()) {
  db_->path = path;
  bool exists = std::filesystem::exists(path);
  if (!exists && !create)
    throw InputError("no incident journal at " + path + " (pass --journal PATH to name one)");
  if (!exists) std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  int flags = SQLITE_OPEN_READWRITE | (exists ? 0 : SQLITE_OPEN_CREATE);
  if (sqlite3_open_v2(path.c_str(), &db_->handle, flags, nullptr) != SQLITE_OK)
    throw InputError("cannot open the incident journal " + path + ": " +
                     sqlite3_errmsg(db_->handle));
  sqlite3_busy_timeout(db_->handle, 30000);
  // Read before anything is written: a file that is not ours is left as it is.
  if (sqlite3_exec(db_->handle, "SELECT 1 FROM sqlite_master LIMIT 1", nullptr, nullptr, nullptr) !=
      SQLITE_OK)
    throw InputError(path + " is not a custos journal (not a SQLite database)");
  if (create) initialize();
  std::string format, version;
  try {
    Db::Statement meta(*db_, "SELECT key, value FROM meta");
    while (meta.step()) (meta.text(0) == "format" ? format : version) = meta.text(1);
  } catch (const Error&) {
    throw InputError(path + " is not a custos journal (a SQLite database without custos's tables)");
  }
  if (format != kJournalFormat) throw InputError(path + " is not a custos journal");
  if (std::atoi(version.c_str()) > kJournalVersion)
    throw InputError(path + " was written by a newer custos (journal version " + version +
                     "; this custos reads up to version " + std::to_string(kJournalVersion) +
                     "): upgrade custos to read it");
}

// An empty database (new, or created by another process a moment ago) gets the schema, once:
// the check and the creation are one write transaction.
void SqliteJournal::initialize() {
  {
    Db::Transaction transaction(*db_);
    Db::Statement tables(*db_, "SELECT count(*) FROM sqlite_master");
    tables.step();
    if (tables.number(0) != 0) return;
    db_->exec(kSchema);
    Db::Statement meta(*db_, "INSERT INTO meta(key, value) VALUES ('format', ?), ('version', ?)");
    meta.bind(std::string(kJournalFormat)).bind(std::to_string(kJournalVersion));
    meta.step();
    transaction.commit();
  }
  // Readers and the writer no longer block each other (a report while a run journals).
  Db::Statement wal(*db_, "PRAGMA journal_mode=WAL");
  wal.step();
}

SqliteJournal::~SqliteJournal() = default;

std::string SqliteJournal::open(const Trigger& trigger, const Json& run) {
  Db::Transaction transaction(*db_);
  Db::Statement found(*db_, "SELECT id FROM incidents WHERE key = ?");
  found.bind(trigger.key);
  if (found.step()) {
    incident_ = found.text(0);
    db_->append(incident_, "delivered", nullptr, delivered_body(trigger));
  } else {
    std::string opened = now_iso();
    incident_ = incident::incident_id(trigger.key, opened);
    Db::Statement insert(*db_,
                         "INSERT INTO incidents(id, key, opened_at, summary, records, head) "
                         "VALUES (?, ?, ?, ?, 0, ?)");
    insert.bind(incident_)
        .bind(trigger.key)
        .bind(opened)
        .bind(trigger.summary.dump())
        .bind(genesis_hash(incident_));
    insert.step();
    db_->append(incident_, "opened", nullptr, opened_body(trigger, run));
  }
  transaction.commit();
  return incident_;
}

void SqliteJournal::append(const std::string& kind, const Json& entry, const Json& body) {
  Db::Transaction transaction(*db_);
  db_->append(incident_, kind, entry, body);
  transaction.commit();
}

policy::Journal::Claim SqliteJournal::claim_entry(const Json& entry) {
  Db::Transaction transaction(*db_);
  Db::Statement last(*db_,
                     "SELECT kind, body, time FROM records WHERE incident = ? AND entry_key = ? "
                     "AND kind IN ('started', 'completed') ORDER BY n DESC LIMIT 1");
  last.bind(incident_).bind(entry_key(entry));
  std::optional<Record> found;
  if (last.step())
    found = Record{0, last.text(2), last.text(0), entry, Json::parse(last.text(1)), ""};
  ClaimDecision decision = decide_claim(found ? &*found : nullptr);
  if (decision.claim != Claim::kAct) return decision.claim;
  db_->append(incident_, "started", entry, decision.started);
  transaction.commit();
  return Claim::kAct;
}

std::vector<IncidentInfo> SqliteJournal::incidents() const {
  Db::Statement query(*db_,
                      "SELECT id, key, opened_at, summary, records, head FROM incidents "
                      "ORDER BY opened_at DESC");
  std::vector<IncidentInfo> all;
  while (query.step())
    all.push_back({query.text(0), query.text(1), query.text(2), Json::parse(query.text(3)),
                   query.number(4), query.text(5)});
  return all;
}

IncidentInfo SqliteJournal::incident(const std::string& id) const {
  Db::Statement query(*db_,
                      "SELECT id, key, opened_at, summary, records, head FROM incidents "
                      "WHERE id = ?");
  query.bind(id);
  if (!query.step())
    throw InputError("no incident " + id + " in the journal " + path_ +
                     " (custos incident list shows those there are)");
  return {query.text(0),   query.text(1), query.text(2), Json::parse(query.text(3)),
          query.number(4), query.text(5)};
}

std::vector<Link> SqliteJournal::links(const std::string& id) const {
  Db::Statement query(*db_,
                      "SELECT n, time, kind, entry, body, prev, hash FROM records "
                      "WHERE incident = ? ORDER BY seq");
  query.bind(id);
  std::vector<Link> links;
  while (query.step())
    links.push_back({query.number(0), query.text(1), query.text(2), query.text(3), query.text(4),
                     query.text(5), query.text(6)});
  return links;
}

std::vector<Record> SqliteJournal::records(const std::string& id) const {
  std::vector<Record> all;
  for (const Link& link : links(id)) all.push_back(record_of(link));
  return all;
}

Verification SqliteJournal::verify(const std::string& id) const {
  IncidentInfo info = incident(id);
  return verify_chain(id, links(id), Anchor{info.records, info.head, true});
}

}  // namespace custos::incident
