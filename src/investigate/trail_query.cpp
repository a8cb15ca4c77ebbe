#include "investigate/trail_query.h"

#include <fnmatch.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <cctype>
#include <functional>
#include <memory>

#include "aws/client.h"
#include "core/ascii.h"
#include "core/error.h"
#include "policy/describe.h"
#include "policy/source.h"
#include "policy/spec.h"
#include "policy/value_filter.h"
#include "policy/value_type.h"

namespace custos::investigate {
namespace {

namespace vt = policy::value_type;

// A literal a record must hold to match, with or without regard to ASCII case. Sixteen
// positions are tried at once by their first and last bytes (SSE2, part of every x86-64), and
// only those whose both bytes match are compared whole: glibc's memmem is byte at a time and
// took half the CPU of a prefiltered scan.
class Needle {
 public:
  Needle(std::string_view text, bool ignore_case) : text_(text), fold_(ignore_case) {
    if (fold_)
      std::transform(text_.begin(), text_.end(), text_.begin(), [](char c) { return lower(c); });
    if (!text_.empty()) {
      first_or_ = fold_ && is_letter(text_.front()) ? 0x20 : 0;
      last_or_ = fold_ && is_letter(text_.back()) ? 0x20 : 0;
    }
  }

  bool in(std::string_view haystack) const {
    const std::size_t m = text_.size();
    if (m == 0) return true;
    std::size_t at = 0;
#if defined(__SSE2__)
    const __m128i first = _mm_set1_epi8(text_.front()), last = _mm_set1_epi8(text_.back());
    const __m128i first_or = _mm_set1_epi8(first_or_), last_or = _mm_set1_epi8(last_or_);
    for (; at + m - 1 + 16 <= haystack.size(); at += 16) {
      const char* block = haystack.data() + at;
      __m128i a = _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(block)), first_or);
      __m128i b =
          _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(block + m - 1)), last_or);
      auto candidates = static_cast<unsigned>(
          _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, first), _mm_cmpeq_epi8(b, last))));
      for (; candidates != 0; candidates &= candidates - 1)
        if (same(block + __builtin_ctz(candidates))) return true;
    }
#endif
    for (; at + m <= haystack.size(); ++at)
      if (same(haystack.data() + at)) return true;
    return false;
  }

 private:
  static bool is_letter(char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
  static char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }
  bool same(const char* start) const {
    for (std::size_t i = 0; i < text_.size(); ++i)
      if ((fold_ ? lower(start[i]) : start[i]) != text_[i]) return false;
    return true;
  }

  std::string text_;
  bool fold_;
  char first_or_ = 0, last_or_ = 0;
};

// Whether `text` holds a \uXXXX escape.
bool has_unicode_escape(std::string_view text) {
  for (std::size_t at = text.find('\\'); at != std::string_view::npos; at = text.find('\\', at + 2))
    if (at + 1 < text.size() && text[at + 1] == 'u') return true;
  return false;
}

// The longest run of letters and digits in `glob` outside its bracket expressions: text that
// every name the glob matches holds.
std::string glob_literal(std::string_view glob) {
  std::string best, run;
  auto end_run = [&] {
    if (run.size() > best.size()) best = run;
    run.clear();
  };
  for (std::size_t i = 0; i < glob.size(); ++i) {
    char c = glob[i];
    if (std::isalnum(static_cast<unsigned char>(c))) {
      run += c;
      continue;
    }
    end_run();
    if (c == '\\') {
      ++i;  // an escaped character is taken as a separator
    } else if (c == '[') {
      // fnmatch: "[!" or "[^" negates; a ']' first in the set is a member, not the end.
      std::size_t j = i + 1;
      if (j < glob.size() && (glob[j] == '!' || glob[j] == '^')) ++j;
      if (j < glob.size() && glob[j] == ']') ++j;
      std::size_t close = glob.find(']', j);
      if (close == std::string_view::npos) return best;  // a lone '[': stop here, to be safe
      i = close;
    }
  }
  end_run();
  return best;
}

// A needle as JSON may write it: as is, and with '/' escaped (CloudTrail's digests do that).
void add_needle(std::vector<Needle>& needles, const std::string& text) {
  needles.emplace_back(text, false);
  std::string escaped;
  for (char c : text) escaped += c == '/' ? std::string("\\/") : std::string(1, c);
  if (escaped != text) needles.emplace_back(escaped, false);
}

struct AddressPattern {
  std::string text;
  std::optional<vt::Ip> ip;
};

// An --event pattern: a glob on the API name, optionally after "service:" (iam:Create*).
struct EventPattern {
  std::string service;
  std::string glob;
};

