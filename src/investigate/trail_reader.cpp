#include "investigate/trail_reader.h"

#include <simdjson.h>

#include <algorithm>
#include <cstring>

#include "core/json.h"

namespace custos::investigate {
namespace {

namespace od = simdjson::ondemand;

// The value of a result, or simdjson's error thrown (the iteration helpers return results).
template <typename T>
T take(simdjson::simdjson_result<T> result) {
  T value;
  if (auto error = std::move(result).get(value)) throw simdjson::simdjson_error(error);
  return value;
}

// Keys compared without regard to case: Athena writes CloudTrail's names in lower case. The
// exact spelling, CloudTrail's own, is tried first: a record has twenty-odd keys to look up.
inline bool key_is(std::string_view key, std::string_view name) {
  if (key.size() != name.size()) return false;
  if (std::memcmp(key.data(), name.data(), key.size()) == 0) return true;
  return std::equal(key.begin(), key.end(), name.begin(), [](char k, char n) {
    return (k >= 'A' && k <= 'Z' ? k + 32 : k) == (n >= 'A' && n <= 'Z' ? n + 32 : n);
  });
}

std::string_view key_of(od::field& field) {
  const char* start = field.key().raw();
  const char* end = static_cast<const char*>(std::memchr(start, '"', 4096));
  return end ? std::string_view(start, end - start) : std::string_view();
}

std::string_view string_of(od::value& value) {
  std::string_view text;
  return value.get_string().get(text) == simdjson::SUCCESS ? text : std::string_view();
}

std::optional<bool> bool_of(od::value& value) {
  bool flag = false;
  if (value.get_bool().get(flag) == simdjson::SUCCESS) return flag;
  std::string_view text = string_of(value);  // Athena: "true"
  if (text == "true") return true;
  if (text == "false") return false;
  return std::nullopt;
}

using Member = std::string_view TrailRecord::*;
struct Named {
  std::string_view name;
  Member member;
};
constexpr Named kRecordFields[] = {
    {"eventTime", &TrailRecord::event_time},
    {"eventSource", &TrailRecord::event_source},
    {"eventName", &TrailRecord::event_name},
    {"awsRegion", &TrailRecord::aws_region},
    {"sourceIPAddress", &TrailRecord::source_ip},
    {"userAgent", &TrailRecord::user_agent},
    {"errorCode", &TrailRecord::error_code},
    {"errorMessage", &TrailRecord::error_message},
    {"eventID", &TrailRecord::event_id},
    {"eventType", &TrailRecord::event_type},
    {"recipientAccountId", &TrailRecord::recipient_account},
};
constexpr Named kIdentityFields[] = {
    {"type", &TrailRecord::identity_type},       {"arn", &TrailRecord::arn},
    {"userName", &TrailRecord::user_name},       {"accessKeyId", &TrailRecord::access_key_id},
    {"principalId", &TrailRecord::principal_id}, {"accountId", &TrailRecord::identity_account},
    {"invokedBy", &TrailRecord::invoked_by},
};

template <std::size_t N>
const Named* find_named(const Named (&table)[N], std::string_view key) {
  for (const Named& named : table)
    if (key_is(key, named.name)) return &named;
  return nullptr;
}

void read_issuer(od::value& value, TrailRecord& r) {
  od::object issuer;
  if (value.get_object().get(issuer) != simdjson::SUCCESS) return;
  for (auto item : issuer) {
    od::field field = take(item);
    std::string_view key = key_of(field);
    if (key_is(key, "userName"))
      r.issuer_user_name = string_of(field.value());
    else if (key_is(key, "arn"))
      r.issuer_arn = string_of(field.value());
  }
}

void read_identity(od::value& value, TrailRecord& r) {
  od::object identity;
  if (value.get_object().get(identity) != simdjson::SUCCESS) return;
  for (auto item : identity) {
    od::field field = take(item);
    std::string_view key = key_of(field);
    if (const Named* named = find_named(kIdentityFields, key)) {
      r.*(named->member) = string_of(field.value());
    } else if (key_is(key, "sessionContext")) {
      od::object context;
      if (field.value().get_object().get(context) != simdjson::SUCCESS) continue;
      for (auto part : context) {
        od::field inner = take(part);
        if (key_is(key_of(inner), "sessionIssuer")) read_issuer(inner.value(), r);
      }
    }
  }
}

void read_fields(od::object& object, TrailRecord& r) {
  for (auto item : object) {
    od::field field = take(item);
    std::string_view key = key_of(field);
    if (const Named* named = find_named(kRecordFields, key))
      r.*(named->member) = string_of(field.value());
    else if (key_is(key, "userIdentity"))
      read_identity(field.value(), r);
    else if (key_is(key, "readOnly"))
      r.read_only = bool_of(field.value());
  }
}

bool is_blank(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// Whether the document at `source` is a {"Records": [...]} file (CloudTrail writes that key
// first).
bool is_records_file(std::string_view source) {
  std::size_t i = 0;
  while (i < source.size() && is_blank(source[i])) ++i;
  if (i >= source.size() || source[i] != '{') return false;
  ++i;
  while (i < source.size() && is_blank(source[i])) ++i;
  return source.substr(i, 9) == "\"Records\"";
}

// Where nlohmann finds `text` (from `start`) invalid, for a message a person can act on.
struct ErrorFinder : nlohmann::json_sax<Json> {
  std::size_t position = 0;
  bool found = false;
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t at, const std::string&,
                   const nlohmann::detail::exception&) override {
    position = at;
    found = true;
    return false;
  }
};

std::size_t error_offset(std::string_view text, std::size_t start) {
  ErrorFinder finder;
  Json::sax_parse(text.begin() + static_cast<std::ptrdiff_t>(start), text.end(), &finder,
                  nlohmann::detail::input_format_t::json, false);
  return finder.found && finder.position > 0 ? start + finder.position - 1 : start;
}

}  // namespace

struct TrailReader::Impl {
  od::parser parser;
  std::string_view text;
  std::size_t position = 0;  // the start of what is being read, for errors
  const std::function<bool(std::string_view)>* wanted = nullptr;
  const std::function<void(const TrailRecord&)>* on_record = nullptr;

