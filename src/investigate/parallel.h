// One pass over many files on every core, answers in file order: workers take the next file as
// they free up; the calling thread receives each file's result in order, a large file's in parts
// as they are made, and workers wait when they get too far ahead, so memory holds a bounded
// number of results.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace custos::investigate {

// work(i, worker, emit) runs on `threads` threads (worker in [0, threads)); it may hand parts of
// input i's result to emit(part) before it returns the last part. deliver(i, part, last) runs on
// the calling thread: every part of input 0 in order, then of 1, ... A worker whose input is not
// yet being delivered waits in emit while kHeldParts of its parts are waiting. An exception from
// either stops the pass and is rethrown here.
template <typename Result>
void ordered_parallel_parts(
    std::size_t count, unsigned threads,
    const std::function<Result(std::size_t, unsigned, const std::function<void(Result&&)>&)>& work,
    const std::function<void(std::size_t, Result&&, bool last)>& deliver) {
  constexpr std::size_t kHeldParts = 2;
  struct Slot {
    std::deque<Result> parts;
    bool done = false;
  };
  struct Stopped {};  // unwinds a worker waiting in emit when the pass stops
  threads = std::max(1u, threads);
  const std::size_t window = 4 * static_cast<std::size_t>(threads);
  std::vector<Slot> slots(window);
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
      Slot& slot = slots[i % window];
      const std::function<void(Result &&)> emit = [&](Result&& part) {
        {
          std::unique_lock lock(mutex);
          changed.wait(lock, [&] { return stop || slot.parts.size() < kHeldParts; });
          if (stop) throw Stopped{};
          slot.parts.push_back(std::move(part));
        }
        changed.notify_all();
      };
      try {
        Result last = work(i, id, emit);
        std::lock_guard lock(mutex);
        slot.parts.push_back(std::move(last));
        slot.done = true;
      } catch (const Stopped&) {
        return;
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
    for (std::size_t i = 0; i < count;) {
      Slot& slot = slots[i % window];
      Result part;
      bool last;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return stop || !slot.parts.empty(); });
        if (stop) break;
        part = std::move(slot.parts.front());
        slot.parts.pop_front();
        last = slot.done && slot.parts.empty();
        if (last) {
          slot.done = false;
          ++delivered;
        }
      }
      changed.notify_all();
      deliver(i, std::move(part), last);
      if (last) ++i;
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

// The same for results that come whole: work(i, worker) and deliver(i, result).
template <typename Result>
void ordered_parallel(std::size_t count, unsigned threads,
                      const std::function<Result(std::size_t, unsigned)>& work,
                      const std::function<void(std::size_t, Result&&)>& deliver) {
  ordered_parallel_parts<Result>(
      count, threads,
      [&](std::size_t i, unsigned id, const std::function<void(Result &&)>&) {
        return work(i, id);
      },
      [&](std::size_t i, Result&& result, bool) { deliver(i, std::move(result)); });
}

}  // namespace custos::investigate
