// Work spread over a fixed number of lanes, each served in order by one worker: items of one
// key always take the same lane, so two events about one resource are never handled at once
// and are handled in the order they came.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace custos::serverless {

template <typename T>
class Lanes {
 public:
  explicit Lanes(std::size_t count) : lanes_(count) {}

  std::size_t lane_of(const std::string& key) const {
    return std::hash<std::string>{}(key) % lanes_.size();
  }
  void push(const std::string& key, T item) {
    std::lock_guard lock(mutex_);
    lanes_[lane_of(key)].push_back(std::move(item));
    ++size_;
    changed_.notify_all();
  }
  // The lane's next item, waiting for one; nullopt once closed and that lane is empty.
  std::optional<T> pop(std::size_t lane) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return closed_ || !lanes_[lane].empty(); });
    if (lanes_[lane].empty()) return std::nullopt;
    T item = std::move(lanes_[lane].front());
    lanes_[lane].pop_front();
    --size_;
    changed_.notify_all();
    return item;
  }
  // Everything still waiting, taken out of every lane (to hand back when stopping).
  std::vector<T> take_all() {
    std::lock_guard lock(mutex_);
    std::vector<T> all;
    for (auto& lane : lanes_)
      while (!lane.empty()) {
        all.push_back(std::move(lane.front()));
        lane.pop_front();
      }
    size_ = 0;
    changed_.notify_all();
    return all;
  }
  // Waits until fewer than `limit` items wait, or closed.
  void wait_below(std::size_t limit) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return closed_ || size_ < limit; });
  }
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    changed_.notify_all();
  }
  std::size_t count() const { return lanes_.size(); }

 private:
  std::vector<std::deque<T>> lanes_;
  std::size_t size_ = 0;
  bool closed_ = false;
  std::mutex mutex_;
  std::condition_variable changed_;
};

}  // namespace custos::serverless
