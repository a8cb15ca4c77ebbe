// DocStore on 100,000 EC2 instance documents (bench/ec2_documents.h):
//  - peak RSS of this process while holding them, added with add_json from their JSON text one
//    document at a time (measured first: ru_maxrss only grows), and bytes();
//  - add_json throughput in MB/s of JSON text;
//  - reading State.Name from every document with two KeyLookups, in documents/s.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdio>
#include <string>
#include <vector>

#include "core/doc_store.h"
#include "ec2_documents.h"

namespace {

using custos::DocStore;

constexpr std::size_t kInstances = 100'000;

struct HeldSet {
  DocStore store;
  std::vector<DocStore::Value> documents;
};

HeldSet& held_set() {
  static HeldSet set;
  return set;
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

void hold_documents_and_report() {
  const double before = peak_rss_mb();
  custos::bench::Ec2Documents documents;
  HeldSet& set = held_set();
  set.documents.reserve(kInstances);
  std::size_t text_bytes = 0;
  for (std::size_t i = 0; i < kInstances; ++i) {
    const std::string text = documents.next().dump();
    text_bytes += text.size();
    set.documents.push_back(set.store.add_json(text, text.capacity()));
  }
  std::printf(
      "holding %zu EC2 instance documents (%.0f MB as JSON text) in a DocStore: peak RSS %.1f MB "
      "(%.1f MB before); bytes() %.1f MB (%.0f bytes a document)\n",
      set.documents.size(), text_bytes / 1e6, peak_rss_mb(), before, set.store.bytes() / 1e6,
      static_cast<double>(set.store.bytes()) / set.documents.size());
}

// A fresh store each iteration, as when a resource set is read.
void BM_AddJson(benchmark::State& state) {
  const std::size_t count = 10'000;
  custos::bench::Ec2Documents documents;
  std::string texts;
  std::vector<std::size_t> ends;
  for (std::size_t i = 0; i < count; ++i) {
    texts += documents.next().dump();
    ends.push_back(texts.size());
  }
  texts.append(DocStore::kPadding, ' ');
  for (auto _ : state) {
    DocStore store;
    std::size_t start = 0;
    for (std::size_t end : ends) {
      benchmark::DoNotOptimize(
          store.add_json(std::string_view(texts).substr(start, end - start), texts.size() - start));
      start = end;
    }
  }
  state.SetBytesProcessed(state.iterations() * ends.back());
  state.SetItemsProcessed(state.iterations() * count);
}
BENCHMARK(BM_AddJson)->Unit(benchmark::kMillisecond);

// What a `State.Name: running` filter reads.
void BM_KeyLookupStateName(benchmark::State& state) {
  const HeldSet& set = held_set();
  const DocStore::Value running = set.store.find_string("running");
  std::size_t matched = 0;
  for (auto _ : state) {
    DocStore::KeyLookup state_of(set.store, "State"), name_of(set.store, "Name");
    matched = 0;
    for (DocStore::Value document : set.documents)
      matched += name_of(state_of(document)) == running;
    benchmark::DoNotOptimize(matched);
  }
  state.SetItemsProcessed(state.iterations() * set.documents.size());
  state.counters["matched"] = static_cast<double>(matched);
}
BENCHMARK(BM_KeyLookupStateName)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  hold_documents_and_report();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
