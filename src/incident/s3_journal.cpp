#include "incident/s3_journal.h"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "aws/client.h"
#include "aws/protocol_codec.h"
#include "aws/s3_url.h"
#include "core/digest.h"
#include "core/error.h"

// S3 has no transactions, so every claim rests on one atomic step S3 does offer: a PutObject
// with If-None-Match: * creates an object only if there is none (412 PreconditionFailed, or 409
// ConditionalRequestConflict while another such upload of the key is under way). Record n of
// an incident is such an object; whoever creates it has appended to the chain, and the others
// read it and decide again, as the losers of a SQLite write lock would. The index of incidents
// by trigger key is created the same way, so two deliveries of one finding join one incident.
// Since December 2020 S3 reads and listings are strongly consistent: a record created is seen.

namespace custos::incident {
namespace {

constexpr const char* kRecordFormat = "custos-journal-record";
// Appending gives up after this many records written by others in between.
constexpr int kMaxAttempts = 1000;

// Thrown for an object written by a newer custos: never taken for tampering.
class NewerVersion : public InputError {
 public:
  using InputError::InputError;
};

void check_version(const Json& object, const std::string& where) {
  const Json& version = object.value("version", Json());
  if (!version.is_number_integer())
    throw InputError(where + " is not a custos journal record (it has no version)");
  if (version.get<std::int64_t>() > kJournalVersion)
    throw NewerVersion(where + " was written by a newer custos (journal version " + version.dump() +
                       "; this custos reads up to version " + std::to_string(kJournalVersion) +
                       "): upgrade custos to read it");
}

std::string text_of(const Json& object, const char* field, const std::string& where) {
  auto found = object.find(field);
  if (found == object.end() || !found->is_string())
    throw InputError(where + " is not a custos journal record (no text '" + field + "')");
  return found->get<std::string>();
}

// The text at `field`, or "" when it is missing or not text.
std::string text_or_empty(const Json& object, const char* field) {
  auto found = object.find(field);
  return found != object.end() && found->is_string() ? found->get<std::string>() : "";
}

bool is_incident_id(const std::string& id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
  });
}

bool lost_race(const aws::AwsError& e) {
  return e.code() == "PreconditionFailed" || e.code() == "ConditionalRequestConflict";
}

}  // namespace

S3Layout::S3Layout(const std::string& url) {
  auto location = aws::parse_s3_url(url);
  if (!location)
    throw InputError("journal " + url + ": an S3 journal is named s3://BUCKET[/PREFIX]");
  bucket_ = location->bucket;
  prefix_ = location->prefix;
  while (prefix_.ends_with('/')) prefix_.pop_back();
  url_ = "s3://" + bucket_ + (prefix_.empty() ? "" : "/" + prefix_);
  if (!prefix_.empty()) prefix_ += '/';
}

std::string S3Layout::marker() const { return prefix_ + "journal.json"; }

std::string S3Layout::trigger(const std::string& key) const {
  return prefix_ + "keys/" + sha256_hex(key) + ".json";
}

std::string S3Layout::incidents() const { return prefix_ + "incidents/"; }

std::string S3Layout::records(const std::string& incident) const {
  if (!is_incident_id(incident))
    throw InputError("'" + incident + "' is not an incident id (INC-YYYYMMDD-xxxxxxxx)");
  return incidents() + incident + "/records/";
}

std::string S3Layout::record(const std::string& incident, std::int64_t n) const {
  char name[32];
  std::snprintf(name, sizeof name, "%08lld.json", static_cast<long long>(n));
  return records(incident) + name;
}

std::string S3Layout::head(const std::string& incident) const {
  records(incident);  // checks the id
  return incidents() + incident + "/head.json";
}

std::string S3Layout::url_of(const std::string& key) const { return "s3://" + bucket_ + "/" + key; }

std::string record_text(const std::string& incident, const Link& link) {
  return Json{{"format", kRecordFormat},
              {"version", kJournalVersion},
              {"incident", incident},
              {"n", link.n},
              {"time", link.time},
              {"kind", link.kind},
              {"entry", link.entry.empty() ? Json() : Json::parse(link.entry)},
              {"body", Json::parse(link.body)},
              {"prev", link.prev},
              {"hash", link.hash}}
      .dump();
}

