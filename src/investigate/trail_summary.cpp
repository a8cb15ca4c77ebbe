#include "investigate/trail_summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>

namespace custos::investigate {
namespace {

std::string when(Millis time) { return iso_time(time); }

// map[key], making the key a string only when it is new.
template <typename Map>
typename Map::mapped_type& entry(Map& map, std::string_view key) {
  auto found = map.find(key);
  if (found != map.end()) return found.value();
  return map.emplace(std::string(key), typename Map::mapped_type{}).first.value();
}

}  // namespace

bool is_denial(std::string_view code) {
  return code.find("AccessDenied") != std::string_view::npos ||
         code.find("Unauthorized") != std::string_view::npos || code == "Forbidden";
}

void TrailSummary::Seen::add(std::optional<Millis> time, std::uint64_t n) {
  count += n;
  if (!time) return;
  if (!timed || *time < first) first = *time;
  if (!timed || *time > last) last = *time;
  timed = true;
}

void TrailSummary::Seen::merge(const Seen& later) {
  count += later.count;
  if (!later.timed) return;
  if (!timed || later.first < first) first = later.first;
  if (!timed || later.last > last) last = later.last;
  timed = true;
}

// Of two uses of a key, the one that counts as first: the earlier, and of simultaneous ones
// (CloudTrail's times are to the second) the least by content, so that the answer does not
// depend on the order records were added or summaries merged in.
bool TrailSummary::FirstUse::before(const FirstUse& other) const {
  return std::tie(time, principal, event, source_ip, region) <
         std::tie(other.time, other.principal, other.event, other.source_ip, other.region);
}

void TrailSummary::add(const TrailRecord& r) {
  ++records_;
  all_.add(r.time);
  entry(principals_, r.principal()).add(r.time);
  // The label is built in a buffer kept from record to record: a string each was a tenth of
  // the summary's time.
  label_.assign(r.service()).append(":").append(r.event_name);
  entry(events_, label_).add(r.time);
  if (!r.source_ip.empty()) entry(ips_, r.source_ip).add(r.time);
  if (!r.aws_region.empty()) entry(regions_, r.aws_region).add(r.time);
  if (!r.user_agent.empty()) entry(agents_, r.user_agent).add(r.time);
  if (!r.error_code.empty()) entry(errors_, r.error_code).add(r.time);
  if (!r.time) return;
  auto first_use = [&](Map<FirstUse>& map, std::string_view key) {
    auto found = map.find(key);
    if (found != map.end() && found->second.time < *r.time) return;
    FirstUse use{*r.time, std::string(r.principal()), label_, std::string(r.source_ip),
                 std::string(r.aws_region)};
    if (found == map.end())
      map.emplace(std::string(key), std::move(use));
    else if (use.before(found->second))
      found.value() = std::move(use);
  };
  if (!r.access_key_id.empty()) {
    entry(keys_, r.access_key_id).add(r.time);
    first_use(key_first_, r.access_key_id);
  }
  if (!r.aws_region.empty()) first_use(region_first_, r.aws_region);
  if (is_denial(r.error_code)) denied_.emplace_back(std::string(r.principal()), *r.time);
}

void TrailSummary::merge(TrailSummary&& other) {
  records_ += other.records_;
  all_.merge(other.all_);
  auto merge_counts = [](Counts& into, Counts& from) {
    for (auto& [key, seen] : from) into[key].merge(seen);
  };
  merge_counts(principals_, other.principals_);
  merge_counts(events_, other.events_);
  merge_counts(ips_, other.ips_);
  merge_counts(regions_, other.regions_);
  merge_counts(agents_, other.agents_);
  merge_counts(errors_, other.errors_);
  merge_counts(keys_, other.keys_);
  auto merge_first = [](Map<FirstUse>& into, Map<FirstUse>& from) {
    for (auto& [key, use] : from) {
      auto [it, added] = into.try_emplace(key, use);
      if (!added && use.before(it->second)) it.value() = std::move(use);
    }
  };
  merge_first(key_first_, other.key_first_);
  merge_first(region_first_, other.region_first_);
  denied_.insert(denied_.end(), std::make_move_iterator(other.denied_.begin()),
                 std::make_move_iterator(other.denied_.end()));
}

Json TrailSummary::ranked(const Counts& counts, const char* name) {
  std::vector<const Counts::value_type*> order;
  for (const auto& entry : counts) order.push_back(&entry);
  auto shown = order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), kListed));
  std::partial_sort(order.begin(), shown, order.end(), [](auto* a, auto* b) {
    return a->second.count != b->second.count ? a->second.count > b->second.count
                                              : a->first < b->first;
  });
  order.erase(shown, order.end());
  Json list = Json::array();
  for (const auto* entry : order) {
    Json item = {{name, entry->first}, {"count", entry->second.count}};
    if (entry->second.timed) {
      item["first_seen"] = when(entry->second.first);
      item["last_seen"] = when(entry->second.last);
    }
    list.push_back(std::move(item));
  }
  return list;
}

Json TrailSummary::bursts() const {
  std::map<std::string, std::vector<Millis>> by_principal;
  for (const auto& [principal, time] : denied_) by_principal[principal].push_back(time);
  Json list = Json::array();
  for (auto& [principal, times] : by_principal) {
    std::sort(times.begin(), times.end());
    std::size_t start = 0;
    for (std::size_t i = 1; i <= times.size(); ++i) {
      if (i < times.size() && times[i] - times[i - 1] <= kBurstGap) continue;
      if (i - start >= static_cast<std::size_t>(kBurstCount))
        list.push_back({{"principal", principal},
                        {"start", when(times[start])},
                        {"end", when(times[i - 1])},
                        {"count", i - start}});
      start = i;
    }
  }
  std::sort(list.begin(), list.end(), [](const Json& a, const Json& b) {
    return std::tie(a["start"], a["principal"]) < std::tie(b["start"], b["principal"]);
  });
  return list;
}

