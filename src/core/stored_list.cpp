// The reader (the calling thread) copies elements into batches of a few MB, each element
// followed by simdjson's padding, and queues them; a bounded queue keeps memory flat however
// large the list. Each worker owns one DocStore, so adding needs no lock: the price is strings
// held once per store rather than once.
#include "core/stored_list.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

namespace custos {
namespace {

constexpr std::size_t kBatchBytes = std::size_t{1} << 20;  // of element text
constexpr std::size_t kQueuedPerWorker = 2;                // batches read ahead of each worker

struct PendingBatch {
  struct Element {
    std::size_t offset, size;
    JsonListReader::Position start;
  };
  std::size_t index = 0;          // in list order
  std::size_t first_element = 0;  // the list index of elements[0]
  std::string text;
  std::vector<Element> elements;
};

class BatchQueue {
 public:
  explicit BatchQueue(std::size_t limit) : limit_(limit) {}

  void push(PendingBatch batch) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return queue_.size() < limit_; });
    queue_.push_back(std::move(batch));
    changed_.notify_all();
  }
  // nullopt once closed and empty.
  std::optional<PendingBatch> pop() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !queue_.empty() || closed_; });
    if (queue_.empty()) return std::nullopt;
    PendingBatch batch = std::move(queue_.front());
    queue_.pop_front();
    changed_.notify_all();
    return batch;
  }
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<PendingBatch> queue_;
  std::size_t limit_;
  bool closed_ = false;
};

// The workers' results and, of their errors, the one earliest in the list.
class Results {
 public:
  void add(std::size_t index, StoredList::Batch batch) {
    std::lock_guard lock(mutex_);
    batches_.emplace(index, std::move(batch));
  }
  void fail(std::size_t element, std::exception_ptr error) {
    std::lock_guard lock(mutex_);
    if (element < failed_at_) failed_at_ = element, error_ = std::move(error);
    failed_ = true;
  }
  bool failed() const { return failed_; }
  std::exception_ptr error() const { return error_; }
  std::map<std::size_t, StoredList::Batch>& batches() { return batches_; }

 private:
  std::mutex mutex_;
  std::map<std::size_t, StoredList::Batch> batches_;
  std::size_t failed_at_ = std::numeric_limits<std::size_t>::max();
  std::exception_ptr error_;
  std::atomic<bool> failed_ = false;
};

// What one worker does with one batch: its documents, or the first error among them.
void add_batch(const PendingBatch& pending, DocStore& store, const JsonListReader& reader,
               const StoredList::Check& check, Results& results) {
  StoredList::Batch batch{&store, {}};
  batch.documents.reserve(pending.elements.size());
  for (std::size_t i = 0; i < pending.elements.size(); ++i) {
    const PendingBatch::Element& element = pending.elements[i];
    const std::size_t index = pending.first_element + i;
    try {
      DocStore::Value document;
      try {
        document =
            store.add_json(std::string_view(pending.text).substr(element.offset, element.size),
                           element.size + DocStore::kPadding);
      } catch (const JsonTextError& e) {
        throw reader.placed_error(element.start, e);
      }
      check(store, document, index);
      batch.documents.push_back(document);
    } catch (...) {
      results.fail(index, std::current_exception());
      return;
    }
  }
  results.add(pending.index, std::move(batch));
}

// Stops the reader once a worker has failed: what it would still read cannot come first.
struct Stop {};

}  // namespace

StoredList::StoredList(JsonListReader& reader, unsigned threads, const Check& check) {
  threads = std::max(threads, 1u);
  BatchQueue queue(kQueuedPerWorker * threads);
  Results results;
  std::vector<std::thread> workers;
  for (unsigned i = 0; i < threads; ++i) {
    DocStore& store = *stores_.emplace_back(std::make_unique<DocStore>());
    workers.emplace_back([&queue, &store, &reader, &check, &results] {
      while (std::optional<PendingBatch> batch = queue.pop())
        if (!results.failed()) add_batch(*batch, store, reader, check, results);
    });
  }
  PendingBatch batch;
  batch.text.reserve(kBatchBytes + kBatchBytes / 4);
  auto hand_over = [&] {
    const std::size_t next_first = batch.first_element + batch.elements.size();
    const std::size_t next_index = batch.index + 1;
    queue.push(std::move(batch));
    batch = PendingBatch{};
    batch.text.reserve(kBatchBytes + kBatchBytes / 4);
    batch.index = next_index;
    batch.first_element = next_first;
  };
  std::exception_ptr reader_error;
  try {
    reader.for_each_placed([&](std::string_view text, std::size_t, JsonListReader::Position at) {
      if (results.failed()) throw Stop{};
      batch.elements.push_back({batch.text.size(), text.size(), at});
      batch.text.append(text);
      batch.text.append(DocStore::kPadding, ' ');
      if (batch.text.size() >= kBatchBytes) hand_over();
    });
    if (!batch.elements.empty()) hand_over();
  } catch (const Stop&) {
  } catch (...) {
    reader_error = std::current_exception();
    // The elements read before the reader's error may hold an earlier one.
    if (!batch.elements.empty()) hand_over();
  }
  queue.close();
  for (std::thread& worker : workers) worker.join();
  // Every element a worker saw comes before where the reader stopped.
  if (results.failed()) std::rethrow_exception(results.error());
  if (reader_error) std::rethrow_exception(reader_error);
  for (auto& [index, done] : results.batches()) {
    size_ += done.documents.size();
    batches_.push_back(std::move(done));
  }
}

StoredList::~StoredList() = default;
StoredList::StoredList(StoredList&&) noexcept = default;
StoredList& StoredList::operator=(StoredList&&) noexcept = default;

}  // namespace custos
