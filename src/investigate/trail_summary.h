// The first questions of a CloudTrail investigation, answered from the matching records: counts
// by principal, event, source address, region, user agent and error, first and last seen, the
// first use of each access key, bursts of AccessDenied and regions that appear late. Memory is
// bounded whatever the input: keys past a set number spill to temporary files (SpillMap).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/json.h"
#include "investigate/spill_map.h"
#include "investigate/trail_query.h"

namespace custos::investigate {

// What the summary counts per key (SpillMap's values).
namespace summary {
struct Seen {
  std::uint64_t count = 0;
  Millis first = 0, last = 0;
  bool timed = false;
  void add(std::optional<Millis> time);
  void merge(const Seen& later);
  void save(std::string& out) const;
  void load(std::string_view bytes);
};
// What a key (an access key, a region) was first used for, and how often it was used.
struct Use {
  Seen seen;
  bool has_first = false;  // only timed records say when
  Millis time = 0;
  std::string principal, event, source_ip, region;
  bool before(const Use& other) const;
  void merge(const Use& other);
  void save(std::string& out) const;
  void load(std::string_view bytes);
};
struct Count {
  std::uint64_t n = 0;
  void merge(const Count& other) { n += other.n; }
  void save(std::string& out) const;
  void load(std::string_view bytes);
};

}  // namespace summary

class TrailSummary {
 public:
  // A denial burst: this many AccessDenied-like errors, each within kBurstGap of the last.
  static constexpr int kBurstCount = 5;
  static constexpr Millis kBurstGap = 5 * 60'000;
  // A region is new when first seen this long after the first record.
  static constexpr Millis kNewRegionAfter = 3'600'000;
  // Ranked lists keep their first this many entries ("truncated" gives the full size of a list
  // that was cut): distinct source addresses grow with the input, and a responder reads the top.
  static constexpr std::size_t kListed = 1000;

  // Each list holds at most `keys_in_memory` keys in memory; the rest spill to files.
  explicit TrailSummary(std::size_t keys_in_memory = SpillMap<summary::Seen>::kDefaultMaxKeys);

  void add(const TrailRecord& record);
  // Takes in the summary of other records: the answer is the same in whatever order records
  // are added and summaries merged.
  void merge(TrailSummary&& other);

  // The answer; the summary is spent (what spilled is read back once).
  Json take_json();

 private:
  std::uint64_t records_ = 0;
  summary::Seen all_;
  SpillMap<summary::Seen> principals_, events_, ips_, agents_, errors_;
  SpillMap<summary::Use> keys_, regions_;
  SpillMap<summary::Count> denied_;  // principal, then the denial's time: one key a burst's member
  std::string label_;                // the record's "service:Event", a buffer kept between records
  std::string denial_key_;

  Json bursts();
  // access_keys, regions and new_regions, with their full sizes in `cut` when cut.
  void first_uses(Json& summary, Json& cut);
};

// For a terminal: each list's first `top` entries of take_json()'s answer.
std::string trail_summary_text(const Json& summary, std::size_t top = 10);

// Whether an errorCode is a denial (AccessDenied, Client.UnauthorizedOperation, ...).
bool is_denial(std::string_view error_code);

}  // namespace custos::investigate
