// A map from text keys to values that merge (counts, first and last seen) in bounded memory:
// past a set number of keys its entries go, sorted, to a temporary file, and draining it merges
// every file key by key, so a summary stays exact however many distinct keys the logs hold.
// Least keeps the top of a ranked list as the entries stream out.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <queue>
#include <string>
#include <string_view>
#include <vector>

#include <tsl/robin_map.h>

namespace custos::investigate {

// Keys of each summary list held in memory, over all workers: past them, entries spill to files.
constexpr std::size_t kSummaryKeysInMemory = std::size_t{1} << 16;
// One of `workers` summaries' share of kSummaryKeysInMemory.
constexpr std::size_t summary_keys_per_worker(std::size_t workers) {
  return std::max<std::size_t>(kSummaryKeysInMemory / workers, 4096);
}

// One sorted run of (key, value) entries in an unlinked file under $TMPDIR (else /tmp).
class SpillRun {
 public:
  SpillRun();
  ~SpillRun();
  SpillRun(const SpillRun&) = delete;
  SpillRun& operator=(const SpillRun&) = delete;

  void append(std::string_view key, std::string_view value);
  // Ends writing (what is buffered goes to the file); next() then reads the entries back in
  // the order they were appended.
  void rewind();
  // The next entry, false at the end; the views last until the next call.
  bool next(std::string_view& key, std::string_view& value);

 private:
  void flush();
  int fd_ = -1;
  std::string buffer_;
  std::size_t read_at_ = 0;
  bool reading_ = false, at_end_ = false;
};

// For Value::save and load: fixed-size values and length-prefixed text, read back in order.
template <typename T>
void save_raw(std::string& out, const T& value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}
inline void save_text(std::string& out, std::string_view text) {
  save_raw(out, static_cast<std::uint32_t>(text.size()));
  out.append(text);
}
struct SavedBytes {
  std::string_view rest;
  template <typename T>
  T raw() {
    T value;
    std::memcpy(&value, rest.data(), sizeof value);
    rest.remove_prefix(sizeof value);
    return value;
  }
  std::string text() {
    auto size = raw<std::uint32_t>();
    std::string value(rest.substr(0, size));
    rest.remove_prefix(size);
    return value;
  }
};

// Value: merge(const Value&), save(std::string&) const, load(std::string_view); merging must not
// depend on order, so that the answer does not depend on which thread read which file.
template <typename Value>
class SpillMap {
 public:
  // Keys held in memory before a spill: about 150 bytes each for a count.
  static constexpr std::size_t kDefaultMaxKeys = std::size_t{1} << 15;
  // Runs kept before they are merged into one, which bounds the buffers a drain holds.
  static constexpr std::size_t kMaxRuns = 16;

  explicit SpillMap(std::size_t max_keys = kDefaultMaxKeys) : max_keys_(max_keys) {}

  Value& operator[](std::string_view key) {
    auto found = memory_.find(key);
    if (found != memory_.end()) return found.value();
    if (memory_.size() >= max_keys_) spill();
    return memory_.emplace(std::string(key), Value{}).first.value();
  }

  void absorb(SpillMap&& other) {
    for (auto& [key, value] : other.memory_) (*this)[key].merge(value);
    other.memory_.clear();
    for (auto& run : other.runs_) runs_.push_back(std::move(run));
    other.runs_.clear();
    if (runs_.size() > kMaxRuns) compact();
  }

  std::size_t keys_in_memory() const { return memory_.size(); }

  // Calls each(key, value) once for every key, in key order, with its merged value; the map is
  // empty afterwards.
  void drain(const std::function<void(std::string_view, const Value&)>& each) {
    std::vector<std::unique_ptr<SpillRun>> runs = std::move(runs_);
    runs_.clear();
    if (!memory_.empty()) runs.push_back(sorted_memory());
    merge(runs, each);
  }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const {
      return std::hash<std::string_view>{}(key);
    }
  };

  std::unique_ptr<SpillRun> sorted_memory() {
    std::vector<std::pair<std::string_view, const Value*>> entries;
    entries.reserve(memory_.size());
    for (const auto& [key, value] : memory_) entries.emplace_back(key, &value);
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    auto run = std::make_unique<SpillRun>();
    std::string bytes;
    for (const auto& [key, value] : entries) {
      bytes.clear();
      value->save(bytes);
      run->append(key, bytes);
    }
    run->rewind();
    memory_.clear();
    return run;
  }

  void spill() {
    runs_.push_back(sorted_memory());
    if (runs_.size() > kMaxRuns) compact();
  }

  // The runs merged into one.
  void compact() {
    std::vector<std::unique_ptr<SpillRun>> runs = std::move(runs_);
    runs_.clear();
    auto merged = std::make_unique<SpillRun>();
    std::string bytes;
    merge(runs, [&](std::string_view key, const Value& value) {
      bytes.clear();
      value.save(bytes);
      merged->append(key, bytes);
    });
    merged->rewind();
    runs_.push_back(std::move(merged));
  }

  static void merge(std::vector<std::unique_ptr<SpillRun>>& runs,
                    const std::function<void(std::string_view, const Value&)>& each);

  std::size_t max_keys_;
  tsl::robin_map<std::string, Value, Hash, std::equal_to<>> memory_;
  std::vector<std::unique_ptr<SpillRun>> runs_;
};

// The k-way merge of sorted runs, for any value: each(key, values...) in key order, where
// `combine` is called for every run's entry of one key.
void merge_runs(std::vector<std::unique_ptr<SpillRun>>& runs,
                const std::function<void(std::string_view key, std::string_view value)>& combine,
                const std::function<void(std::string_view key)>& key_done);

template <typename Value>
void SpillMap<Value>::merge(std::vector<std::unique_ptr<SpillRun>>& runs,
                            const std::function<void(std::string_view, const Value&)>& each) {
  Value sum{}, part{};
  bool started = false;
  merge_runs(
      runs,
      [&](std::string_view, std::string_view bytes) {
        if (!started) {
          sum = Value{};
          sum.load(bytes);
          started = true;
          return;
        }
        part = Value{};
        part.load(bytes);
        sum.merge(part);
      },
      [&](std::string_view key) {
        each(key, sum);
        started = false;
      });
}

// The `limit` least entries by `less` of all those offered, and how many were offered.
template <typename T, typename Less>
class Least {
 public:
  Least(std::size_t limit, Less less) : limit_(limit), less_(less), kept_(less) {}
  void offer(T&& entry) {
    ++offered_;
    if (kept_.size() < limit_) {
      kept_.push(std::move(entry));
    } else if (less_(entry, kept_.top())) {
      kept_.pop();
      kept_.push(std::move(entry));
    }
  }
  std::size_t offered() const { return offered_; }
  // The kept entries, least first.
  std::vector<T> take() {
    std::vector<T> sorted;
    for (; !kept_.empty(); kept_.pop()) sorted.push_back(kept_.top());
    std::reverse(sorted.begin(), sorted.end());
    return sorted;
  }

 private:
  std::size_t limit_;
  Less less_;
  std::priority_queue<T, std::vector<T>, Less> kept_;  // the greatest kept on top
  std::size_t offered_ = 0;
};

template <typename T, typename Less>
Least<T, Less> least(std::size_t limit, Less less) {
  return Least<T, Less>(limit, less);
}

}  // namespace custos::investigate
