// Policy validation speed: loading and compiling 100 and 1,000 policies in process (the work of
// `custos validate`, whose whole-process time scripts/bench.sh measures separately), and its two
// halves: reading the YAML and compiling the policies it holds.
#include <benchmark/benchmark.h>

#include "policy/policy.h"
#include "policy_corpus.h"
#include "resources/builtin.h"

namespace {

void BM_CompilePolicies(benchmark::State& state) {
  std::string text = custos::bench::policy_file(static_cast<int>(state.range(0)));
  const auto& registry = custos::resources::builtin_registry();
  for (auto _ : state) {
    auto source = custos::policy::SourceDocument::parse(text, "bench.yml");
    auto policies = custos::policy::compile_policies(source, registry);
    benchmark::DoNotOptimize(policies.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_CompilePolicies)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_ParseYaml(benchmark::State& state) {
  std::string text = custos::bench::policy_file(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto source = custos::policy::SourceDocument::parse(text, "bench.yml");
    benchmark::DoNotOptimize(&source.root());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ParseYaml)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_CompileParsed(benchmark::State& state) {
  std::string text = custos::bench::policy_file(static_cast<int>(state.range(0)));
  const auto& registry = custos::resources::builtin_registry();
  auto source = custos::policy::SourceDocument::parse(text, "bench.yml");
  for (auto _ : state) {
    auto policies = custos::policy::compile_policies(source, registry);
    benchmark::DoNotOptimize(policies.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_CompileParsed)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
