// A pull run over 1,000 EC2 instances on moto (issue 16's describe-pages row): the custos binary
// lists them, applies three filters (tag present, state, regex on a tag) and writes its outputs,
// no action. Prints the median wall time and the custos process's own CPU time (user + system,
// from wait4), which is what the row's goal is about: moto's time is the floor of the wall time.
// Usage: bench/pull_run [instances] [runs]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "aws/client.h"
#include "gameday/emulator.h"

namespace {

using namespace custos;

struct Run {
  double wall = 0, cpu = 0;
};

Run run_custos(const std::vector<std::string>& args) {
  auto start = std::chrono::steady_clock::now();
  pid_t child = fork();
  if (child == 0) {
    std::vector<char*> argv;
    for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)) _exit(126);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  wait4(child, &status, 0, &usage);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "custos exited with status %d\n", WEXITSTATUS(status));
    std::exit(1);
  }
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return {std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
          seconds(usage.ru_utime) + seconds(usage.ru_stime)};
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int instances = argc > 1 ? std::atoi(argv[1]) : 1000;
  int runs = argc > 2 ? std::atoi(argv[2]) : 5;
  gameday::LocalEmulator moto;
  setenv("AWS_ENDPOINT_URL", moto.url().c_str(), 1);
  setenv("AWS_ACCESS_KEY_ID", "bench", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "bench", 1);
  setenv("AWS_DEFAULT_REGION", "us-east-1", 1);
  setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
  aws::SessionOptions options;
  options.endpoint_url = moto.url();
  options.region = "us-east-1";
  aws::Credentials keys;
  keys.access_key_id = keys.secret_access_key = "bench";
  options.credentials = keys;
  aws::Client client(std::make_shared<const aws::Session>(options));
  for (int made = 0; made < instances; made += 250) {
    int count = std::min(250, instances - made);
    client.call("ec2", "RunInstances",
                {{"ImageId", "ami-12c6146b"},
                 {"MinCount", count},
                 {"MaxCount", count},
                 {"TagSpecifications",
                  Json::array({{{"ResourceType", "instance"},
                                {"Tags", Json::array({{{"Key", "custodian"}, {"Value", "yes"}},
                                                      {{"Key", "Name"}, {"Value", "web"}}})}}})}});
  }
  auto dir =
      std::filesystem::temp_directory_path() / ("custos-pull-run-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "policy.yml") << R"(policies:
  - name: running-tagged
    resource: aws.ec2
    filters:
      - "tag:custodian": present
      - State.Name: running
      - {type: value, key: "tag:Name", op: regex, value: "^web"}
)";
  std::vector<double> wall, cpu;
  for (int i = 0; i < runs; ++i) {
    Run run = run_custos({CUSTOS_BINARY, "run", "--no-journal", "-s", (dir / "out").string(),
                          (dir / "policy.yml").string()});
    wall.push_back(run.wall);
    cpu.push_back(run.cpu);
  }
  std::filesystem::remove_all(dir);
  std::printf(
      "custos run, a pull policy of three filters over %d instances on moto, median of %d:\n",
      instances, runs);
  std::printf("  wall %.3f s, custos CPU %.1f ms (goal: under 50 ms)\n", median(wall),
              median(cpu) * 1000);
  return 0;
}
