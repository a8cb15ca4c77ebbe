// A Lambda function's cold start as custos's custom runtime has it: from exec of the package's
// `bootstrap` (clean environment, as Lambda starts it) to its first /invocation/next request on
// a Runtime API served on 127.0.0.1. That /next is answered with HTTP 500, which ends the
// runtime. Prints the median, the spread and the peak RSS of the runtime process.
// Usage: bench/lambda_cold_start TASK_DIR [runs]   (TASK_DIR: an unpacked `custos package` zip)
#include <fcntl.h>
#include <httplib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

// The Runtime API's /next, remembering when it first came.
class FirstNext {
 public:
  FirstNext() {
    server_.Get("/2018-06-01/runtime/invocation/next",
                [this](const httplib::Request&, httplib::Response& res) {
                  {
                    std::lock_guard lock(mutex_);
                    if (!at_) at_ = Clock::now();
                    arrived_.notify_all();
                  }
                  res.status = 500;
                  res.set_content(R"({"errorMessage":"benchmark over"})", "application/json");
                });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FirstNext() {
    server_.stop();
    thread_.join();
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  void reset() {
    std::lock_guard lock(mutex_);
    at_.reset();
  }
  std::optional<Clock::time_point> wait(std::chrono::seconds limit) {
    std::unique_lock lock(mutex_);
    arrived_.wait_for(lock, limit, [this] { return at_.has_value(); });
    return at_;
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::optional<Clock::time_point> at_;
};

struct Sample {
  double ms = 0;
  long rss_kb = 0;
};

std::optional<Sample> start_once(const std::string& task, FirstNext& api) {
  api.reset();
  std::string bootstrap = task + "/bootstrap";
  std::vector<std::string> env = {"AWS_LAMBDA_RUNTIME_API=" + api.address(),
                                  "_HANDLER=ec2-compromised-contain",
                                  "LAMBDA_TASK_ROOT=" + task,
                                  "AWS_REGION=us-east-1",
                                  "AWS_ACCESS_KEY_ID=testing",
                                  "AWS_SECRET_ACCESS_KEY=testing",
                                  "CUSTOS_JOURNAL=/tmp/custos-bench-journal.db"};
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  char* argv[] = {bootstrap.data(), nullptr};
  const auto started = Clock::now();
  pid_t pid = ::fork();
  if (pid == 0) {
    int quiet = ::open("/dev/null", O_WRONLY);
    ::dup2(quiet, STDOUT_FILENO);
    ::execve(bootstrap.c_str(), argv, envp.data());
    std::_Exit(127);
  }
  auto at = api.wait(std::chrono::seconds(10));
  int status = 0;
  rusage usage{};
  ::wait4(pid, &status, 0, &usage);
  if (!at) return std::nullopt;
  return Sample{std::chrono::duration<double, std::milli>(*at - started).count(), usage.ru_maxrss};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s TASK_DIR [runs]\n", argv[0]);
    return 2;
  }
  const int runs = argc > 2 ? std::atoi(argv[2]) : 20;
  FirstNext api;
  start_once(argv[1], api);  // the first start fills the page cache, as a warm host would be
  std::vector<Sample> samples;
  for (int i = 0; i < runs; ++i) {
    auto sample = start_once(argv[1], api);
    if (!sample) {
      std::fprintf(stderr, "bootstrap in %s never asked for an invocation\n", argv[1]);
      return 1;
    }
    samples.push_back(*sample);
  }
  std::sort(samples.begin(), samples.end(), [](auto& a, auto& b) { return a.ms < b.ms; });
  long rss = 0;
  for (const auto& s : samples) rss = std::max(rss, s.rss_kb);
  std::printf(
      "lambda cold start (bootstrap exec to first /next), median of %d: %.2f ms "
      "(min %.2f, max %.2f); peak RSS %.1f MB\n",
      runs, samples[samples.size() / 2].ms, samples.front().ms, samples.back().ms, rss / 1024.0);
  return 0;
}
