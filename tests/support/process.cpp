#include "support/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "support/paths.h"

namespace custos::test {

StartedProcess::StartedProcess(const std::vector<std::string>& argv,
                               const std::map<std::string, std::string>& env) {
  auto dir = std::filesystem::temp_directory_path();
  std::string stem =
      "custos-test-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand());
  out_path_ = (dir / (stem + ".out")).string();
  err_path_ = (dir / (stem + ".err")).string();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    for (const auto& [name, value] : env) ::setenv(name.c_str(), value.c_str(), 1);
    int out = ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int in = ::open("/dev/null", O_RDONLY);
    ::dup2(in, STDIN_FILENO);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    std::_Exit(127);
  }
}

StartedProcess::~StartedProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    wait();
  }
}

void StartedProcess::kill(int signal) {
  if (pid_ > 0) ::kill(pid_, signal);
}

ProcessResult StartedProcess::wait() {
  int status = 0;
  struct rusage usage {};
  ::wait4(pid_, &status, 0, &usage);
  pid_ = -1;
  ProcessResult result;
  result.peak_rss_kb = usage.ru_maxrss;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = read_file(out_path_);
  result.err = read_file(err_path_);
  std::filesystem::remove(out_path_);
  std::filesystem::remove(err_path_);
  return result;
}

ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env) {
  return StartedProcess(argv, env).wait();
}

}  // namespace custos::test
