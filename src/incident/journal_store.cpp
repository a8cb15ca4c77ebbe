#include "incident/journal_store.h"

#include <signal.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/digest.h"
#include "core/error.h"

namespace custos::incident {
namespace {

constexpr int kVersion = 1;  // the newest journal layout this custos reads and writes
constexpr const char* kFormat = "custos-journal";
// A claim held by a process on another host (the S3 backend, a fleet of watchers) is taken
// over once it is this old: no action takes that long.
constexpr auto kForeignLease = std::chrono::minutes(15);

const char* kSchema = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE incidents(id TEXT PRIMARY KEY, key TEXT NOT NULL UNIQUE, opened_at TEXT NOT NULL,
                       summary TEXT NOT NULL, records INTEGER NOT NULL, head TEXT NOT NULL);
CREATE TABLE records(seq INTEGER PRIMARY KEY AUTOINCREMENT, incident TEXT NOT NULL,
                     n INTEGER NOT NULL, time TEXT NOT NULL, kind TEXT NOT NULL, entry TEXT,
                     entry_key TEXT, body TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL);
CREATE INDEX records_by_entry ON records(incident, entry_key, n);
)sql";

std::string host_name() {
  char name[256] = {};
  gethostname(name, sizeof name - 1);
  return name;
}

// The kernel's start time of a process (field 22 of /proc/PID/stat): with the pid, it tells a
// live holder from a new process that got the same pid.
std::string start_ticks(long pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), {});
  auto close = text.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {
  }
  return field;
}

Json me() {
  long pid = ::getpid();
  return {{"pid", pid}, {"host", host_name()}, {"start", start_ticks(pid)}};
}

bool same_process(const Json& a, const Json& b) {
  return a.value("pid", 0L) == b.value("pid", 0L) && a.value("host", "") == b.value("host", "") &&
         a.value("start", "") == b.value("start", "");
}

// Whether the process that recorded `started` may still be acting on it.
bool holder_alive(const Json& holder, const std::string& started_at) {
  if (holder.value("host", "") != host_name()) {
    std::tm tm{};
    strptime(started_at.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
    auto at = std::chrono::system_clock::from_time_t(timegm(&tm));
    return std::chrono::system_clock::now() - at < kForeignLease;
  }
  long pid = holder.value("pid", 0L);
  return pid > 0 && ::kill(static_cast<pid_t>(pid), 0) == 0 &&
         start_ticks(pid) == holder.value("start", "");
}

std::string entry_key(const policy::JournalEntry& entry) {
  return entry.policy + "\x1f" + std::to_string(entry.action_index) + "\x1f" + entry.resource;
}

Json entry_json(const policy::JournalEntry& entry) {
  return {{"policy", entry.policy},
          {"action_index", entry.action_index},
          {"action", entry.action},
          {"resource", entry.resource},
          {"phase", entry.phase}};
}

std::string chained_hash(const std::string& prev, const std::string& incident, std::int64_t n,
                         const std::string& time, const std::string& kind, const std::string& entry,
                         const std::string& body) {
  const char sep = '\x1f';
  return sha256_hex(prev + sep + incident + sep + std::to_string(n) + sep + time + sep + kind +
                    sep + entry + sep + body);
}

const char* outcome_name(policy::ActionRecord::Outcome outcome) {
  switch (outcome) {
    case policy::ActionRecord::Outcome::kChanged:
      return "changed";
    case policy::ActionRecord::Outcome::kUnchanged:
      return "unchanged";
    case policy::ActionRecord::Outcome::kFailed:
      return "failed";
  }
  return "?";
}

}  // namespace