bool glob_match(const std::string& glob, std::string_view text) {
  std::string name(text);
  return fnmatch(glob.c_str(), name.c_str(), FNM_CASEFOLD) == 0;
}

// Where --resource looks: what the request named, what the response returned, the resources
// CloudTrail lists, and the service's own additions.
constexpr const char* kResourcePlaces[] = {"requestParameters", "responseElements", "resources",
                                           "additionalEventData", "serviceEventDetails"};

bool names_resource(std::string_view text, const std::vector<std::string>& ids) {
  for (const std::string& id : ids) {
    if (text == id) return true;
    if (text.size() > id.size() && text.ends_with(id)) {
      char before = text[text.size() - id.size() - 1];
      if (before == '/' || before == ':') return true;
    }
  }
  return false;
}

bool any_string(const Json& value, const std::function<bool(std::string_view)>& test) {
  if (value.is_string()) return test(value.get_ref<const std::string&>());
  if (value.is_array() || value.is_object()) {
    for (const Json& item : value)
      if (any_string(item, test)) return true;
  }
  return false;
}

}  // namespace

std::string_view TrailRecord::principal() const {
  for (std::string_view candidate :
       {arn, invoked_by, principal_id, identity_account, identity_type})
    if (!candidate.empty()) return candidate;
  return "-";
}

std::string_view TrailRecord::session_name() const {
  std::size_t role = arn.find(":assumed-role/");
  if (role == std::string_view::npos) return {};
  std::size_t slash = arn.find('/', role + 14);
  return slash == std::string_view::npos ? std::string_view{} : arn.substr(slash + 1);
}

std::optional<bool> TrailRecord::reads() const {
  if (read_only) return read_only;
  if (event_name.empty()) return std::nullopt;
  return aws::Client::is_read_only(event_name);
}

std::string_view TrailRecord::service() const {
  return event_source.substr(0, event_source.find('.'));
}

std::string event_label(const TrailRecord& record) {
  return std::string(record.service()) + ":" + std::string(record.event_name);
}

struct TrailMatcher::Impl {
  TrailQuery query;
  std::vector<std::string> principals;
  std::vector<std::string> resource_ids;
  std::vector<AddressPattern> addresses;
  std::vector<EventPattern> events;
  std::vector<std::string> services;
  // Each group: the record must contain one of its strings verbatim to match.
  std::vector<std::vector<Needle>> needle_groups;
  std::vector<std::unique_ptr<policy::SourceDocument>> where_sources;
  std::vector<policy::ValueMatcher> where;

  explicit Impl(const TrailQuery& q) : query(q), principals(q.principals) {
    if (!principals.empty()) {
      auto& group = needle_groups.emplace_back();
      for (const auto& p : principals) add_needle(group, p);
    }
    if (!q.resources.empty()) {
      auto& group = needle_groups.emplace_back();
      for (const auto& r : q.resources) {
        resource_ids.push_back(r);
        std::string id = policy::id_from_arn(r);
        if (!id.empty() && id != r) resource_ids.push_back(id);
      }
      for (const auto& id : resource_ids) add_needle(group, id);
    }
    bool literal_addresses = !q.ips.empty();
    for (const auto& text : q.ips) {
      AddressPattern a{text, vt::parse_ip(text)};
      // Only an IPv4 address is written one way; networks and IPv6 are compared parsed.
      if (a.ip && (a.ip->version != 4 || a.ip->is_network())) literal_addresses = false;
      addresses.push_back(std::move(a));
    }
    if (literal_addresses) {
      auto& group = needle_groups.emplace_back();
      for (const auto& ip : q.ips) group.emplace_back(ip, false);
    }
    for (const auto& e : q.events) {
      std::size_t colon = e.find(':');
      if (colon == std::string::npos)
        events.push_back({"", e});
      else
        events.push_back({e.substr(0, colon), e.substr(colon + 1)});
    }
    add_event_needles();
    for (const auto& s : q.services) {
      std::string name = s;
      if (name.find('.') == std::string::npos) name += ".amazonaws.com";
      services.push_back(name);
    }
    for (const auto& text : q.where) compile_where(text);
  }

  // A record matches an --event only when it holds one pattern's literal (in any case); no
  // needle when a pattern has no literal of 3 characters or more.
  void add_event_needles() {
    std::vector<Needle> group;
    for (const EventPattern& e : events) {
      std::string literal = glob_literal(e.glob);
      if (literal.size() < 3) return;
      group.emplace_back(literal, true);
    }
    if (!group.empty()) needle_groups.push_back(std::move(group));
  }

