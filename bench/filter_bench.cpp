// Filter throughput and memory on 100,000 EC2 instance documents shaped like a real
// DescribeInstances response (ids, states, addresses and tags varied), against the typical
// filters `tag:custodian: present`, `State.Name: running` and a regex on `tag:Name`:
//  - peak RSS while holding the set (getrusage), measured first, before anything else runs;
//  - in-process documents per second: each filter alone, the three per document (match), and
//    Policy::filter_resources (what `custos run` and `custos eval` call);
//  - parsing the set from JSON text (most of a whole `custos eval` process);
//  - a whole `custos eval` process on the set written to a file: median wall time and its
//    peak RSS (skipped with --no-process).
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
#include <random>

#include "core/file.h"
#include "policy/policy.h"
#include "resources/builtin.h"

namespace {

namespace fs = std::filesystem;
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

// placebo records datetimes as {"__class__": "datetime", "year": ...}; boto3's JSON (and
// Cloud Custodian's resources.json) has ISO strings.
void iso_dates(Json& value) {
  if (value.is_object() && value.value("__class__", "") == "datetime") {
    value =
        fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+00:00", value["year"].get<int>(),
                    value["month"].get<int>(), value["day"].get<int>(), value["hour"].get<int>(),
                    value["minute"].get<int>(), value["second"].get<int>());
    return;
  }
  if (value.is_structured())
    for (Json& child : value) iso_dates(child);
}

Json recorded_instance() {
  auto text = custos::read_file(std::string(CUSTOS_SOURCE_DIR) +
                                "/tests/data/responses/cloud-custodian-placebo/"
                                "test_ec2_ssm_inventory_filter__ec2.DescribeInstances_1.json");
  if (!text) throw std::runtime_error("recorded DescribeInstances response not found");
  Json instance = Json::parse(*text)["data"]["Reservations"][0]["Instances"][0];
  iso_dates(instance);
  return instance;
}

std::vector<Json> make_instances(std::size_t count) {
  const Json recorded = recorded_instance();
  const std::pair<int, const char*> states[] = {
      {16, "running"}, {16, "running"}, {16, "running"},  {80, "stopped"},
      {80, "stopped"}, {0, "pending"},  {64, "stopping"}, {48, "terminated"}};
  const char* const roles[] = {"web", "api", "db", "batch", "cache", "worker"};
  const char* const environments[] = {"prod", "staging", "dev"};
  std::mt19937_64 random(42);
  std::vector<Json> instances;
  instances.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    Json instance = recorded;
    std::uint64_t r = random();
    instance["InstanceId"] = fmt::format("i-{:017x}", r & 0xfffffffffffffffULL);
    auto [code, name] = states[r % 8];
    instance["State"] = {{"Code", code}, {"Name", name}};
    std::string ip = fmt::format("10.{}.{}.{}", (r >> 8) % 256, (r >> 16) % 256, (r >> 24) % 256);
    std::string dns = "ip-" + ip + ".ec2.internal";
    std::replace(dns.begin(), dns.end(), '.', '-');
    instance["PrivateIpAddress"] = ip;
    instance["PrivateDnsName"] = dns;
    instance["NetworkInterfaces"][0]["PrivateIpAddress"] = ip;
    instance["NetworkInterfaces"][0]["PrivateDnsName"] = dns;
    Json tags = Json::array();
    tags.push_back({{"Key", "Name"}, {"Value", fmt::format("{}-{}", roles[(r >> 32) % 6], i)}});
    tags.push_back({{"Key", "Environment"}, {"Value", environments[(r >> 40) % 3]}});
    tags.push_back({{"Key", "Owner"}, {"Value", fmt::format("team-{}", (r >> 44) % 20)}});
    if ((r >> 50) % 2) tags.push_back({{"Key", "custodian"}, {"Value", ""}});
    instance["Tags"] = std::move(tags);
    instances.push_back(std::move(instance));
  }
  return instances;
}

const std::vector<Json>& instances() {
  static const std::vector<Json> set = make_instances(kInstances);
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
  std::size_t text_bytes = 0;
  {
    auto set = make_instances(kInstances);
    for (const Json& instance : set) text_bytes += instance.dump().size() + 1;
    std::printf(
        "holding %zu EC2 instance documents (%.0f MB as JSON text): peak RSS %.1f MB "
        "(%.1f MB before; %.0f bytes a document)\n",
        set.size(), text_bytes / 1e6, peak_rss_mb(), before,
        (peak_rss_mb() - before) * 1024 * 1024 / set.size());
  }
}

