// The readiness audit of 10 regions against 1, with every AWS answer 50 ms away (a proxy in
// front of a seeded moto server adds the round trip moto lacks): run a check at a time, 10
// regions take ten times one; run concurrently, about as long as the slowest region. moto alone
// cannot show this, as it answers one request at a time in microseconds.
// Usage: bench/audit_regions [latency_ms] [runs]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "audit/audit.h"
#include "gameday/account_seeds.h"
#include "gameday/emulator.h"
#include "support/fault_proxy.h"

namespace {

using namespace custos;

double audit_seconds(const aws::SessionOptions& session, std::vector<std::string> regions,
                     int parallel) {
  audit::AuditOptions options;
  options.aws = session;
  options.regions = std::move(regions);
  options.parallel = parallel;
  auto start = std::chrono::steady_clock::now();
  audit::run_audit(audit::shipped_pack(), options);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double median_seconds(int runs, const std::function<double()>& once) {
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) times.push_back(once());
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int latency_ms = argc > 1 ? std::atoi(argv[1]) : 50;
  int runs = argc > 2 ? std::atoi(argv[2]) : 3;
  gameday::LocalEmulator moto;
  std::ostringstream seeding;
  aws::SessionOptions seed;
  seed.endpoint_url = moto.url();
  gameday::run_account_seed("unprepared-account", seed, seeding);

  test::FaultProxy proxy(moto.url());
  proxy.add_latency(std::chrono::milliseconds(latency_ms));
  aws::SessionOptions session;
  session.endpoint_url = proxy.url();
  session.region = "us-east-1";
  aws::Credentials keys;
  keys.access_key_id = keys.secret_access_key = "seed";
  session.credentials = keys;
  const std::vector<std::string> one = {"us-east-1"};
  const std::vector<std::string> ten = {
      "us-east-1",      "us-west-2", "eu-west-1",    "eu-central-1", "ap-southeast-1",
      "ap-northeast-1", "sa-east-1", "ca-central-1", "us-east-2",    "eu-north-1"};
  std::printf(
      "custos audit, the shipped pack on an unprepared seed, %d ms per AWS answer, "
      "median of %d:\n",
      latency_ms, runs);
  for (int parallel : {1, 8})
    for (const auto* regions : {&one, &ten})
      std::printf("  %2zu region(s), --parallel %d: %.2f s\n", regions->size(), parallel,
                  median_seconds(runs, [&] { return audit_seconds(session, *regions, parallel); }));
  return 0;
}
