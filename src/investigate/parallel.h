// One pass over many files on every core, answers in file order: workers take the next file as
// they free up; the calling thread receives each file's result in order, and workers wait when
// they get too far ahead, so memory holds a bounded number of results.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace custos::investigate {

// work(i, worker) runs on `threads` threads (worker in [0, threads)); deliver(i, result) runs
// on the calling thread for i = 0, 1, ... An exception from either stops the pass and is
// rethrown here.
template <typename Result>
void ordered_parallel(std::size_t count, unsigned threads,
                      const std::function<Result(std::size_t, unsigned)>& work,
                      const std::function<void(std::size_t, Result&&)>& deliver) {
  threads = std::max(1u, threads);
  const std::size_t window = 4 * static_cast<std::size_t>(threads);
  std::vector<std::optional<Result>> slots(window);
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t next = 0, delivered = 0;
  std::exception_ptr failure;
  bool stop = false;

  auto worker = [&](unsigned id) {
    for (;;) {
      std::size_t i;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return stop || next >= count || next < delivered + window; });
        if (stop || next >= count) return;
        i = next++;
      }
      try {
        Result result = work(i, id);
        std::lock_guard lock(mutex);
        slots[i % window] = std::move(result);
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!failure) failure = std::current_exception();
        stop = true;
      }
      changed.notify_all();
    }
  };
  std::vector<std::thread> pool;
  for (unsigned id = 0; id < threads; ++id) pool.emplace_back(worker, id);
  try {
    for (std::size_t i = 0; i < count; ++i) {
      Result result;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return stop || slots[i % window].has_value(); });
        if (stop) break;
        result = std::move(*slots[i % window]);
        slots[i % window].reset();
        ++delivered;
      }
      changed.notify_all();
      deliver(i, std::move(result));
    }
  } catch (...) {
    std::lock_guard lock(mutex);
    if (!failure) failure = std::current_exception();
    stop = true;
  }
  changed.notify_all();
  for (auto& thread : pool) thread.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace custos::investigate
