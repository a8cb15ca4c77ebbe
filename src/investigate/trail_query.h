// What `custos investigate` asks of CloudTrail records: the fields of a record it reads, and the
// query (time window, principal, resource, address, event, service, errors, access, --where)
// compiled once and judged per record.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "investigate/times.h"

namespace custos::investigate {

// The fields of one record that queries, tables and summaries read. Views into the file's text
// or the parser's strings: valid while the record is being judged. Empty when absent or null.
struct TrailRecord {
  std::string_view raw;  // the record's JSON as written
  std::string_view event_time, event_source, event_name, aws_region, source_ip, user_agent;
  std::string_view error_code, error_message, event_id, event_type, recipient_account;
  std::optional<bool> read_only;
  // userIdentity and its sessionContext.sessionIssuer
  std::string_view identity_type, arn, user_name, access_key_id, principal_id, identity_account;
  std::string_view invoked_by, issuer_user_name, issuer_arn;
  std::optional<Millis> time;  // event_time, parsed

  // Who, as a person reads it: the ARN, else the calling service, else the principal id, the
  // account or the identity type (the first that is not empty); "-" when none is.
  std::string_view principal() const;
  // The role session name of an assumed-role ARN (arn:...:assumed-role/ROLE/SESSION).
  std::string_view session_name() const;
  // readOnly when the record has it, else whether the API name reads (Describe*, Get*, ...);
  // nullopt for records of no API call (CloudTrail Insights events).
  std::optional<bool> reads() const;
  // "iam.amazonaws.com" -> "iam".
  std::string_view service() const;
};

// "iam:CreateUser" for iam.amazonaws.com's CreateUser.
std::string event_label(const TrailRecord& record);

struct TrailQuery {
  std::optional<Millis> since;  // inclusive
  std::optional<Millis> until;  // exclusive
  std::vector<std::string> principals, resources, ips, events, services, accounts, regions;
  bool errors = false;
  enum class Access { kAny, kReadOnly, kMutating } access = Access::kAny;
  std::vector<std::string> where;  // value filters, as YAML or JSON text
};

// A query ready to judge records from any number of threads at once.
class TrailMatcher {
 public:
  // Throws InputError for a malformed --ip, --where or a --where that cannot judge one record.
  explicit TrailMatcher(const TrailQuery& query);
  ~TrailMatcher();
  TrailMatcher(TrailMatcher&&) noexcept;

  // False when the text of a file (or of a record) cannot hold a match: a flag whose every
  // value is a string found verbatim in a matching record, and none of them is in `text`.
  bool may_match(std::string_view text) const;
  // The verdict; `document` gives the record as Json, for the flags that need all of it
  // (--resource, --where), called at most once and only when every other flag matched.
  bool matches(const TrailRecord& record, const std::function<const Json&()>& document) const;
  // Whether matches() ever asks for the document.
  bool needs_document() const;

 private:
  struct Impl;
  std::unique_ptr<const Impl> impl_;
};

}  // namespace custos::investigate
