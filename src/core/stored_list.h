// A large JSON list of objects (a 300 MB resources.json) read into DocStores on several
// threads: the reader splits the list, each worker adds whole batches of elements to a store of
// its own, and the batches come back in list order.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "core/doc_store.h"
#include "core/json_list.h"

namespace custos {

class StoredList {
 public:
  // Consecutive elements of the list, all documents of `store`.
  struct Batch {
    DocStore* store;
    std::vector<DocStore::Value> documents;
  };

  // Called on a worker thread with each document and its index in the list; throws to refuse it.
  using Check =
      std::function<void(const DocStore& store, DocStore::Value document, std::size_t index)>;

  // Reads the list `reader` holds (is_list() is true) with `threads` workers (at least 1).
  // What is thrown is what a reading in order would throw first: the reader's error, an
  // element's "NAME:LINE:COL: invalid JSON: ..." or `check`'s.
  StoredList(JsonListReader& reader, unsigned threads, const Check& check);
  ~StoredList();
  StoredList(StoredList&&) noexcept;
  StoredList& operator=(StoredList&&) noexcept;

  std::vector<Batch>& batches() { return batches_; }
  std::size_t size() const { return size_; }

 private:
  std::vector<std::unique_ptr<DocStore>> stores_;
  std::vector<Batch> batches_;
  std::size_t size_ = 0;
};

}  // namespace custos