Link parse_record(const std::string& text, const std::string& where) {
  Json object = Json::parse(text, nullptr, false);
  if (!object.is_object() || text_or_empty(object, "format") != kRecordFormat)
    throw InputError(where + " is not a custos journal record");
  check_version(object, where);
  const Json& n = object.value("n", Json());
  if (!n.is_number_integer() || n.get<std::int64_t>() < 1)
    throw InputError(where + " is not a custos journal record (no record number 'n')");
  const Json& entry = object.value("entry", Json());
  if (!entry.is_null() && !entry.is_object())
    throw InputError(where + " is not a custos journal record ('entry' is not an object)");
  if (!object.contains("body"))
    throw InputError(where + " is not a custos journal record (no 'body')");
  return {n.get<std::int64_t>(),          text_of(object, "time", where),
          text_of(object, "kind", where), entry.is_null() ? "" : entry.dump(),
          object["body"].dump(),          text_of(object, "prev", where),
          text_of(object, "hash", where)};
}

// The bucket, the prefix and a client in the bucket's region.
struct S3Journal::Place {
  S3Layout layout;
  aws::Client client;

  // The object's text; nullopt when there is no such key.
  std::optional<std::string> get(const std::string& key) const {
    try {
      Json object = client.call("s3", "GetObject", {{"Bucket", layout.bucket()}, {"Key", key}});
      return aws::codec::base64_decode(object.value("Body", ""));
    } catch (const aws::AwsError& e) {
      if (e.code() == "NoSuchKey") return std::nullopt;
      throw;
    }
  }

  // Creates the object unless there is one; false when there was.
  bool create(const std::string& key, const std::string& text) const {
    try {
      client.call("s3", "PutObject",
                  {{"Bucket", layout.bucket()},
                   {"Key", key},
                   {"Body", text},
                   {"ContentType", "application/json"},
                   {"IfNoneMatch", "*"}});
      return true;
    } catch (const aws::AwsError& e) {
      if (lost_race(e)) return false;
      throw;
    }
  }

  void put(const std::string& key, const std::string& text) const {
    client.call("s3", "PutObject",
                {{"Bucket", layout.bucket()},
                 {"Key", key},
                 {"Body", text},
                 {"ContentType", "application/json"}});
  }

  std::optional<std::string> first_key(const std::string& prefix) const {
    Json page = client.call("s3", "ListObjectsV2",
                            {{"Bucket", layout.bucket()}, {"Prefix", prefix}, {"MaxKeys", 1}});
    const Json& contents = page.value("Contents", Json::array());
    if (contents.empty()) return std::nullopt;
    return contents[0].value("Key", "");
  }

  // The keys under `prefix` after `after`, in order; with `folders`, the folders instead.
  std::vector<std::string> list(const std::string& prefix, const std::string& after = {},
                                bool folders = false) const {
    Json params = {{"Bucket", layout.bucket()}, {"Prefix", prefix}};
    if (!after.empty()) params["StartAfter"] = after;
    if (folders) params["Delimiter"] = "/";
    std::vector<std::string> keys;
    client.paginate("s3", "ListObjectsV2", params, [&](const Json& page) {
      for (const Json& item : page.value(folders ? "CommonPrefixes" : "Contents", Json::array()))
        keys.push_back(item.value(folders ? "Prefix" : "Key", ""));
      return true;
    });
    return keys;
  }
};

namespace {

aws::Client client_in_bucket_region(const S3Layout& layout, const aws::SessionOptions& options) {
  auto session = std::make_shared<const aws::Session>(options);
  try {
    session->region();
  } catch (const InputError&) {  // the bucket says where it is
    session = session->with_region("us-east-1");
  }
  aws::Client client(session);
  Json location;
  try {
    location = client.call("s3", "GetBucketLocation", {{"Bucket", layout.bucket()}});
  } catch (const aws::AwsError& e) {
    if (e.code() == "NoSuchBucket")
      throw InputError("journal " + layout.url() + ": there is no bucket " + layout.bucket() +
                       " (create it, or name another journal)");
    if (e.code() == "AccessDenied")
      throw InputError("journal " + layout.url() + ": access to the bucket " + layout.bucket() +
                       " is denied (the journal needs s3:GetBucketLocation, s3:ListBucket, "
                       "s3:GetObject and s3:PutObject)");
    throw;
  }
  std::string region = location.value("LocationConstraint", Json()).is_string()
                           ? location["LocationConstraint"].get<std::string>()
                           : "";
  if (region == "EU") region = "eu-west-1";  // the oldest buckets' name for it
  return client.in_region(region.empty() ? "us-east-1" : region);
}

// The journal's marker: one of custos's of a version this custos reads.
void check_marker(const std::string& text, const S3Layout& layout) {
  std::string where = layout.url_of(layout.marker());
  Json marker = Json::parse(text, nullptr, false);
  if (!marker.is_object()) marker = Json::object();
  const Json& version = marker.value("version", Json());
  if (text_or_empty(marker, "format") != kJournalFormat || !version.is_number_integer())
    throw InputError(layout.url() + " is not a custos journal (" + where + " is not custos's)");
  if (version.get<std::int64_t>() > kJournalVersion)
    throw InputError(layout.url() + " was written by a newer custos (journal version " +
                     version.dump() + "; this custos reads up to version " +
                     std::to_string(kJournalVersion) + "): upgrade custos to read it");
}

}  // namespace

