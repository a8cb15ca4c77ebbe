// Policy validation speed: loading and compiling 100 and 1,000 policies in process (the work of
// `custos validate`, whose whole-process time scripts/bench.sh measures separately), and its two
// halves: reading the YAML and compiling the policies it holds; and what the first use of a
// resource type costs (its group registered on lookup) against registering every type at once.
#include <benchmark/benchmark.h>

#include "policy/policy.h"
#include "policy_corpus.h"
#include "resources/builtin.h"
#include "resources/type_groups.h"

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

// A fresh registry, one type looked up with its filters and actions: what a command that names
// one type pays. It depends on the size of that type's group, not on how many types there are.
void BM_FirstLookupOfOneType(benchmark::State& state) {
  for (auto _ : state) {
    auto registry = custos::resources::make_builtin_registry();
    benchmark::DoNotOptimize(registry->find_resource("aws.ec2"));
    benchmark::DoNotOptimize(registry->find_filter("aws.ec2", "instance-age"));
    benchmark::DoNotOptimize(registry->find_action("aws.ec2", "stop"));
  }
}
BENCHMARK(BM_FirstLookupOfOneType)->Unit(benchmark::kMicrosecond);

// Every type registered at once (`custos schema`), as every command did before types were lazy.
void BM_RegisterEveryType(benchmark::State& state) {
  for (auto _ : state) {
    auto registry = custos::resources::eager_builtin_registry();
    benchmark::DoNotOptimize(registry.find_resource("aws.ec2"));
  }
  state.counters["types"] =
      static_cast<double>(custos::resources::eager_builtin_registry().resource_names().size());
}
BENCHMARK(BM_RegisterEveryType)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
