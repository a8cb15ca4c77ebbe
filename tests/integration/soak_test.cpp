// Soak: custos against moto behind the fault proxy in soak mode (seeded throttling, 5xx, resets,
// slow bodies, latency). Every response still completes as without faults, no change is applied
// twice, no call makes more attempts than the retry policy allows, and the run ends in a time
// the retry policy bounds. CUSTOS_SOAK_SEED and CUSTOS_SOAK_SPEC replace a case's own seed and
// faults (tests/long/soak.sh runs rounds of them).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <iostream>
#include <set>

#include "gameday/emulator.h"
#include "incident/journal_store.h"
#include "integration/fixture.h"
#include "support/fault_proxy.h"
#include "support/paths.h"
#include "support/soak_faults.h"

namespace custos::test {
namespace {

using Clock = std::chrono::steady_clock;

// Light enough that a case takes a few seconds: custos's retries wait up to a second and more.
constexpr const char* kSpec = "throttle=0.02,error5xx=0.01,reset=0.01,slow=0.02,latency=2ms";

std::string env_or(const char* name, std::string fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

// The longest custos may take beyond a faultless run: every attempt's latency, each retry's
// longest back-off (aws::RetryPolicy's defaults), and each slow body's pauses.
double fault_allowance(const FaultProxy& proxy, const FaultProxy::SoakSpec& spec) {
  const aws::RetryPolicy policy;
  double seconds = 0;
  for (const FaultProxy::Arrival& arrival : proxy.arrivals()) {
    seconds += std::chrono::duration<double>(spec.latency).count();
    const auto sdk_request = arrival.headers.find("amz-sdk-request");
    const int attempt =
        sdk_request == arrival.headers.end() ? 1 : soak::attempt_of(sdk_request->second);
    if (attempt > 1)
      seconds += std::min(policy.base_delay * std::exp2(attempt - 2), policy.max_delay).count();
    if (arrival.soak_fault == "slow") seconds += 8 * 0.010;
  }
  return seconds;
}

class SoakTest : public IntegrationTest {
 protected:
  // Soak mode on `proxy` with this case's seed, or the environment's.
  FaultProxy::SoakSpec soak(FaultProxy& proxy, std::uint64_t seed) {
    const FaultProxy::SoakSpec spec =
        FaultProxy::SoakSpec::parse(env_or("CUSTOS_SOAK_SPEC", kSpec));
    seed_ = std::stoull(env_or("CUSTOS_SOAK_SEED", std::to_string(seed)));
    proxy.soak(spec, seed_);
    started_ = Clock::now();
    return spec;
  }

  // What every soak must show, and the line tests/long/soak.sh reads. `faultless_seconds`: a
  // generous bound of the same run without faults on a loaded machine.
  void expect_sound(const std::string& what, const FaultProxy& proxy,
                    const FaultProxy::SoakSpec& spec, double faultless_seconds) const {
    const double wall = std::chrono::duration<double>(Clock::now() - started_).count();
    const double bound = faultless_seconds + fault_allowance(proxy, spec);
    const FaultProxy::SoakReport report = proxy.soak_report();
    std::string faults;
    for (const char* kind : {"throttle", "error5xx", "reset", "slow"})
      faults += " " + std::string(kind) + "=" +
                std::to_string(report.faults.contains(kind) ? report.faults.at(kind) : 0);
    std::cout << "soak: " << what << " seed=" << seed_ << " requests=" << report.requests
              << " calls=" << report.calls << faults << " retries=" << report.retries
              << " max_attempts=" << report.max_attempts << " applied=" << report.applied.size()
              << " wall=" << wall << "s bound=" << bound << "s\n";
    EXPECT_LE(report.max_attempts, aws::RetryPolicy{}.max_attempts);
    EXPECT_EQ(report.calls + report.retries, report.requests) << "a request without an id";
    EXPECT_TRUE(report.applied_twice.empty()) << report.applied_twice.front();
    EXPECT_LT(wall, bound);
  }

  std::uint64_t seed_ = 0;
  Clock::time_point started_;
};

// Each journaled change was answered 2xx by moto through the proxy (its request id is in an
// answer the proxy forwarded), no action was completed twice on one resource, and no change
// (operation and parameters) was made twice.
void expect_journal_agrees(const std::string& journal_path, const FaultProxy& proxy) {
  const auto arrivals = proxy.arrivals();
  auto answered = [&](const std::string& request_id) {
    for (const FaultProxy::Arrival& arrival : arrivals) {
      if (arrival.faulted || arrival.status < 200 || arrival.status > 299) continue;
      if (arrival.response_body.find(request_id) != std::string::npos) return true;
      for (const auto& [name, value] : arrival.response_headers)
        if (value == request_id) return true;
    }
    return false;
  };
  incident::SqliteJournal journal(journal_path, false);
  std::set<std::string> made;
  for (const incident::IncidentInfo& info : journal.incidents()) {
    std::set<std::string> completed;
    for (const incident::Record& record : journal.records(info.id)) {
      if (record.kind != "completed") continue;
      EXPECT_TRUE(completed.insert(record.entry.dump()).second) << "twice: " << record.entry;
      for (const Json& call : record.body.value("calls", Json::array())) {
        if (!call.value("error", "").empty()) continue;
        const Json change = {call["service"], call["operation"], call["region"], call["params"]};
        EXPECT_TRUE(made.insert(change.dump()).second) << "twice: " << change;
        if (!call.value("request_id", "").empty()) {
          EXPECT_TRUE(answered(call["request_id"])) << call.dump();
        }
      }
    }
  }
}

TEST_F(SoakTest, EveryGamedayScenarioIsContained) {
  gameday::LocalEmulator moto(/*aws_managed_policies=*/true);
  FaultProxy proxy(moto.url());
  const auto spec = soak(proxy, 20261207);
  auto result = custos({"gameday", "--all", "-s", path("out"), "--endpoint", proxy.url(),
                        "--yes-this-is-a-sandbox-account", "123456789012"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  const std::size_t summary = result.out.find("9 of 9 contained");
  ASSERT_NE(summary, std::string::npos) << result.out;
  std::cout << result.out.substr(summary, result.out.find('\n', summary) - summary) << "\n";
  expect_sound("gameday", proxy, spec, 60);
  for (const auto& scenario : std::filesystem::directory_iterator(path("out")))
    if (std::filesystem::exists(scenario.path() / "journal.db"))
      expect_journal_agrees((scenario.path() / "journal.db").string(), proxy);
}

TEST_F(SoakTest, AuditFindsWhatItFindsWithoutFaults) {
  aws_cli({"iam", "create-user", "--user-name", "soak-user"});
  aws_cli({"s3api", "create-bucket", "--bucket", "soak-bucket"});
  FaultProxy proxy(emulator().url());
  auto audit = [&](const std::string& url) {
    ProcessResult result = custos(
        {"audit", "--format", "json"},
        {{"AWS_ENDPOINT_URL", url},
         {"AWS_ENDPOINT_URL_S3_CONTROL", "http://localhost:" + url.substr(url.rfind(':') + 1)}});
    EXPECT_EQ(result.exit_code, 1) << result.err;
    return Json::parse(result.out);
  };
  const Json faultless = audit(proxy.url());
  const auto spec = soak(proxy, 7);
  EXPECT_EQ(audit(proxy.url()), faultless);
  expect_sound("audit", proxy, spec, 30);
}

// Two pull policies that only report, with and without faults, then one that acts.
TEST_F(SoakTest, PullRunsMatchTheFaultlessRunsAndActOnce) {
  const std::string tagged = run_instance_with_profile("soak-tagged");
  write("report.yml", R"(policies:
  - name: tagged-instances
    resource: ec2
    filters: [{"tag:custodian": present}, {"State.Name": running}]
  - name: soak-roles
    resource: iam-role
    filters: [{type: value, key: RoleName, value: soak-*, op: glob}]
)");
  FaultProxy proxy(emulator().url());
  auto run = [&](const std::string& out, const std::string& policy) {
    auto result = custos({"run", "-s", path(out), "--journal", path("journal.db"), policy},
                         {{"AWS_ENDPOINT_URL", proxy.url()}});
    EXPECT_EQ(result.exit_code, 0) << result.err;
  };
  auto found = [&](const std::string& out, const std::string& policy) {
    return Json::parse(read_file(path(out + "/" + policy + "/resources.json"))).size();
  };
  run("faultless", path("report.yml"));
  const auto spec = soak(proxy, 11);
  run("soaked", path("report.yml"));
  for (const char* policy : {"tagged-instances", "soak-roles"}) {
    EXPECT_EQ(found("soaked", policy), 1u) << policy;
    EXPECT_EQ(read_file(path(std::string("soaked/") + policy + "/resources.json")),
              read_file(path(std::string("faultless/") + policy + "/resources.json")));
  }
  run("acted", source_path("tests/data/policies/stop-tagged.yml"));
  EXPECT_EQ(instance_state(tagged), "stopped");
  expect_sound("run", proxy, spec, 20);
  expect_journal_agrees(path("journal.db"), proxy);
}

}  // namespace
}  // namespace custos::test
