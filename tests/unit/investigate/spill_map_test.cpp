// SpillMap and the CloudTrail summary past its memory bound: the answer is the one an unbounded
// map gives, however entries were spilled, absorbed and compacted.
#include "investigate/spill_map.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>

#include "core/error.h"
#include "investigate/trail_summary.h"

namespace custos::investigate {
namespace {

struct Sum {
  std::uint64_t n = 0;
  void merge(const Sum& other) { n += other.n; }
  void save(std::string& out) const { out.append(std::to_string(n)); }
  void load(std::string_view bytes) { n = std::stoull(std::string(bytes)); }
};

using Expected = std::map<std::string, std::uint64_t>;

// Adds key i (of `distinct` keys, in a scrambled order) i % 7 + 1 times.
void fill(SpillMap<Sum>& map, Expected& expected, int distinct, const std::string& prefix) {
  for (int round = 0; round < 7; ++round)
    for (int k = 0; k < distinct; ++k) {
      int i = (k * 7919) % distinct;
      if (round > i % 7) continue;
      std::string key = prefix + std::to_string(i);
      ++map[key].n;
      ++expected[key];
    }
}

Expected drained(SpillMap<Sum>& map) {
  Expected got;
  std::string last;
  map.drain([&](std::string_view key, const Sum& sum) {
    EXPECT_TRUE(got.empty() || last < key) << "out of order or repeated: " << key;
    last = key;
    got[std::string(key)] = sum.n;
  });
  return got;
}

TEST(SpillMap, KeepsAtMostItsBoundInMemoryAndDrainsEveryKeyOnceInOrder) {
  SpillMap<Sum> map(16);
  Expected expected;
  fill(map, expected, 5000, "k");
  EXPECT_LE(map.keys_in_memory(), 16u);
  EXPECT_EQ(drained(map), expected);
  EXPECT_EQ(map.keys_in_memory(), 0u);
  EXPECT_TRUE(drained(map).empty());  // drained means empty
}

TEST(SpillMap, AbsorbsAnotherMapsMemoryAndRunsIntoOneAnswer) {
  SpillMap<Sum> one(8), two(8);
  Expected expected;
  fill(one, expected, 3000, "a");
  fill(two, expected, 3000, "a");  // the same keys, counted twice
  fill(two, expected, 500, "b");
  one.absorb(std::move(two));
  EXPECT_LE(one.keys_in_memory(), 8u);
  EXPECT_EQ(drained(one), expected);
}

TEST(SpillMap, SaysWhereItCouldNotSpillAndWhatToDo) {
  const char* before = std::getenv("TMPDIR");
  std::string saved = before ? before : "";
  ::setenv("TMPDIR", "/nonexistent/custos-spill", 1);
  SpillMap<Sum> map(2);
  try {
    map["a"].n = 1;
    map["b"].n = 1;
    map["c"].n = 1;  // the third key spills
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("/nonexistent/custos-spill"), std::string::npos) << message;
    EXPECT_NE(message.find("set TMPDIR"), std::string::npos) << message;
  }
  before ? ::setenv("TMPDIR", saved.c_str(), 1) : ::unsetenv("TMPDIR");
}

// Records with more distinct source addresses and access keys than a SpillMap holds in memory,
// and a burst of denials, summarised in one summary and in two merged.
class ManyKeys : public ::testing::Test {
 protected:
  static constexpr int kRecords = 3 * SpillMap<summary::Seen>::kDefaultMaxKeys;
  static constexpr Millis kStart = 1714521600000;  // 2024-05-01T00:00:00Z

  void add(TrailSummary& summary, int i) {
    std::string ip = "10." + std::to_string(i / 65536) + "." + std::to_string(i / 256 % 256) + "." +
                     std::to_string(i % 256);
    std::string key = "AKIA" + std::to_string(1000000 + i);
    bool busy = i % 100 == 0;  // one address seen in every hundredth record too
    std::string source = busy ? "203.0.113.9" : ip;  // the record's views need it to live
    TrailRecord r;
    r.event_source = "iam.amazonaws.com";
    r.event_name = i < 6 ? "DeleteUser" : "GetUser";
    r.arn = i < 6 ? "arn:aws:iam::111122223333:user/mallory" : "arn:aws:iam::111122223333:user/bob";
    r.source_ip = source;
    r.access_key_id = key;
    r.aws_region = i == kRecords - 1 ? "ap-south-2" : "us-east-1";
    r.error_code = i < 6 ? "AccessDenied" : "";
    r.time = kStart + Millis{i} * 1000;
    summary.add(r);
  }
};

TEST_F(ManyKeys, SpilledSummaryIsExactAndTheSameMergedFromParts) {
  TrailSummary whole, first_half, second_half;
  for (int i = 0; i < kRecords; ++i) add(whole, i);
  for (int i = kRecords - 1; i >= 0; --i) add(i % 2 ? first_half : second_half, i);
  Json answer = whole.take_json();
  first_half.merge(std::move(second_half));
  EXPECT_EQ(first_half.take_json(), answer);

  EXPECT_EQ(answer["records"], kRecords);
  const int busy = (kRecords + 99) / 100;
  EXPECT_EQ(answer["source_ips"][0]["source_ip"], "203.0.113.9");
  EXPECT_EQ(answer["source_ips"][0]["count"], busy);
  EXPECT_EQ(answer["source_ips"].size(), TrailSummary::kListed);
  EXPECT_EQ(answer["truncated"]["source_ips"], kRecords - busy + 1);
  EXPECT_EQ(answer["truncated"]["access_keys"], kRecords);
  EXPECT_EQ(answer["access_keys"].size(), TrailSummary::kListed);
  EXPECT_EQ(answer["access_keys"][0]["access_key"], "AKIA1000000");
  EXPECT_EQ(answer["access_keys"][999]["access_key"], "AKIA1000999");
  EXPECT_EQ(answer["access_keys"][999]["first_used"], "2024-05-01T00:16:39Z");
  ASSERT_EQ(answer["access_denied_bursts"].size(), 1u);
  EXPECT_EQ(answer["access_denied_bursts"][0]["count"], 6);
  EXPECT_EQ(answer["access_denied_bursts"][0]["end"], "2024-05-01T00:00:05Z");
  ASSERT_EQ(answer["new_regions"].size(), 1u);
  EXPECT_EQ(answer["new_regions"][0]["region"], "ap-south-2");
}

}  // namespace
}  // namespace custos::investigate