  void compile_where(const std::string& text) {
    auto source =
        std::make_unique<policy::SourceDocument>(policy::SourceDocument::parse(text, "--where"));
    policy::Spec spec(*source, Json::json_pointer(), "--where");
    policy::ValueMatcher matcher(spec);
    if (matcher.counts_resources())
      throw InputError("--where '" + text +
                       "': value_type resource_count counts resources, not log records");
    where_sources.push_back(std::move(source));
    where.push_back(std::move(matcher));
  }

  bool principal_matches(const TrailRecord& r) const {
    std::string_view names[] = {r.arn,          r.user_name,      r.access_key_id,
                                r.principal_id, r.session_name(), r.issuer_user_name,
                                r.issuer_arn};
    return std::any_of(principals.begin(), principals.end(), [&](const std::string& p) {
      return std::any_of(std::begin(names), std::end(names),
                         [&](std::string_view n) { return !n.empty() && n == p; });
    });
  }

  bool address_matches(std::string_view source_ip) const {
    std::optional<vt::Ip> ip;
    bool parsed = false;
    for (const AddressPattern& a : addresses) {
      if (a.text == source_ip) return true;
      if (!a.ip) continue;
      if (!parsed) ip = vt::parse_ip(source_ip), parsed = true;
      if (!ip || ip->is_network()) continue;
      if (a.ip->is_network() ? vt::ip_in(*ip, *a.ip).value_or(false) : vt::ip_equal(*ip, *a.ip))
        return true;
    }
    return false;
  }

  bool event_matches(const TrailRecord& r) const {
    return std::any_of(events.begin(), events.end(), [&](const EventPattern& e) {
      return (e.service.empty() || iequals(e.service, r.service())) &&
             glob_match(e.glob, r.event_name);
    });
  }

  bool fields_match(const TrailRecord& r) const {
    const TrailQuery& q = query;
    if (q.since || q.until) {
      if (!r.time) return false;
      if (q.since && *r.time < *q.since) return false;
      if (q.until && *r.time >= *q.until) return false;
    }
    if (q.errors && r.error_code.empty()) return false;
    if (q.access != TrailQuery::Access::kAny &&
        r.reads() != (q.access == TrailQuery::Access::kReadOnly))
      return false;
    if (!principals.empty() && !principal_matches(r)) return false;
    if (!addresses.empty() && !address_matches(r.source_ip)) return false;
    if (!events.empty() && !event_matches(r)) return false;
    if (!services.empty() &&
        std::none_of(services.begin(), services.end(),
                     [&](const std::string& s) { return iequals(s, r.event_source); }))
      return false;
    std::string_view account =
        r.recipient_account.empty() ? r.identity_account : r.recipient_account;
    if (!q.accounts.empty() &&
        std::find(q.accounts.begin(), q.accounts.end(), account) == q.accounts.end())
      return false;
    if (!q.regions.empty() &&
        std::find(q.regions.begin(), q.regions.end(), r.aws_region) == q.regions.end())
      return false;
    return true;
  }

  bool document_matches(const Json& document) const {
    if (!resource_ids.empty()) {
      auto names = [&](std::string_view s) { return names_resource(s, resource_ids); };
      bool found = std::any_of(std::begin(kResourcePlaces), std::end(kResourcePlaces),
                               [&](const char* place) {
                                 auto member = document.find(place);
                                 return member != document.end() && any_string(*member, names);
                               });
      if (!found) return false;
    }
    return std::all_of(where.begin(), where.end(),
                       [&](const policy::ValueMatcher& m) { return m.matches(document); });
  }
};

TrailMatcher::TrailMatcher(const TrailQuery& query) : impl_(std::make_unique<Impl>(query)) {}
TrailMatcher::~TrailMatcher() = default;
TrailMatcher::TrailMatcher(TrailMatcher&&) noexcept = default;

bool TrailMatcher::may_match(std::string_view text) const {
  for (const auto& group : impl_->needle_groups) {
    bool found =
        std::any_of(group.begin(), group.end(), [&](const Needle& n) { return n.in(text); });
    // A JSON writer may escape any character as \uXXXX: then only parsing can tell.
    if (!found) return has_unicode_escape(text);
  }
  return true;
}

bool TrailMatcher::matches(const TrailRecord& record,
                           const std::function<const Json&()>& document) const {
  if (!impl_->fields_match(record)) return false;
  if (!needs_document()) return true;
  return impl_->document_matches(document());
}

bool TrailMatcher::needs_document() const {
  return !impl_->resource_ids.empty() || !impl_->where.empty();
}

}  // namespace custos::investigate