  [[noreturn]] void not_cloudtrail() const {
    throw InputProblem(position,
                       "not CloudTrail records: no Records list and no eventName/eventTime "
                       "(a digest or another kind of JSON?)",
                       true);
  }

  void record(od::value value, bool check) {
    od::object object;
    if (value.get_object().get(object) != simdjson::SUCCESS) {
      if (check) not_cloudtrail();
      throw InputProblem(position, "a Records element that is not a JSON object", true);
    }
    std::string_view raw = object.raw_json().value();
    position = static_cast<std::size_t>(raw.data() - text.data());
    bool deliver = (*wanted)(raw);
    if (!deliver && !check) return;
    object.reset().value();
    TrailRecord r;
    r.raw = raw;
    read_fields(object, r);
    if (r.event_name.empty() && r.event_time.empty() && r.event_source.empty()) not_cloudtrail();
    if (!deliver) return;
    r.time = parse_event_time(r.event_time);
    (*on_record)(r);
  }

  void records_file(od::document_reference& document) {
    od::object file = document.get_object().value();
    for (auto item : file) {
      od::field field = take(item);
      if (key_of(field) != "Records") continue;
      bool first = true;
      for (auto element : field.value().get_array()) {
        record(element.value(), first);
        first = false;
      }
    }
  }

  void read_document(od::document_reference& document, std::string_view source) {
    if (document.type().value() == od::json_type::array) {
      bool first = true;
      for (auto element : document.get_array()) {
        record(element.value(), first);
        first = false;
      }
    } else if (is_records_file(source)) {
      records_file(document);
    } else {
      od::value value = document.get_value().value();
      record(value, true);
    }
  }

  std::size_t read(const Buffer& buffer, bool last) {
    text = buffer.view();
    position = 0;
    std::size_t start = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;  // a byte order mark
    while (start < text.size() && is_blank(text[start])) ++start;
    if (start == text.size()) return 0;
    // One batch for the usual file (a whole CloudTrail file is one document); large JSON
    // lines files go a batch at a time.
    std::size_t batch = text.size() < (std::size_t{64} << 20)
                            ? std::max<std::size_t>(text.size(), 1 << 20)
                            : std::size_t{16} << 20;
    try {
      od::document_stream stream =
          parser.iterate_many(text.data() + start, text.size() - start, batch).value();
      for (auto it = stream.begin(); it != stream.end(); ++it) {
        position = start + it.current_index();
        od::document_reference document = (*it).value();
        // Only the document's start is looked at: it.source() would walk the whole document
        // to find its end, a sixth of a scan's time.
        read_document(document, text.substr(position));
      }
      if (stream.truncated_bytes() > 0 && !last) return stream.truncated_bytes();
      if (stream.truncated_bytes() > 0)
        throw InputProblem(text.size() - stream.truncated_bytes(),
                           "the last JSON document is incomplete (a truncated file?)", true);
    } catch (const simdjson::simdjson_error& e) {
      std::size_t at = error_offset(text, position);
      throw InputProblem(at, std::string("invalid JSON: ") + e.what(), true);
    }
    return 0;
  }
};

TrailReader::TrailReader() : impl_(std::make_unique<Impl>()) {}
TrailReader::~TrailReader() = default;

std::size_t TrailReader::read(const Buffer& text, bool last,
                              const std::function<bool(std::string_view)>& wanted,
                              const std::function<void(const TrailRecord&)>& on_record) {
  impl_->wanted = &wanted;
  impl_->on_record = &on_record;
  return impl_->read(text, last);
}

}  // namespace custos::investigate
