#include "gameday/emulator.h"
#include "core/file.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "aws/transport.h"
#include "core/error.h"

namespace custos::gameday {
namespace {

std::string read_log(const std::string& path) {
  std::string log = read_file(path).value_or("");
  return log.size() > 2000 ? "..." + log.substr(log.size() - 2000) : log;
}

std::string server_command() {
  const char* configured = std::getenv("CUSTOS_MOTO_SERVER");
  return configured && *configured ? configured : "moto_server";
}

// In the forked child: becomes the server, holding none of the parent's files (a test's lock,
// ctest's output pipes), so nothing waits on it once the parent is gone.
[[noreturn]] void exec_server(const std::string& command, int port, const std::string& log_path,
                              bool aws_managed_policies) {
  ::setsid();
  if (aws_managed_policies)
    ::setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true",
             1);  // its own session and group: stopping the group stops its workers too
  int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  int in = ::open("/dev/null", O_RDONLY);
  ::dup2(in, STDIN_FILENO);
  if (log >= 0) {
    ::dup2(log, STDOUT_FILENO);
    ::dup2(log, STDERR_FILENO);
  }
  ::close_range(3, ~0U, 0);
  std::string port_text = std::to_string(port);
  ::execlp(command.c_str(), command.c_str(), "-H", "127.0.0.1", "-p", port_text.c_str(), nullptr);
  std::_Exit(127);
}

// Whether `pid` has exited. This process reaps its own children; another's (a server a finished
// test process started) lingers as a zombie, for seconds here, until init reaps it.
bool exited(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, WNOHANG) == pid) return true;
  const std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat").value_or("");
  const auto name_end = stat.rfind(") ");  // "PID (NAME) STATE ...", NAME may hold anything
  return name_end == std::string::npos || stat.compare(name_end + 2, 1, "Z") == 0;
}

bool wait_exit(pid_t pid, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!exited(pid)) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace

int free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw Error("cannot open a socket to find a free port");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0)
    port = ntohs(address.sin_port);
  ::close(fd);
  if (port == 0) throw Error("cannot find a free port on 127.0.0.1");
  return port;
}

pid_t start_moto_server(int port, const std::string& log_path, bool aws_managed_policies) {
  const std::string command = server_command();
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  const pid_t pid = ::fork();
  if (pid < 0) throw Error("cannot start " + command + ": fork failed");
  if (pid == 0) exec_server(command, port, log_path, aws_managed_policies);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!moto_answers(url)) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid)
      throw Error(command +
                  " exited before it served (is moto installed? `pip install "
                  "'moto[server]'`, or set CUSTOS_MOTO_SERVER). Its log:\n" +
                  read_log(log_path));
    if (std::chrono::steady_clock::now() > deadline) {
      std::string log = read_log(log_path);
      stop_moto_server(pid);
      throw Error(command + " did not answer on " + url + " within 60 s. Its log:\n" + log);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return pid;
}

bool moto_answers(const std::string& url) {
  try {
    aws::HttpRequest request{"GET", url + "/moto-api/", {}, ""};
    return aws::send(request, {std::chrono::milliseconds(500), std::chrono::milliseconds(2000)})
               .status == 200;
  } catch (const Error&) {
    return false;
  }
}

void reset_moto(const std::string& url) {
  aws::HttpRequest request{"POST", url + "/moto-api/reset", {}, ""};
  auto response = aws::send(request);
  if (response.status != 200)
    throw Error("resetting the emulator at " + url + " failed: HTTP " +
                std::to_string(response.status));
}

void stop_moto_server(pid_t pid) {
  if (pid <= 0) return;  // kill(-pid) would signal this process's own group, or every process
  ::kill(-pid, SIGTERM);
  if (wait_exit(pid, std::chrono::seconds(2))) return;
  ::kill(-pid, SIGKILL);
  wait_exit(pid, std::chrono::seconds(5));
}

LocalEmulator::LocalEmulator(bool aws_managed_policies) {
  port_ = free_loopback_port();
  url_ = "http://127.0.0.1:" + std::to_string(port_);
  log_path_ =
      (std::filesystem::temp_directory_path() / ("custos-moto-" + std::to_string(port_) + ".log"))
          .string();
  pid_ = start_moto_server(port_, log_path_, aws_managed_policies);
}

LocalEmulator::~LocalEmulator() {
  stop_moto_server(pid_);
  std::filesystem::remove(log_path_);
}

}  // namespace custos::gameday
