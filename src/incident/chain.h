// What every incident journal shares whatever keeps it: the records' hash chain and its
// verification, how a claim is decided and who holds it, and the journaling calls of a run,
// written over two operations each backend makes atomic (append a record; claim an entry).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "incident/incident_journal.h"

namespace custos::incident {

constexpr int kJournalVersion = 1;  // the newest journal layout this custos reads and writes
constexpr const char* kJournalFormat = "custos-journal";

// A record as it is chained: its entry (empty for an incident-wide record) and body as the
// JSON text its hash covers, and the hash of the record before it.
struct Link {
  std::int64_t n = 0;
  std::string time, kind, entry, body, prev, hash;
};

// The hash the first record of `incident` follows.
std::string genesis_hash(const std::string& incident);
// Record `n` of `incident` after `prev`, written now.
Link next_link(const std::string& incident, std::int64_t n, const std::string& prev,
               const std::string& kind, const Json& entry, const Json& body);
// The hash `link` should have (equal to link.hash unless it was edited).
std::string link_hash(const std::string& incident, const Link& link);
// The record a link holds (its entry and body parsed).
Record record_of(const Link& link);

// Where the incident says its log ends: a log must reach record `records` with hash `head`;
// when `last`, no record may follow it.
struct Anchor {
  std::int64_t records = 0;
  std::string head;
  bool last = true;
};
// Checks the links of `incident` in the order they are kept: numbered from 1 without gaps,
// each following the one before and holding the hash of its own content, up to the anchor.
Verification verify_chain(const std::string& incident, const std::vector<Link>& links,
                          const std::optional<Anchor>& anchor);

// The bodies of the record that opens an incident and of one that joins a later delivery.
Json opened_body(const Trigger& trigger, const Json& run);
Json delivered_body(const Trigger& trigger);

// What identifies an entry among an incident's records: policy, action index and resource.
std::string entry_key(const Json& entry);

// What a claim comes to, given the entry's last started or completed record (none: nullptr):
// act (with the body to record as started), it is done, or another live process holds it.
struct ClaimDecision {
  policy::Journal::Claim claim;
  Json started;  // the started record's body when acting
};
ClaimDecision decide_claim(const Record* last);

// An IncidentJournal whose backend appends records to a hash chain atomically.
class ChainedJournal : public IncidentJournal {
 public:
  // Opens the incident of `trigger`, or joins the one it already has (recording the delivery),
  // and journals for it from then on. `run` is kept to resume it.
  virtual std::string open(const Trigger& trigger, const Json& run) = 0;

  void open_when_used(Trigger trigger, Json run) override;
  void use(const std::string& incident_id) override;
  Claim claim(const policy::JournalEntry& entry) override;
  void complete(const policy::JournalEntry& entry, const policy::ActionRecord& record,
                const std::vector<aws::Client::MutatingCall>& calls) override;
  void would_do(const policy::JournalEntry& entry, const policy::ActionRecord& record) override;
  void left(const policy::JournalEntry& entry, const std::string& why) override;
  void verified(const policy::JournalEntry& entry, bool holds, const std::string& detail) override;
  const std::string& incident_id() const override { return incident_; }

 protected:
  // Atomically with respect to other writers: finds the entry's last started or completed
  // record, decides with decide_claim and, when acting, appends "started".
  virtual Claim claim_entry(const Json& entry) = 0;

  std::string incident_;

 private:
  std::optional<std::pair<Trigger, Json>> pending_;
  void ensure_open();
};

// An ActionRecord as the journal keeps it.
Json record_json(const policy::ActionRecord& record);

}  // namespace custos::incident
