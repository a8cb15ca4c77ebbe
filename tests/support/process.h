// Runs a program (custos, the AWS CLI) as a test's independent client and captures its output.
#pragma once

#include <map>
#include <string>
#include <vector>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define CUSTOS_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define CUSTOS_TEST_SANITIZED 1
#endif
#endif

namespace custos::test {

// Whether this build runs under AddressSanitizer (CUSTOS_SANITIZE) or ThreadSanitizer
// (CUSTOS_TSAN), whose quarantine and shadow memory make a process's peak memory say nothing of
// custos's own: memory bounds are then printed, not checked.
#ifdef CUSTOS_TEST_SANITIZED
inline constexpr bool kUnderSanitizer = true;
#else
inline constexpr bool kUnderSanitizer = false;
#endif

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
