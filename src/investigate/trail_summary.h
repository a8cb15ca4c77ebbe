// The first questions of a CloudTrail investigation, answered from the matching records: counts
// by principal, event, source address, region, user agent and error, first and last seen, the
// first use of each access key, bursts of AccessDenied and regions that appear late.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <tsl/robin_map.h>

#include "core/json.h"
#include "investigate/trail_query.h"

namespace custos::investigate {

class TrailSummary {
 public:
  // A denial burst: this many AccessDenied-like errors, each within kBurstGap of the last.
  static constexpr int kBurstCount = 5;
  static constexpr Millis kBurstGap = 5 * 60'000;
  // A region is new when first seen this long after the first record.
  static constexpr Millis kNewRegionAfter = 3'600'000;
  // Ranked lists keep their first this many entries (the rest are counted in "truncated"):
  // distinct source addresses grow with the input, and a responder reads the top of each list.
  static constexpr std::size_t kListed = 1000;

  void add(const TrailRecord& record);
  // Takes in the summary of other records: the answer is the same in whatever order records
  // are added and summaries merged.
  void merge(TrailSummary&& other);

  std::uint64_t records() const { return records_; }
  Json to_json() const;
  // For a terminal: each list's first `top` entries.
  std::string to_text(std::size_t top = 10) const;

 private:
  struct Seen {
    std::uint64_t count = 0;
    Millis first = 0, last = 0;
    bool timed = false;
    void add(std::optional<Millis> time, std::uint64_t n = 1);
    void merge(const Seen& later);
  };
  struct FirstUse {
    Millis time = 0;
    std::string principal, event, source_ip, region;
    bool before(const FirstUse& other) const;
  };
  // Looked up by string_view: most records repeat a key already counted, and building a string
  // for each lookup was a third of the summary's time.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const {
      return std::hash<std::string_view>{}(key);
    }
  };
  // Open addressing (robin hood): the summary's lookups were a sixth of its time with
  // std::unordered_map's node per entry.
  template <typename T>
  using Map = tsl::robin_map<std::string, T, Hash, std::equal_to<>>;
  using Counts = Map<Seen>;

  std::uint64_t records_ = 0;
  Seen all_;
  Counts principals_, events_, ips_, regions_, agents_, errors_, keys_;
  Map<FirstUse> key_first_, region_first_;
  std::vector<std::pair<std::string, Millis>> denied_;  // principal, time
  std::string label_;                                   // the record's "service:Event"

  static Json ranked(const Counts& counts, const char* name);
  Json bursts() const;
  Json new_regions() const;
  Json access_keys() const;
};

// Whether an errorCode is a denial (AccessDenied, Client.UnauthorizedOperation, ...).
bool is_denial(std::string_view error_code);

}  // namespace custos::investigate