Json record_json(const policy::ActionRecord& record) {
  return {{"action", record.action},   {"resource", record.resource_id},
          {"ok", record.ok()},         {"outcome", outcome_name(record.outcome)},
          {"summary", record.summary}, {"before", record.before},
          {"after", record.after},     {"undo", record.undo},
          {"check", record.check},     {"error", record.error}};
}

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
  void append(const std::string& incident, const std::string& kind, const std::string& key,
              const Json& entry, const Json& body) {
    Statement head(*this, "SELECT records, head FROM incidents WHERE id = ?");
    head.bind(incident);
    if (!head.step()) throw Error("journal " + path + ": no incident " + incident);
    std::int64_t n = head.number(0) + 1;
    std::string prev = head.text(1);
    std::string time = now_iso();
    std::string entry_text = entry.is_null() ? "" : entry.dump();
    std::string body_text = body.dump();
    std::string hash = chained_hash(prev, incident, n, time, kind, entry_text, body_text);
    Statement insert(*this,
                     "INSERT INTO records(incident, n, time, kind, entry, entry_key, body, prev, "
                     "hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(incident)
        .bind(n)
        .bind(time)
        .bind(kind)
        .bind(entry_text)
        .bind(key)
        .bind(body_text)
        .bind(prev)
        .bind(hash);
    insert.step();
    Statement update(*this, "UPDATE incidents SET records = ?, head = ? WHERE id = ?");
    update.bind(n).bind(hash).bind(incident);
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
  if (format != kFormat) throw InputError(path + " is not a custos journal");
  if (std::atoi(version.c_str()) > kVersion)
    throw InputError(path + " was written by a newer custos (journal version " + version +
                     "; this custos reads up to version " + std::to_string(kVersion) +
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
    meta.bind(std::string(kFormat)).bind(std::to_string(kVersion));
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
  Json delivery = {{"updated_at", trigger.updated_at}, {"summary", trigger.summary}};
  if (found.step()) {
    incident_ = found.text(0);
    db_->append(incident_, "delivered", "", nullptr, delivery);
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
        .bind(sha256_hex("custos-journal:" + incident_));
    insert.step();
    db_->append(incident_, "opened", "", nullptr,
                {{"key", trigger.key},
                 {"updated_at", trigger.updated_at},
                 {"summary", trigger.summary},
                 {"event", trigger.event},
                 {"run", run}});
  }
  transaction.commit();
  return incident_;
}

void SqliteJournal::open_when_used(Trigger trigger, Json run) {
  pending_.emplace(std::move(trigger), std::move(run));
}

void SqliteJournal::ensure_open() {
  if (!pending_) return;
  auto [trigger, run] = std::move(*pending_);
  pending_.reset();
  open(trigger, run);
}

void SqliteJournal::use(const std::string& id) {
  incident(id);  // throws when unknown
  incident_ = id;
}

void SqliteJournal::append(const std::string& kind, const Json& entry, const Json& body) {
  Db::Transaction transaction(*db_);
  std::string key;
  if (entry.is_object())
    key = entry.value("policy", "") + "\x1f" + std::to_string(entry.value("action_index", 0)) +
          "\x1f" + entry.value("resource", "");
  db_->append(incident_, kind, key, entry, body);
  transaction.commit();
}

policy::Journal::Claim SqliteJournal::claim(const policy::JournalEntry& entry) {
  ensure_open();
  Db::Transaction transaction(*db_);
  Db::Statement last(*db_,
                     "SELECT kind, body, time FROM records WHERE incident = ? AND entry_key = ? "
                     "AND kind IN ('started', 'completed') ORDER BY n DESC LIMIT 1");
  last.bind(incident_).bind(entry_key(entry));
  Json body = {{"by", me()}};
  if (last.step()) {
    Json previous = Json::parse(last.text(1));
    if (last.text(0) == "completed" && previous.value("ok", false)) return Claim::kDone;
    if (last.text(0) == "started") {
      const Json& holder = previous["by"];
      if (!same_process(holder, body["by"]) && holder_alive(holder, last.text(2)))
        return Claim::kClaimed;
      body["taking_over_from"] = holder;  // its process died mid-way
    }
  }
  db_->append(incident_, "started", entry_key(entry), entry_json(entry), body);
  transaction.commit();
  return Claim::kAct;
}

void SqliteJournal::complete(const policy::JournalEntry& entry, const policy::ActionRecord& record,
                             const std::vector<aws::Client::MutatingCall>& calls) {
  Json body = record_json(record);
  body["calls"] = Json::array();
  for (const auto& call : calls)
    body["calls"].push_back({{"service", call.service},
                             {"operation", call.operation},
                             {"region", call.region},
                             {"params", call.params},
                             {"request_id", call.request_id},
                             {"error", call.error_code}});
  ensure_open();
  Db::Transaction transaction(*db_);
  db_->append(incident_, "completed", entry_key(entry), entry_json(entry), body);
  transaction.commit();
}

void SqliteJournal::would_do(const policy::JournalEntry& entry,
                             const policy::ActionRecord& record) {
  ensure_open();
  Db::Transaction transaction(*db_);
  db_->append(incident_, "would-do", entry_key(entry), entry_json(entry), record_json(record));
  transaction.commit();
}

void SqliteJournal::left(const policy::JournalEntry& entry, const std::string& why) {
  ensure_open();
  Db::Transaction transaction(*db_);
  db_->append(incident_, "left", entry_key(entry), entry_json(entry), {{"why", why}});
  transaction.commit();
}

void SqliteJournal::verified(const policy::JournalEntry& entry, bool holds,
                             const std::string& detail) {
  ensure_open();
  Db::Transaction transaction(*db_);
  db_->append(incident_, "verified", entry_key(entry), entry_json(entry),
              {{"holds", holds}, {"detail", detail}});
  transaction.commit();
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

std::vector<Record> SqliteJournal::records(const std::string& id) const {
  Db::Statement query(*db_,
                      "SELECT n, time, kind, entry, body, hash FROM records WHERE incident = ? "
                      "ORDER BY seq");
  query.bind(id);
  std::vector<Record> all;
  while (query.step()) {
    std::string entry = query.text(3);
    all.push_back({query.number(0), query.text(1), query.text(2),
                   entry.empty() ? Json() : Json::parse(entry), Json::parse(query.text(4)),
                   query.text(5)});
  }
  return all;
}

Verification SqliteJournal::verify(const std::string& id) const {
  IncidentInfo info = incident(id);
  Verification result;
  auto problem = [&](const std::string& text) {
    result.intact = false;
    result.problems.push_back(text);
  };
  Db::Statement query(*db_,
                      "SELECT n, time, kind, entry, body, prev, hash FROM records "
                      "WHERE incident = ? ORDER BY seq");
  query.bind(id);
  std::string prev = sha256_hex("custos-journal:" + id);
  std::int64_t expected = 1;
  while (query.step()) {
    std::int64_t n = query.number(0);
    std::string where = "record " + std::to_string(n);
    if (n != expected)
      problem(where + " stands where record " + std::to_string(expected) +
              " should (a record was deleted or the log reordered)");
    if (query.text(5) != prev) problem(where + " does not follow the record before it");
    std::string hash = chained_hash(query.text(5), id, n, query.text(1), query.text(2),
                                    query.text(3), query.text(4));
    if (hash != query.text(6)) problem(where + " (" + query.text(2) + ") was edited");
    prev = query.text(6);
    expected = n + 1;
  }
  if (expected - 1 != info.records)
    problem("the incident had " + std::to_string(info.records) + " records; " +
            std::to_string(expected - 1) + " remain (records were deleted)");
  else if (prev != info.head)
    problem("the last record is not the one the incident ends with (records were deleted)");
  return result;
}

}  // namespace custos::incident
