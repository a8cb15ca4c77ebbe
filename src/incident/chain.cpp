#include "incident/chain.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <sstream>

#include "core/digest.h"
#include "core/error.h"

namespace custos::incident {
namespace {

// A claim held by a process on another machine (the S3 backend, a fleet of watchers) is taken
// over once it is this old: no action takes that long.
constexpr auto kForeignLease = std::chrono::minutes(15);

std::string host_name() {
  char name[256] = {};
  gethostname(name, sizeof name - 1);
  return name;
}

// The kernel's boot id: two Lambda sandboxes (or containers' hosts) may share a host name and
// pids, never a boot id, so a pid is only looked up on the machine that recorded it.
std::string boot_id() {
  std::ifstream file("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(file, id);
  return id;
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
  return {{"pid", pid}, {"host", host_name()}, {"boot", boot_id()}, {"start", start_ticks(pid)}};
}

// Records written before the boot id was kept name only the host.
bool this_machine(const Json& holder) {
  return holder.value("host", "") == host_name() && holder.value("boot", boot_id()) == boot_id();
}

bool same_process(const Json& a, const Json& b) {
  return a.value("pid", 0L) == b.value("pid", 0L) && a.value("host", "") == b.value("host", "") &&
         a.value("boot", "") == b.value("boot", "") && a.value("start", "") == b.value("start", "");
}

// Whether the process that recorded `started` may still be acting on it.
bool holder_alive(const Json& holder, const std::string& started_at) {
  if (!this_machine(holder)) {
    std::tm tm{};
    strptime(started_at.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
    auto at = std::chrono::system_clock::from_time_t(timegm(&tm));
    return std::chrono::system_clock::now() - at < kForeignLease;
  }
  long pid = holder.value("pid", 0L);
  return pid > 0 && ::kill(static_cast<pid_t>(pid), 0) == 0 &&
         start_ticks(pid) == holder.value("start", "");
}

Json entry_json(const policy::JournalEntry& entry) {
  return {{"policy", entry.policy},
          {"action_index", entry.action_index},
          {"action", entry.action},
          {"resource", entry.resource},
          {"phase", entry.phase}};
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

std::string genesis_hash(const std::string& incident) {
  return sha256_hex("custos-journal:" + incident);
}

std::string link_hash(const std::string& incident, const Link& link) {
  const char sep = '\x1f';
  return sha256_hex(link.prev + sep + incident + sep + std::to_string(link.n) + sep + link.time +
                    sep + link.kind + sep + link.entry + sep + link.body);
}

Link next_link(const std::string& incident, std::int64_t n, const std::string& prev,
               const std::string& kind, const Json& entry, const Json& body) {
  Link link{n, now_iso(), kind, entry.is_null() ? "" : entry.dump(), body.dump(), prev, ""};
  link.hash = link_hash(incident, link);
  return link;
}

Record record_of(const Link& link) {
  return {link.n,
          link.time,
          link.kind,
          link.entry.empty() ? Json() : Json::parse(link.entry),
          Json::parse(link.body),
          link.hash};
}

Verification verify_chain(const std::string& incident, const std::vector<Link>& links,
                          const std::optional<Anchor>& anchor) {
  Verification result;
  auto problem = [&](const std::string& text) {
    result.intact = false;
    result.problems.push_back(text);
  };
  std::string prev = genesis_hash(incident);
  std::int64_t expected = 1;
  const Link* anchored = nullptr;
  for (const Link& link : links) {
    std::string where = "record " + std::to_string(link.n);
    if (link.n != expected)
      problem(where + " stands where record " + std::to_string(expected) +
              " should (a record was deleted or the log reordered)");
    if (link.prev != prev) problem(where + " does not follow the record before it");
    if (link_hash(incident, link) != link.hash) problem(where + " (" + link.kind + ") was edited");
    if (anchor && link.n == anchor->records) anchored = &link;
    prev = link.hash;
    expected = link.n + 1;
  }
  if (!anchor) return result;
  auto remain = static_cast<std::int64_t>(links.size());
  if (anchor->last ? remain != anchor->records : remain < anchor->records)
    problem("the incident had " + std::to_string(anchor->records) + " records; " +
            std::to_string(remain) + " remain (records were deleted)");
  else if (anchor->records > 0 && (!anchored || anchored->hash != anchor->head))
    problem("the last record is not the one the incident ends with (records were deleted)");
  return result;
}

Json opened_body(const Trigger& trigger, const Json& run) {
  return {{"key", trigger.key},
          {"updated_at", trigger.updated_at},
          {"summary", trigger.summary},
          {"event", trigger.event},
          {"run", run}};
}

Json delivered_body(const Trigger& trigger) {
  return {{"updated_at", trigger.updated_at}, {"summary", trigger.summary}};
}

std::string entry_key(const Json& entry) {
  if (!entry.is_object()) return {};
  return entry.value("policy", "") + "\x1f" + std::to_string(entry.value("action_index", 0)) +
         "\x1f" + entry.value("resource", "");
}

ClaimDecision decide_claim(const Record* last) {
  ClaimDecision decision{policy::Journal::Claim::kAct, {{"by", me()}}};
  if (!last) return decision;
  if (last->kind == "completed" && last->body.value("ok", false))
    return {policy::Journal::Claim::kDone, nullptr};
  if (last->kind == "started") {
    const Json& holder = last->body.value("by", Json::object());
    if (!same_process(holder, decision.started["by"]) && holder_alive(holder, last->time))
      return {policy::Journal::Claim::kClaimed, nullptr};
    decision.started["taking_over_from"] = holder;  // its process died mid-way
  }
  return decision;
}

void ChainedJournal::open_when_used(Trigger trigger, Json run) {
  pending_.emplace(std::move(trigger), std::move(run));
}

void ChainedJournal::ensure_open() {
  if (!pending_) return;
  auto [trigger, run] = std::move(*pending_);
  pending_.reset();
  open(trigger, run);
}

void ChainedJournal::use(const std::string& id) {
  incident(id);  // throws when unknown
  incident_ = id;
}

policy::Journal::Claim ChainedJournal::claim(const policy::JournalEntry& entry) {
  ensure_open();
  return claim_entry(entry_json(entry));
}

void ChainedJournal::complete(const policy::JournalEntry& entry, const policy::ActionRecord& record,
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
  append("completed", entry_json(entry), body);
}

void ChainedJournal::would_do(const policy::JournalEntry& entry,
                              const policy::ActionRecord& record) {
  ensure_open();
  append("would-do", entry_json(entry), record_json(record));
}

void ChainedJournal::left(const policy::JournalEntry& entry, const std::string& why) {
  ensure_open();
  append("left", entry_json(entry), {{"why", why}});
}

void ChainedJournal::verified(const policy::JournalEntry& entry, bool holds,
                              const std::string& detail) {
  ensure_open();
  append("verified", entry_json(entry), {{"holds", holds}, {"detail", detail}});
}

}  // namespace custos::incident
