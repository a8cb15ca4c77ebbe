// The incident journal wherever it is kept (a SQLite file; objects under an S3 prefix): what
// runs journal through, and what `custos incident` reads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "aws/config.h"
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

class IncidentJournal : public policy::Journal {
 public:
  // Opens the incident of `trigger` when the first action is journaled, or joins the one it
  // already has: runs that act on nothing open no incident. `run` is kept to resume it (the
  // policy file's text and name, the settings it ran with).
  virtual void open_when_used(Trigger trigger, Json run) = 0;
  // Journals for an incident already there; throws InputError when there is none.
  virtual void use(const std::string& incident_id) = 0;
  // Appends an incident-wide (null `entry`) or entry record (recovery, investigation).
  virtual void append(const std::string& kind, const Json& entry, const Json& body) = 0;
  virtual std::vector<IncidentInfo> incidents() const = 0;
  // Throws InputError naming the journal when there is no such incident.
  virtual IncidentInfo incident(const std::string& id) const = 0;
  virtual std::vector<Record> records(const std::string& id) const = 0;
  virtual Verification verify(const std::string& id) const = 0;
  // Where it is, for messages: the file's path, or s3://bucket/prefix.
  virtual const std::string& location() const = 0;
};

// The journal `where` names: s3://BUCKET[/PREFIX] (reached with `aws`) or a SQLite file's path,
// created when missing if `create`. Throws InputError, having written nothing, when it is not
// a custos journal, was written by a newer custos, or is not there.
std::unique_ptr<IncidentJournal> open_journal(const std::string& where,
                                              const aws::SessionOptions& aws, bool create);

}  // namespace custos::incident
