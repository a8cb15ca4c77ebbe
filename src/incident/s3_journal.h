// The incident journal under an S3 prefix, for Lambda functions (and any fleet) that share no
// disk: one JSON object per record, each created only if absent (If-None-Match: *), so that the
// first writer of a record wins as a SQLite write transaction would. docs/incident-journal-s3.md
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aws/config.h"
#include "incident/chain.h"

namespace custos::incident {

// Where each object of an S3 journal is kept; PREFIX is the URL's path ("" for the bucket).
class S3Layout {
 public:
  // Throws InputError unless `url` is s3://BUCKET[/PREFIX].
  explicit S3Layout(const std::string& url);
  const std::string& url() const { return url_; }  // s3://BUCKET[/PREFIX], no trailing slash
  const std::string& bucket() const { return bucket_; }
  const std::string& prefix() const { return prefix_; }  // "" or ending in '/'
  // PREFIX/journal.json ({format, version}): what makes the prefix a custos journal.
  std::string marker() const;
  // PREFIX/keys/<SHA-256 of the trigger key>.json: the incident a finding or call opened.
  std::string trigger(const std::string& key) const;
  // PREFIX/incidents/
  std::string incidents() const;
  // PREFIX/incidents/ID/records/; throws InputError when `incident` is not an incident id.
  std::string records(const std::string& incident) const;
  // PREFIX/incidents/ID/records/00000042.json: sorted by name, the records are in order.
  std::string record(const std::string& incident, std::int64_t n) const;
  // PREFIX/incidents/ID/head.json ({n, hash}): the newest record written, for verification.
  std::string head(const std::string& incident) const;
  // s3://BUCKET/KEY, for messages.
  std::string url_of(const std::string& key) const;

 private:
  std::string url_, bucket_, prefix_;
};

// A record's object (one line of JSON), and back. parse_record throws InputError naming
// `where` when the text is not a custos journal record or was written by a newer custos.
std::string record_text(const std::string& incident, const Link& link);
Link parse_record(const std::string& text, const std::string& where);

class S3Journal : public ChainedJournal {
 public:
  // Opens the journal at `url` with a client made from `aws`, in the bucket's region. The
  // bucket must exist and the prefix hold a custos journal, or nothing (then, when `create`,
  // it becomes one). Throws InputError, having written nothing, otherwise.
  S3Journal(const std::string& url, const aws::SessionOptions& aws, bool create);
  ~S3Journal() override;
  // Another journal on the same place, not checked again: each delivery journals its own
  // incident through its own, sending its X-Ray `trace_id` (empty: none) with every call.
  std::unique_ptr<S3Journal> another(const std::string& trace_id = {}) const;

  std::string open(const Trigger& trigger, const Json& run) override;
  void append(const std::string& kind, const Json& entry, const Json& body) override;

  std::vector<IncidentInfo> incidents() const override;
  IncidentInfo incident(const std::string& id) const override;
  std::vector<Record> records(const std::string& id) const override;
  Verification verify(const std::string& id) const override;
  const std::string& location() const override;

 protected:
  Claim claim_entry(const Json& entry) override;

 private:
  struct Place;
  explicit S3Journal(std::shared_ptr<const Place> place);
  std::shared_ptr<const Place> place_;
  // The records read so far, per incident: records never change, so only newer ones are read.
  mutable std::map<std::string, std::vector<Link>> read_;

  // An incident's facts; nullopt when it has no records.
  std::optional<IncidentInfo> info(const std::string& id) const;
  // Reads the incident's records written since the last read.
  const std::vector<Link>& refresh(const std::string& incident) const;
  // Creates the record after those read so far; false when another writer created it first.
  bool try_append(const std::string& kind, const Json& entry, const Json& body);
};

}  // namespace custos::incident
