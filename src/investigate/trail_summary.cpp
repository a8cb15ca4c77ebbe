#include "investigate/trail_summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

namespace custos::investigate {
namespace {

std::string when(Millis time) { return iso_time(time); }

void save_seen(std::string& out, const summary::Seen& seen) {
  save_raw(out, seen.count);
  save_raw(out, seen.first);
  save_raw(out, seen.last);
  save_raw(out, seen.timed);
}

summary::Seen load_seen(SavedBytes& saved) {
  summary::Seen seen;
  seen.count = saved.raw<std::uint64_t>();
  seen.first = saved.raw<Millis>();
  seen.last = saved.raw<Millis>();
  seen.timed = saved.raw<bool>();
  return seen;
}

using Keyed = std::pair<std::string, summary::Seen>;

// Most counted first, then by key.
auto most_counted() {
  return least<Keyed>(TrailSummary::kListed, [](const Keyed& a, const Keyed& b) {
    return a.second.count != b.second.count ? a.second.count > b.second.count : a.first < b.first;
  });
}

template <typename Ranking>
Json ranked_list(Ranking& ranking, const char* name) {
  Json list = Json::array();
  for (const auto& [key, seen] : ranking.take()) {
    Json item = {{name, key}, {"count", seen.count}};
    if (seen.timed) {
      item["first_seen"] = when(seen.first);
      item["last_seen"] = when(seen.last);
    }
    list.push_back(std::move(item));
  }
  return list;
}

Json ranked(SpillMap<summary::Seen>& counts, const char* name, std::size_t& total) {
  auto ranking = most_counted();
  counts.drain([&](std::string_view key, const summary::Seen& seen) {
    ranking.offer({std::string(key), seen});
  });
  total = ranking.offered();
  return ranked_list(ranking, name);
}

// A denial's key in denied_: sorted by principal, then time (big-endian, sign bit flipped).
constexpr std::size_t kTimeBytes = sizeof(std::uint64_t);
void denial_key(std::string& key, std::string_view principal, Millis time) {
  auto bits = static_cast<std::uint64_t>(time) ^ (std::uint64_t{1} << 63);
  key.assign(principal).push_back('\0');
  for (int shift = 56; shift >= 0; shift -= 8) key.push_back(static_cast<char>(bits >> shift));
}
Millis denial_time(std::string_view key) {
  std::uint64_t bits = 0;
  for (unsigned char byte : key.substr(key.size() - kTimeBytes)) bits = bits << 8 | byte;
  return static_cast<Millis>(bits ^ (std::uint64_t{1} << 63));
}

}  // namespace

bool is_denial(std::string_view code) {
  return code.find("AccessDenied") != std::string_view::npos ||
         code.find("Unauthorized") != std::string_view::npos || code == "Forbidden";
}

TrailSummary::TrailSummary(std::size_t keys_in_memory)
    : principals_(keys_in_memory),
      events_(keys_in_memory),
      ips_(keys_in_memory),
      agents_(keys_in_memory),
      errors_(keys_in_memory),
      keys_(keys_in_memory),
      regions_(keys_in_memory),
      denied_(keys_in_memory) {}

void summary::Seen::add(std::optional<Millis> time) {
  ++count;
  if (!time) return;
  if (!timed || *time < first) first = *time;
  if (!timed || *time > last) last = *time;
  timed = true;
}

void summary::Seen::merge(const Seen& later) {
  count += later.count;
  if (!later.timed) return;
  if (!timed || later.first < first) first = later.first;
  if (!timed || later.last > last) last = later.last;
  timed = true;
}

void summary::Seen::save(std::string& out) const { save_seen(out, *this); }

void summary::Seen::load(std::string_view bytes) {
  SavedBytes saved{bytes};
  *this = load_seen(saved);
}

// Of two uses of a key, the one that counts as first: the earlier, and of simultaneous ones
// (CloudTrail's times are to the second) the least by content, so that the answer does not
// depend on the order records were added or summaries merged in.
bool summary::Use::before(const Use& other) const {
  return std::tie(time, principal, event, source_ip, region) <
         std::tie(other.time, other.principal, other.event, other.source_ip, other.region);
}

void summary::Use::merge(const Use& other) {
  seen.merge(other.seen);
  if (!other.has_first || (has_first && !other.before(*this))) return;
  has_first = true;
  time = other.time;
  principal = other.principal;
  event = other.event;
  source_ip = other.source_ip;
  region = other.region;
}

void summary::Use::save(std::string& out) const {
  save_seen(out, seen);
  save_raw(out, has_first);
  save_raw(out, time);
  for (const std::string* text : {&principal, &event, &source_ip, &region}) save_text(out, *text);
}

void summary::Use::load(std::string_view bytes) {
  SavedBytes saved{bytes};
  seen = load_seen(saved);
  has_first = saved.raw<bool>();
  time = saved.raw<Millis>();
  for (std::string* text : {&principal, &event, &source_ip, &region}) *text = saved.text();
}

void summary::Count::save(std::string& out) const { save_raw(out, n); }
void summary::Count::load(std::string_view bytes) { n = SavedBytes{bytes}.raw<std::uint64_t>(); }

namespace {

// Counts `r` as a use of a key, the first use when it is (summary::Use::before).
void note_use(summary::Use& use, const TrailRecord& r, std::string_view label) {
  use.seen.add(r.time);
  if (!r.time || (use.has_first && use.time < *r.time)) return;
  auto mine = std::make_tuple(*r.time, r.principal(), label, r.source_ip, r.aws_region);
  if (use.has_first &&
      !(mine < std::make_tuple(use.time, std::string_view(use.principal),
                               std::string_view(use.event), std::string_view(use.source_ip),
                               std::string_view(use.region))))
    return;
  use.has_first = true;
  use.time = *r.time;
  use.principal.assign(r.principal());
  use.event.assign(label);
  use.source_ip.assign(r.source_ip);
  use.region.assign(r.aws_region);
}

}  // namespace

void TrailSummary::add(const TrailRecord& r) {
  ++records_;
  all_.add(r.time);
  principals_[r.principal()].add(r.time);
  label_.assign(r.service()).append(":").append(r.event_name);
  events_[label_].add(r.time);
  if (!r.source_ip.empty()) ips_[r.source_ip].add(r.time);
  if (!r.aws_region.empty()) note_use(regions_[r.aws_region], r, label_);
  if (!r.user_agent.empty()) agents_[r.user_agent].add(r.time);
  if (!r.error_code.empty()) errors_[r.error_code].add(r.time);
  if (!r.access_key_id.empty()) note_use(keys_[r.access_key_id], r, label_);
  if (r.time && is_denial(r.error_code)) {
    denial_key(denial_key_, r.principal(), *r.time);
    ++denied_[denial_key_].n;
  }
}

void TrailSummary::merge(TrailSummary&& other) {
  records_ += other.records_;
  all_.merge(other.all_);
  principals_.absorb(std::move(other.principals_));
  events_.absorb(std::move(other.events_));
  ips_.absorb(std::move(other.ips_));
  agents_.absorb(std::move(other.agents_));
  errors_.absorb(std::move(other.errors_));
  keys_.absorb(std::move(other.keys_));
  regions_.absorb(std::move(other.regions_));
  denied_.absorb(std::move(other.denied_));
}

// Runs of one principal's denials, each within kBurstGap of the last, of kBurstCount or more.
Json TrailSummary::bursts() {
  struct Burst {
    std::string principal;
    Millis start = 0, end = 0;
    std::uint64_t count = 0;
  };
  auto earliest = least<Burst>(kListed, [](const Burst& a, const Burst& b) {
    return std::tie(a.start, a.principal) < std::tie(b.start, b.principal);
  });
  Burst run;
  auto close = [&] {
    if (run.count >= static_cast<std::uint64_t>(kBurstCount)) earliest.offer(std::move(run));
    run = Burst{};
  };
  denied_.drain([&](std::string_view key, const summary::Count& denials) {
    std::string_view principal = key.substr(0, key.size() - kTimeBytes - 1);
    Millis time = denial_time(key);
    if (run.count > 0 && (principal != run.principal || time - run.end > kBurstGap)) close();
    if (run.count == 0) {
      run.principal.assign(principal);
      run.start = time;
    }
    run.end = time;
    run.count += denials.n;
  });
  close();
  Json list = Json::array();
  for (const Burst& burst : earliest.take())
    list.push_back({{"principal", burst.principal},
                    {"start", when(burst.start)},
                    {"end", when(burst.end)},
                    {"count", burst.count}});
  return list;
}

// The access keys by first use, and the regions: ranked, and those first seen late.
void TrailSummary::first_uses(Json& summary, Json& cut) {
  using Used = std::pair<std::string, summary::Use>;
  auto by_time = [](const Used& a, const Used& b) {
    return std::tie(a.second.time, a.first) < std::tie(b.second.time, b.first);
  };
  auto first_keys = least<Used>(kListed, by_time);
  keys_.drain([&](std::string_view key, const summary::Use& use) {
    if (use.has_first) first_keys.offer({std::string(key), use});
  });
  Json keys = Json::array();
  for (const auto& [key, use] : first_keys.take())
    keys.push_back({{"access_key", key},
                    {"first_used", when(use.time)},
                    {"principal", use.principal},
                    {"event", use.event},
                    {"source_ip", use.source_ip},
                    {"region", use.region},
                    {"count", use.seen.count}});
  summary["access_keys"] = std::move(keys);
  auto ranking = most_counted();
  auto late = least<Used>(kListed, by_time);
  regions_.drain([&](std::string_view region, const summary::Use& use) {
    ranking.offer({std::string(region), use.seen});
    if (all_.timed && use.has_first && use.time > all_.first + kNewRegionAfter)
      late.offer({std::string(region), use});
  });
  summary["regions"] = ranked_list(ranking, "region");
  Json regions = Json::array();
  for (const auto& [region, use] : late.take())
    regions.push_back({{"region", region},
                       {"first_seen", when(use.time)},
                       {"principal", use.principal},
                       {"event", use.event}});
  summary["new_regions"] = std::move(regions);
  if (first_keys.offered() > kListed) cut["access_keys"] = first_keys.offered();
  if (ranking.offered() > kListed) cut["regions"] = ranking.offered();
}

Json TrailSummary::take_json() {
  Json summary = {{"records", records_}};
  summary["first_seen"] = all_.timed ? Json(when(all_.first)) : Json();
  summary["last_seen"] = all_.timed ? Json(when(all_.last)) : Json();
  Json cut = Json::object();
  for (auto [list, name, counts] : {std::tuple{"principals", "principal", &principals_},
                                    {"events", "event", &events_},
                                    {"source_ips", "source_ip", &ips_},
                                    {"user_agents", "user_agent", &agents_},
                                    {"errors", "error", &errors_}}) {
    std::size_t total = 0;
    summary[list] = ranked(*counts, name, total);
    if (total > kListed) cut[list] = total;
  }
  first_uses(summary, cut);
  summary["access_denied_bursts"] = bursts();
  if (!cut.empty()) summary["truncated"] = cut;  // how many each cut list holds in all
  return summary;
}

std::string trail_summary_text(const Json& s, std::size_t top) {
  std::string out = fmt::format("{} records", s["records"].get<std::uint64_t>());
  if (!s["first_seen"].is_null())
    out += fmt::format(", {} .. {}", s["first_seen"].get<std::string>(),
                       s["last_seen"].get<std::string>());
  out += "\n";
  auto total_of = [&](const char* list) {
    std::size_t listed = s[list].size();
    return s.contains("truncated") ? s["truncated"].value(list, listed) : listed;
  };
  auto section = [&](const char* title, const char* list, const char* name) {
    const Json& items = s[list];
    if (items.empty()) return;
    std::size_t total = total_of(list);
    out += fmt::format("\n{} ({})\n", title, total);
    std::size_t shown = 0;
    for (const Json& item : items) {
      if (shown++ == top) {
        out += fmt::format("  ... {} more (--format json lists the first {})\n", total - top,
                           TrailSummary::kListed);
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
    out += fmt::format("\nAccess keys, by first use ({})\n", total_of("access_keys"));
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
