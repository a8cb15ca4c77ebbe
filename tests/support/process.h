// Runs a program (custos, the AWS CLI) as a test's independent client and captures its output.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace custos::test {

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
  long peak_rss_kb = 0;  // the process's peak resident memory (getrusage's ru_maxrss)
};

// Runs argv[0] (looked up on PATH) with `env` added to this process's environment.
ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env = {});

// The same, started in the background: wait() for it, or kill it first.
class StartedProcess {
 public:
  StartedProcess(const std::vector<std::string>& argv,
                 const std::map<std::string, std::string>& env = {});
  ~StartedProcess();
  StartedProcess(const StartedProcess&) = delete;
  StartedProcess& operator=(const StartedProcess&) = delete;
  void kill(int signal);
  ProcessResult wait();

 private:
  int pid_ = -1;
  std::string out_path_, err_path_;
};

}  // namespace custos::test