S3Journal::S3Journal(const std::string& url, const aws::SessionOptions& aws, bool create) {
  S3Layout layout(url);
  auto place = std::make_shared<Place>(Place{layout, client_in_bucket_region(layout, aws)});
  std::optional<std::string> marker = place->get(layout.marker());
  if (!marker) {
    std::optional<std::string> held = place->first_key(layout.prefix());
    // A marker another process created since it was read is no stranger's object.
    if (held) marker = place->get(layout.marker());
    if (!marker && held)
      throw InputError(layout.url() + " is not a custos journal: it holds other objects (" +
                       layout.url_of(*held) + "); name an empty prefix");
    if (!marker && !create) throw InputError("no incident journal at " + layout.url());
    std::string text = Json{{"format", kJournalFormat}, {"version", kJournalVersion}}.dump();
    if (!marker && !place->create(layout.marker(), text)) marker = place->get(layout.marker());
  }
  if (marker) check_marker(*marker, layout);
  place_ = std::move(place);
}

S3Journal::S3Journal(std::shared_ptr<const Place> place) : place_(std::move(place)) {}

S3Journal::~S3Journal() = default;

std::unique_ptr<S3Journal> S3Journal::another(const std::string& trace_id) const {
  if (trace_id.empty()) return std::unique_ptr<S3Journal>(new S3Journal(place_));
  auto traced =
      std::make_shared<const Place>(Place{place_->layout, place_->client.traced(trace_id)});
  return std::unique_ptr<S3Journal>(new S3Journal(std::move(traced)));
}

const std::string& S3Journal::location() const { return place_->layout.url(); }

const std::vector<Link>& S3Journal::refresh(const std::string& incident) const {
  std::vector<Link>& links = read_[incident];
  const S3Layout& layout = place_->layout;
  std::string after = links.empty() ? "" : layout.record(incident, links.back().n);
  for (const std::string& key : place_->list(layout.records(incident), after)) {
    auto text = place_->get(key);
    if (text) links.push_back(parse_record(*text, layout.url_of(key)));
  }
  return links;
}

bool S3Journal::try_append(const std::string& kind, const Json& entry, const Json& body) {
  // After the records the caller read, not any read since: a claim decided on them holds.
  const std::vector<Link>& links = read_[incident_];
  Link link = links.empty()
                  ? next_link(incident_, 1, genesis_hash(incident_), kind, entry, body)
                  : next_link(incident_, links.back().n + 1, links.back().hash, kind, entry, body);
  const S3Layout& layout = place_->layout;
  bool created = place_->create(layout.record(incident_, link.n), record_text(incident_, link));
  if (created) {
    read_[incident_].push_back(link);
  } else {
    // Lost, unless it was this request itself, retried after its answer was lost.
    const std::vector<Link>& now = refresh(incident_);
    created = std::any_of(now.begin(), now.end(),
                          [&](const Link& l) { return l.n == link.n && l.hash == link.hash; });
  }
  if (created) place_->put(layout.head(incident_), Json{{"n", link.n}, {"hash", link.hash}}.dump());
  return created;
}

void S3Journal::append(const std::string& kind, const Json& entry, const Json& body) {
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    refresh(incident_);
    if (try_append(kind, entry, body)) return;
  }
  throw Error("journal " + location() + ": incident " + incident_ + " kept growing under " +
              std::to_string(kMaxAttempts) + " attempts to append to it");
}

std::string S3Journal::open(const Trigger& trigger, const Json& run) {
  const S3Layout& layout = place_->layout;
  std::string index = layout.trigger(trigger.key);
  std::optional<std::string> text = place_->get(index);
  if (!text) {
    std::string id = incident::incident_id(trigger.key, now_iso());
    std::string created = Json{{"key", trigger.key}, {"incident", id}}.dump();
    text = place_->create(index, created) ? created : place_->get(index);
  }
  Json found = Json::parse(text.value_or(""), nullptr, false);
  if (!found.is_object() || !found.value("incident", Json()).is_string())
    throw InputError(layout.url_of(index) + " is not a custos journal's index of incidents");
  incident_ = found["incident"].get<std::string>();
  layout.records(incident_);  // checks the id
  // Whoever writes record 1 opened the incident; the others joined it.
  if (refresh(incident_).empty() && try_append("opened", nullptr, opened_body(trigger, run)))
    return incident_;
  append("delivered", nullptr, delivered_body(trigger));
  return incident_;
}