custos::policy::FilterContext no_event() { return {}; }

void BM_EachFilterAlone(benchmark::State& state) {
  const auto& filter = *typical_policy().filters.at(static_cast<std::size_t>(state.range(0)));
  const auto& set = instances();
  auto context = no_event();
  std::size_t matched = 0;
  for (auto _ : state) {
    matched = 0;
    for (const Json& instance : set) matched += filter.match(instance, context);
    benchmark::DoNotOptimize(matched);
  }
  state.SetItemsProcessed(state.iterations() * set.size());
  state.counters["matched"] = static_cast<double>(matched);
}
BENCHMARK(BM_EachFilterAlone)->ArgName("filter")->DenseRange(0, 2)->Unit(benchmark::kMillisecond);

// The three filters per document, stopping at the first that fails (as `and` does).
void BM_MatchEach(benchmark::State& state) {
  const auto& policy = typical_policy();
  const auto& set = instances();
  auto context = no_event();
  std::size_t matched = 0;
  for (auto _ : state) {
    matched = 0;
    for (const Json& instance : set)
      matched += std::all_of(policy.filters.begin(), policy.filters.end(),
                             [&](const auto& filter) { return filter->match(instance, context); });
    benchmark::DoNotOptimize(matched);
  }
  state.SetItemsProcessed(state.iterations() * set.size());
  state.counters["matched"] = static_cast<double>(matched);
}
BENCHMARK(BM_MatchEach)->Unit(benchmark::kMillisecond);

// Policy::filter_resources consumes its input, so each iteration filters a fresh copy (made
// outside the timing). Arg 1: annotate c7n:MatchedFilters, as `custos run` does.
void BM_FilterResources(benchmark::State& state) {
  const auto& policy = typical_policy();
  auto context = no_event();
  context.annotate = state.range(0) == 1;
  std::size_t matched = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<Json> copy = instances();
    state.ResumeTiming();
    matched = policy.filter_resources(std::move(copy), context).size();
    state.PauseTiming();
    copy.clear();  // freeing what filtering dropped is the copy's cost, not the filter's
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * instances().size());
  state.counters["matched"] = static_cast<double>(matched);
}
BENCHMARK(BM_FilterResources)
    ->ArgName("annotate")
    ->Arg(0)
    ->Arg(1)
    ->Iterations(5)
    ->Unit(benchmark::kMillisecond);

// Parsing a resources.json of 10,000 documents: what a whole `custos eval` spends most on.
void BM_ParseDocuments(benchmark::State& state) {
  const auto& set = instances();
  Json list = Json::array();
  for (std::size_t i = 0; i < 10'000; ++i) list.push_back(set[i]);
  std::string text = list.dump();
  for (auto _ : state) benchmark::DoNotOptimize(Json::parse(text));
  state.SetItemsProcessed(state.iterations() * 10'000);
  state.SetBytesProcessed(state.iterations() * text.size());
}
BENCHMARK(BM_ParseDocuments)->Unit(benchmark::kMillisecond);

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

void time_whole_eval(const fs::path& custos) {
  fs::path dir = fs::temp_directory_path() / fmt::format("custos-filter-bench-{}", getpid());
  fs::create_directories(dir);
  std::ofstream(dir / "policy.yml") << kPolicy;
  {
    std::ofstream out(dir / "instances.json");
    out << "[";
    for (std::size_t i = 0; i < instances().size(); ++i)
      out << (i ? ",\n" : "\n") << instances()[i].dump();
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
      instances().size(), fs::file_size(dir / "instances.json") / 1e6, runs.size(), median.seconds,
      instances().size() / median.seconds, median.peak_rss_mb);
  fs::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
  bool whole_process = true;
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "--no-process") == 0) whole_process = false;
  benchmark::Initialize(&argc, argv);
  report_holding_memory();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (whole_process) time_whole_eval(fs::path(argv[0]).parent_path().parent_path() / "custos");
  return 0;
}