Json TrailSummary::new_regions() const {
  Json list = Json::array();
  if (!all_.timed) return list;
  std::vector<const Map<FirstUse>::value_type*> late;
  for (const auto& entry : region_first_)
    if (entry.second.time > all_.first + kNewRegionAfter) late.push_back(&entry);
  std::sort(late.begin(), late.end(), [](auto* a, auto* b) {
    return std::tie(a->second.time, a->first) < std::tie(b->second.time, b->first);
  });
  for (const auto* entry : late)
    list.push_back({{"region", entry->first},
                    {"first_seen", when(entry->second.time)},
                    {"principal", entry->second.principal},
                    {"event", entry->second.event}});
  return list;
}

Json TrailSummary::access_keys() const {
  std::vector<const Map<FirstUse>::value_type*> order;
  for (const auto& entry : key_first_) order.push_back(&entry);
  std::sort(order.begin(), order.end(), [](auto* a, auto* b) {
    return std::tie(a->second.time, a->first) < std::tie(b->second.time, b->first);
  });
  Json list = Json::array();
  for (const auto* entry : order) {
    const FirstUse& use = entry->second;
    list.push_back({{"access_key", entry->first},
                    {"first_used", when(use.time)},
                    {"principal", use.principal},
                    {"event", use.event},
                    {"source_ip", use.source_ip},
                    {"region", use.region},
                    {"count", keys_.at(entry->first).count}});
  }
  return list;
}

Json TrailSummary::to_json() const {
  Json summary = {{"records", records_}};
  summary["first_seen"] = all_.timed ? Json(when(all_.first)) : Json();
  summary["last_seen"] = all_.timed ? Json(when(all_.last)) : Json();
  summary["principals"] = ranked(principals_, "principal");
  summary["events"] = ranked(events_, "event");
  summary["source_ips"] = ranked(ips_, "source_ip");
  summary["regions"] = ranked(regions_, "region");
  summary["user_agents"] = ranked(agents_, "user_agent");
  summary["errors"] = ranked(errors_, "error");
  summary["access_keys"] = access_keys();
  summary["access_denied_bursts"] = bursts();
  summary["new_regions"] = new_regions();
  Json cut = Json::object();
  for (const auto& [list, counts] : {std::pair{"principals", &principals_},
                                     {"events", &events_},
                                     {"source_ips", &ips_},
                                     {"regions", &regions_},
                                     {"user_agents", &agents_},
                                     {"errors", &errors_}})
    if (counts->size() > kListed) cut[list] = counts->size();
  if (!cut.empty()) summary["truncated"] = cut;  // how many each cut list holds in all
  return summary;
}

std::string TrailSummary::to_text(std::size_t top) const {
  Json s = to_json();
  std::string out = fmt::format("{} records", records_);
  if (all_.timed) out += fmt::format(", {} .. {}", when(all_.first), when(all_.last));
  out += "\n";
  auto section = [&](const char* title, const char* list, const char* name) {
    const Json& items = s[list];
    if (items.empty()) return;
    std::size_t total =
        s.contains("truncated") ? s["truncated"].value(list, items.size()) : items.size();
    out += fmt::format("\n{} ({})\n", title, total);
    std::size_t shown = 0;
    for (const Json& item : items) {
      if (shown++ == top) {
        out +=
            fmt::format("  ... {} more (--format json lists the first {})\n", total - top, kListed);
        break;
      }
      out += fmt::format("  {:>8}  {}  {} .. {}\n", item["count"].get<std::uint64_t>(),
                         item[name].get<std::string>(), item.value("first_seen", "-"),
                         item.value("last_seen", "-"));
    }
  };
  section("Principals", "principals", "principal");
  section("Events", "events", "event");
  section("Source addresses", "source_ips", "source_ip");
  section("Regions", "regions", "region");
  section("User agents", "user_agents", "user_agent");
  section("Errors", "errors", "error");
  if (!s["access_keys"].empty()) {
    out += fmt::format("\nAccess keys, by first use ({})\n", s["access_keys"].size());
    for (const Json& k : s["access_keys"])
      out += fmt::format("  {}  first used {} by {} ({} from {} in {}), {} calls\n",
                         k["access_key"].get<std::string>(), k["first_used"].get<std::string>(),
                         k["principal"].get<std::string>(), k["event"].get<std::string>(),
                         k["source_ip"].get<std::string>(), k["region"].get<std::string>(),
                         k["count"].get<std::uint64_t>());
  }
  if (!s["access_denied_bursts"].empty()) {
    out += "\nBursts of AccessDenied\n";
    for (const Json& b : s["access_denied_bursts"])
      out += fmt::format("  {} .. {}  {} denied  {}\n", b["start"].get<std::string>(),
                         b["end"].get<std::string>(), b["count"].get<std::uint64_t>(),
                         b["principal"].get<std::string>());
  }
  if (!s["new_regions"].empty()) {
    out += "\nRegions first seen after the first hour\n";
    for (const Json& r : s["new_regions"])
      out += fmt::format("  {}  {}  by {} ({})\n", r["region"].get<std::string>(),
                         r["first_seen"].get<std::string>(), r["principal"].get<std::string>(),
                         r["event"].get<std::string>());
  }
  return out;
}

}  // namespace custos::investigate
