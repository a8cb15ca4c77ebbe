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

// Asks the kernel for a free loopback port. Another process could take it before moto binds
// it; the start-up check below then fails loudly rather than talking to a stranger.
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

std::string read_log(const std::string& path) {
  std::string log = read_file(path).value_or("");
  return log.size() > 2000 ? "..." + log.substr(log.size() - 2000) : log;
}

std::string server_command() {
  const char* configured = std::getenv("CUSTOS_MOTO_SERVER");
  return configured && *configured ? configured : "moto_server";
}

bool answers(const std::string& url) {
  try {
    aws::HttpRequest request{"GET", url + "/moto-api/", {}, ""};
    return aws::send(request, {std::chrono::milliseconds(500), std::chrono::milliseconds(2000)})
               .status == 200;
  } catch (const Error&) {
    return false;
  }
}

}  // namespace

LocalEmulator::LocalEmulator() {
  port_ = free_loopback_port();
  url_ = "http://127.0.0.1:" + std::to_string(port_);
  log_path_ =
      (std::filesystem::temp_directory_path() / ("custos-moto-" + std::to_string(port_) + ".log"))
          .string();
  std::string command = server_command();
  std::string port = std::to_string(port_);
  pid_ = ::fork();
  if (pid_ < 0) throw Error("cannot start " + command + ": fork failed");
  if (pid_ == 0) {
    ::setpgid(0, 0);  // its own group, so stopping it stops its workers too
    int log = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (log >= 0) {
      ::dup2(log, STDOUT_FILENO);
      ::dup2(log, STDERR_FILENO);
    }
    ::execlp(command.c_str(), command.c_str(), "-H", "127.0.0.1", "-p", port.c_str(), nullptr);
    std::_Exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!answers(url_)) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw Error(command +
                  " exited before it served (is moto installed? `pip install "
                  "'moto[server]'`, or set CUSTOS_MOTO_SERVER). Its log:\n" +
                  read_log(log_path_));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      std::string log = read_log(log_path_);
      stop();
      throw Error(command + " did not answer on " + url_ + " within 60 s. Its log:\n" + log);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

LocalEmulator::~LocalEmulator() { stop(); }

void LocalEmulator::stop() {
  if (pid_ > 0) {
    ::kill(-pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 100 && ::waitpid(pid_, &status, WNOHANG) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (::waitpid(pid_, &status, WNOHANG) == 0) {
      ::kill(-pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
    pid_ = -1;
  }
  if (!log_path_.empty()) std::filesystem::remove(log_path_);
}

void LocalEmulator::reset() const {
  aws::HttpRequest request{"POST", url_ + "/moto-api/reset", {}, ""};
  auto response = aws::send(request);
  if (response.status != 200)
    throw Error("resetting the emulator at " + url_ + " failed: HTTP " +
                std::to_string(response.status));
}

}  // namespace custos::gameday
