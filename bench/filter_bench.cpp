// Filter throughput and memory on 100,000 EC2 instance documents shaped like a real
// DescribeInstances response (bench/ec2_documents.h), held in a DocStore as `custos eval`
// holds them, against the typical filters `tag:custodian: present`, `State.Name: running` and
// a regex on `tag:Name`:
//  - peak RSS while holding the set (getrusage), measured first, before anything else runs;
//  - in-process documents per second on one core: each filter alone, the three per document,
//    and Policy::filter_stored (what `custos eval` calls; it also builds the kept documents'
//    Json), with and without c7n:MatchedFilters;
//  - a whole `custos eval` process on the set written to a file: median wall time and its
//    peak RSS (skipped with --no-process; --keep DIR writes them to DIR and leaves them).
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/doc_store.h"
#include "ec2_documents.h"
#include "policy/policy.h"
#include "resources/builtin.h"

namespace {

namespace fs = std::filesystem;
using custos::DocStore;
using custos::Json;

constexpr std::size_t kInstances = 100'000;

const char* const kPolicy = R"(policies:
  - name: typical
    resource: aws.ec2
    filters:
      - "tag:custodian": present
      - State.Name: running
      - type: value
        key: "tag:Name"
        op: regex
        value: "^(web|api)-[0-9]+$"
)";

struct HeldSet {
  DocStore store;
  std::vector<DocStore::Value> documents;
};

// Added from JSON text one document at a time, as `custos eval` reads a resources.json.
HeldSet& instances() {
  static HeldSet set = [] {
    HeldSet held;
    custos::bench::Ec2Documents documents;
    held.documents.reserve(kInstances);
    for (std::size_t i = 0; i < kInstances; ++i) {
      const std::string text = documents.next().dump();
      held.documents.push_back(held.store.add_json(text, text.capacity()));
    }
    return held;
  }();
  return set;
}

const custos::policy::Policy& typical_policy() {
  static const auto source = custos::policy::SourceDocument::parse(kPolicy, "bench.yml");
  static const auto policies =
      custos::policy::compile_policies(source, custos::resources::builtin_registry());
  return policies.front();
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

// Before any benchmark: ru_maxrss only grows, so later figures would hide this one.
void report_holding_memory() {
  double before = peak_rss_mb();
  const HeldSet& set = instances();
  std::printf(
      "holding %zu EC2 instance documents in a DocStore: peak RSS %.1f MB (%.1f MB before); "
      "DocStore::bytes() %.1f MB (%.0f bytes a document)\n",
      set.documents.size(), peak_rss_mb(), before, set.store.bytes() / 1e6,
      static_cast<double>(set.store.bytes()) / set.documents.size());
}

void BM_EachFilterAlone(benchmark::State& state) {
  const auto& filter = *typical_policy().filters.at(static_cast<std::size_t>(state.range(0)));
  const HeldSet& set = instances();
  custos::policy::FilterContext context;
  std::size_t matched = 0;
  for (auto _ : state) {
    auto matcher = filter.stored_matcher(set.store);  // per pass: it remembers verdicts
    matched = 0;
    for (DocStore::Value document : set.documents) matched += matcher->match(document, context);
    benchmark::DoNotOptimize(matched);
  }
  state.SetItemsProcessed(state.iterations() * set.documents.size());
  state.counters["matched"] = static_cast<double>(matched);
}
BENCHMARK(BM_EachFilterAlone)->ArgName("filter")->DenseRange(0, 2)->Unit(benchmark::kMillisecond);

// The three filters per document, stopping at the first that fails (as a policy does).
void BM_MatchEach(benchmark::State& state) {
  const auto& policy = typical_policy();
  const HeldSet& set = instances();
  custos::policy::FilterContext context;
  std::size_t matched = 0;
  for (auto _ : state) {
    std::vector<custos::policy::StoredMatcherPtr> matchers;
    for (const auto& filter : policy.filters) matchers.push_back(filter->stored_matcher(set.store));
    matched = 0;
    for (DocStore::Value document : set.documents)
      matched += std::all_of(matchers.begin(), matchers.end(), [&](const auto& matcher) {
        return matcher->match(document, context);
      });
    benchmark::DoNotOptimize(matched);
  }
  state.SetItemsProcessed(state.iterations() * set.documents.size());
  state.counters["matched"] = static_cast<double>(matched);
}
BENCHMARK(BM_MatchEach)->Unit(benchmark::kMillisecond);

// Policy::filter_stored. Arg 1: annotate c7n:MatchedFilters, as `custos run` and
// `custos eval --format json` do (each kept document is then stored again, annotated).
void BM_FilterStored(benchmark::State& state) {
  const auto& policy = typical_policy();
  HeldSet& set = instances();
  custos::policy::FilterContext context{.annotate = state.range(0) == 1};
  std::size_t matched = 0;
  for (auto _ : state) matched = policy.filter_stored(set.store, set.documents, context).size();
  state.SetItemsProcessed(state.iterations() * set.documents.size());
  state.counters["matched"] = static_cast<double>(matched);
}
BENCHMARK(BM_FilterStored)->ArgName("annotate")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

struct ProcessRun {
  double seconds;
  double peak_rss_mb;
};

ProcessRun run_eval(const fs::path& custos, const fs::path& dir) {
  auto start = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    std::freopen("/dev/null", "w", stdout);
    execl(custos.c_str(), custos.c_str(), "eval", (dir / "policy.yml").c_str(), "--resources",
          (dir / "instances.json").c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("custos eval failed (status " + std::to_string(status) + ")");
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  return {took.count(), usage.ru_maxrss / 1024.0};
}

// `keep`: a folder to write the policy and documents to and leave there (to profile `custos eval`
// on them by hand); otherwise a temporary one.
void time_whole_eval(const fs::path& custos, const fs::path& keep) {
  fs::path dir = keep.empty()
                     ? fs::temp_directory_path() / fmt::format("custos-filter-bench-{}", getpid())
                     : keep;
  fs::create_directories(dir);
  std::ofstream(dir / "policy.yml") << kPolicy;
  {
    std::ofstream out(dir / "instances.json");
    custos::bench::Ec2Documents documents;
    out << "[";
    for (std::size_t i = 0; i < kInstances; ++i) out << (i ? ",\n" : "\n") << documents.next();
    out << "\n]\n";
  }
  std::vector<ProcessRun> runs;
  for (int i = 0; i < 5; ++i) runs.push_back(run_eval(custos, dir));
  std::sort(runs.begin(), runs.end(),
            [](const auto& a, const auto& b) { return a.seconds < b.seconds; });
  const ProcessRun& median = runs[runs.size() / 2];
  std::printf(
      "whole `custos eval` of %zu documents (%.0f MB file), median of %zu: %.3f s "
      "(%.0f documents/s), peak RSS %.1f MB\n",
      kInstances, fs::file_size(dir / "instances.json") / 1e6, runs.size(), median.seconds,
      kInstances / median.seconds, median.peak_rss_mb);
  if (keep.empty()) fs::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
  bool whole_process = true;
  fs::path keep;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--no-process") == 0) whole_process = false;
    if (std::strcmp(argv[i], "--keep") == 0 && i + 1 < argc) keep = argv[++i];
  }
  benchmark::Initialize(&argc, argv);
  report_holding_memory();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (whole_process)
    time_whole_eval(fs::path(argv[0]).parent_path().parent_path() / "custos", keep);
  return 0;
}
