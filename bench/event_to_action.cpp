// Time from reading a GuardDuty event to custos's first mutating AWS call (the containment
// clock), against a canned loopback EC2 endpoint:
//  - warm: in-process, policy compiled once, event read and run each iteration;
//  - cold: a whole `custos run --event` process each time (process start, model load, ...).
// Prints medians; run from the build folder: bench/event_to_action [iterations].
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

#include "aws/client.h"
#include "canned_ec2.h"
#include "policy/event.h"
#include "policy/runner.h"
#include "resources/builtin.h"

namespace {

using Clock = custos::bench::CannedEc2::Clock;
namespace fs = std::filesystem;

double median_ms(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

void write(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

std::string event_json() {
  return R"({"version":"0","id":"e1","detail-type":"GuardDuty Finding","source":"aws.guardduty",
"account":"123456789012","region":"us-east-1","time":"2026-11-26T00:00:00Z","resources":[],
"detail":{"type":"CryptoCurrency:EC2/BitcoinTool.B!DNS","severity":8,
"resource":{"resourceType":"Instance","instanceDetails":{"instanceId":"i-0123456789abcdef0"}}}})";
}

double warm_once(custos::bench::CannedEc2& server,
                 const std::vector<custos::policy::Policy>& policies,
                 const custos::aws::Client& client, const fs::path& dir) {
  server.reset();
  auto start = Clock::now();
  custos::Json event = custos::policy::load_event_file((dir / "event.json").string());
  custos::policy::RunOptions options;
  options.output_dir = (dir / "out").string();
  options.event = &event;
  for (const auto& policy : policies) {
    auto target = custos::policy::event_target(policy, event);
    if (target.applies) custos::policy::run_policy(policy, client, options, &target);
  }
  return std::chrono::duration<double, std::milli>(server.first_mutation() - start).count();
}

double cold_once(custos::bench::CannedEc2& server, const fs::path& dir, const char* custos) {
  server.reset();
  auto start = Clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    setenv("AWS_ENDPOINT_URL", server.url().c_str(), 1);
    setenv("AWS_ACCESS_KEY_ID", "bench", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "bench", 1);
    setenv("AWS_REGION", "us-east-1", 1);
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    execl(custos, custos, "run", "-s", (dir / "out").c_str(), "--event",
          (dir / "event.json").c_str(), (dir / "policy.yml").c_str(), nullptr);
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return std::chrono::duration<double, std::milli>(server.first_mutation() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  int iterations = argc > 1 ? std::atoi(argv[1]) : 200;
  fs::path dir = fs::temp_directory_path() / "custos-bench-event";
  fs::create_directories(dir);
  write(dir / "event.json", event_json());
  fs::copy_file(fs::path(CUSTOS_SOURCE_DIR) / "tests/data/policies/ec2-compromised-contain.yml",
                dir / "policy.yml", fs::copy_options::overwrite_existing);
  custos::bench::CannedEc2 server;

  auto source = custos::policy::SourceDocument::load_file((dir / "policy.yml").string());
  auto policies = custos::policy::compile_policies(source, custos::resources::builtin_registry());
  custos::aws::SessionOptions session;
  session.endpoint_url = server.url();
  session.region = "us-east-1";
  custos::aws::Credentials keys;
  keys.access_key_id = keys.secret_access_key = "bench";
  session.credentials = keys;
  custos::aws::Client client(std::make_shared<const custos::aws::Session>(session));

  std::vector<double> warm, cold;
  double first = warm_once(server, policies, client, dir);  // loads the EC2 model
  for (int i = 0; i < iterations; ++i) warm.push_back(warm_once(server, policies, client, dir));
  fs::path custos = fs::path(argv[0]).parent_path().parent_path() / "custos";
  int cold_runs = std::max(10, iterations / 10);
  for (int i = 0; i < cold_runs; ++i) cold.push_back(cold_once(server, dir, custos.c_str()));

  std::printf(
      "event -> first mutating call (DisassociateIamInstanceProfile), canned loopback EC2\n");
  std::printf("  in-process, first event (loads the EC2 model): %8.3f ms\n", first);
  std::printf("  in-process, warm, median of %4d:               %8.3f ms\n", iterations,
              median_ms(warm));
  std::printf("  whole `custos run --event` process, median of %3d: %6.3f ms\n", cold_runs,
              median_ms(cold));
  fs::remove_all(dir);
  return 0;
}