policy::Journal::Claim S3Journal::claim_entry(const Json& entry) {
  std::string key = entry_key(entry);
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    const std::vector<Link>& links = refresh(incident_);
    std::optional<Record> last;
    for (auto it = links.rbegin(); it != links.rend() && !last; ++it)
      if (it->kind == "started" || it->kind == "completed")
        if (Record record = record_of(*it); entry_key(record.entry) == key) last = record;
    ClaimDecision decision = decide_claim(last ? &*last : nullptr);
    if (decision.claim != Claim::kAct) return decision.claim;
    if (try_append("started", entry, decision.started)) return Claim::kAct;
  }
  throw Error("journal " + location() + ": could not claim an action in incident " + incident_);
}

// From the listing and the first and last records: an incident's other records are not read.
std::optional<IncidentInfo> S3Journal::info(const std::string& id) const {
  const S3Layout& layout = place_->layout;
  if (!is_incident_id(id)) return std::nullopt;
  std::vector<std::string> keys = place_->list(layout.records(id));
  if (keys.empty()) return std::nullopt;
  auto read = [&](const std::string& key) {
    return record_of(parse_record(place_->get(key).value_or(""), layout.url_of(key)));
  };
  Record first = read(keys.front());
  bool opened = first.kind == "opened";
  return IncidentInfo{id,
                      opened ? first.body.value("key", "") : "",
                      first.time,
                      opened ? first.body.value("summary", Json::object()) : Json::object(),
                      static_cast<std::int64_t>(keys.size()),
                      keys.size() == 1 ? first.hash : read(keys.back()).hash};
}

IncidentInfo S3Journal::incident(const std::string& id) const {
  std::optional<IncidentInfo> found = info(id);
  if (!found)
    throw InputError("no incident " + id + " in the journal " + location() +
                     " (custos incident list shows those there are)");
  return *found;
}

std::vector<IncidentInfo> S3Journal::incidents() const {
  const S3Layout& layout = place_->layout;
  std::vector<IncidentInfo> all;
  for (const std::string& folder : place_->list(layout.incidents(), {}, true)) {
    std::string id = folder.substr(layout.incidents().size());
    if (!id.empty() && id.back() == '/') id.pop_back();
    if (auto found = info(id)) all.push_back(*found);
  }
  std::sort(all.begin(), all.end(),
            [](const auto& a, const auto& b) { return a.opened_at > b.opened_at; });
  return all;
}

std::vector<Record> S3Journal::records(const std::string& id) const {
  std::vector<Record> all;
  for (const Link& link : is_incident_id(id) ? refresh(id) : std::vector<Link>{})
    all.push_back(record_of(link));
  if (all.empty()) incident(id);  // throws: there is no such incident
  return all;
}

// Read afresh, an object at a time: an object that is not a record is reported as tampering,
// not refused, and the head object tells whether records at the end were deleted.
Verification S3Journal::verify(const std::string& id) const {
  const S3Layout& layout = place_->layout;
  std::vector<std::string> keys =
      is_incident_id(id) ? place_->list(layout.records(id)) : std::vector<std::string>{};
  if (keys.empty()) incident(id);  // throws: there is no such incident
  Verification unreadable;
  std::vector<Link> links;
  for (const std::string& key : keys) {
    try {
      links.push_back(parse_record(place_->get(key).value_or(""), layout.url_of(key)));
    } catch (const NewerVersion&) {
      throw;
    } catch (const InputError& e) {
      unreadable.problems.push_back(e.what());
    }
  }
  std::optional<Anchor> anchor;
  Json head = Json::parse(place_->get(layout.head(id)).value_or(""), nullptr, false);
  if (head.is_object() && head.value("n", Json()).is_number_integer())
    anchor = Anchor{head["n"].get<std::int64_t>(), text_or_empty(head, "hash"), false};
  else
    unreadable.problems.push_back(layout.url_of(layout.head(id)) +
                                  " is missing or unreadable: records at the end may have been "
                                  "deleted");
  Verification result = verify_chain(id, links, anchor);
  result.problems.insert(result.problems.begin(), unreadable.problems.begin(),
                         unreadable.problems.end());
  result.intact = result.problems.empty();
  return result;
}

}  // namespace custos::incident
