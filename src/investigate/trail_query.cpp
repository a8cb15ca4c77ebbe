#include "investigate/trail_query.h"

#include <fnmatch.h>
#include <string.h>

#include <algorithm>
#include <functional>

#include "aws/client.h"
#include "core/error.h"
#include "policy/describe.h"
#include "policy/source.h"
#include "policy/spec.h"
#include "policy/value_filter.h"
#include "policy/value_type.h"

namespace custos::investigate {
namespace {

namespace vt = policy::value_type;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool contains(std::string_view text, std::string_view needle) {
  return ::memmem(text.data(), text.size(), needle.data(), needle.size()) != nullptr;
}

// A needle as JSON may write it: as is, and with '/' escaped (CloudTrail's digests do that).
void add_needle(std::vector<std::string>& needles, const std::string& text) {
  needles.push_back(text);
  std::string escaped;
  for (char c : text) escaped += c == '/' ? std::string("\\/") : std::string(1, c);
  if (escaped != text) needles.push_back(escaped);
}

struct Address {
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
  std::vector<Address> addresses;
  std::vector<EventPattern> events;
  std::vector<std::string> services;
  // Each group: the record must contain one of its strings verbatim to match.
  std::vector<std::vector<std::string>> needle_groups;
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
      Address a{text, vt::parse_ip(text)};
      // Only an IPv4 address is written one way; networks and IPv6 are compared parsed.
      if (a.ip && (a.ip->version != 4 || a.ip->is_network())) literal_addresses = false;
      addresses.push_back(std::move(a));
    }
    if (literal_addresses) needle_groups.emplace_back(q.ips);
    for (const auto& e : q.events) {
      std::size_t colon = e.find(':');
      if (colon == std::string::npos)
        events.push_back({"", e});
      else
        events.push_back({e.substr(0, colon), e.substr(colon + 1)});
    }
    for (const auto& s : q.services) {
      std::string name = s;
      if (name.find('.') == std::string::npos) name += ".amazonaws.com";
      services.push_back(name);
    }
    for (const auto& text : q.where) compile_where(text);
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
    for (const Address& a : addresses) {
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
    bool found = std::any_of(group.begin(), group.end(),
                             [&](const std::string& n) { return contains(text, n); });
    // A JSON writer may escape any character as \uXXXX: then only parsing can tell.
    if (!found) return contains(text, "\\u");
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
