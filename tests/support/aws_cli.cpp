#include "support/aws_cli.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <thread>

#include "core/file.h"
#include "core/json.h"
#include "support/paths.h"

extern char** environ;

namespace custos::test {
namespace {

namespace fs = std::filesystem;

constexpr const char* kServerScript = "aws_cli_server.py";
constexpr int kIdleSeconds = 300;  // the server exits after this long without a call

std::runtime_error failure(const std::string& what) {
  return std::runtime_error("AWS CLI server: " + what);
}

fs::path pool_dir() { return CUSTOS_MOTO_POOL_DIR; }

// An abstract Unix socket (no file, no length limit from the folder's path), one per pool.
std::string socket_name(const fs::path& pool) {
  return "custos-aws-cli-" + std::to_string(std::hash<std::string>{}(pool.string()));
}

int connect_server(const std::string& name) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw failure(std::string("cannot open a socket: ") + std::strerror(errno));
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path + 1, name.data(), name.size());  // sun_path[0] = 0: abstract
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), length) == 0) return fd;
  ::close(fd);
  return -1;
}

// The server, detached (its own session) so that it outlives this test process.
void start_server(const fs::path& pool, const std::string& name) {
  const std::string script = source_path("tests/support/" + std::string(kServerScript));
  const std::string log = (pool / "aws-cli.log").string();
  const std::string idle = std::to_string(kIdleSeconds);
  const pid_t pid = ::fork();
  if (pid < 0) throw failure("fork failed");
  if (pid == 0) {
    ::setsid();
    int in = ::open("/dev/null", O_RDONLY);
    int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(in, STDIN_FILENO);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(out, STDERR_FILENO);
    ::close_range(3, ~0U, 0);
    ::execl("/usr/bin/python3", "python3", script.c_str(), name.c_str(), idle.c_str(), nullptr);
    std::_Exit(127);
  }
  std::ofstream(pool / "aws-cli.json") << Json{{"pid", pid}};
}

int connect_or_start(const fs::path& pool) {
  const std::string name = socket_name(pool);
  if (int fd = connect_server(name); fd >= 0) return fd;
  fs::create_directories(pool);
  // Under a lock, so that test processes finding no server at once start one between them.
  const fs::path lock_path = pool / "aws-cli.lock";
  int lock = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock < 0 || ::flock(lock, LOCK_EX) != 0)
    throw failure("cannot lock " + lock_path.string() + ": " + std::strerror(errno));
  int fd = connect_server(name);
  if (fd < 0) start_server(pool, name);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (fd < 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    fd = connect_server(name);
  }
  ::close(lock);
  if (fd < 0)
    throw failure("did not start within 30 s; its log:\n" +
                  custos::read_file(pool / "aws-cli.log").value_or(""));
  return fd;
}

Json environment(const std::map<std::string, std::string>& added) {
  Json env = Json::object();
  for (char** entry = environ; *entry; ++entry) {
    const std::string text = *entry;
    const auto equals = text.find('=');
    if (equals != std::string::npos) env[text.substr(0, equals)] = text.substr(equals + 1);
  }
  for (const auto& [name, value] : added) env[name] = value;
  return env;
}

void send_all(int fd, const std::string& text) {
  for (std::size_t sent = 0; sent < text.size();) {
    const ssize_t n = ::send(fd, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw failure(std::string("cannot send a call: ") + std::strerror(errno));
    sent += static_cast<std::size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
}

std::string receive_all(int fd) {
  std::string text;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return text;
    text.append(buffer, static_cast<std::size_t>(n));
  }
}

}  // namespace

ProcessResult run_aws_cli(const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env) {
  const Json request = {
      {"args", args}, {"env", environment(env)}, {"cwd", fs::current_path().string()}};
  const int fd = connect_or_start(pool_dir());
  std::string reply;
  try {
    send_all(fd, request.dump());
    reply = receive_all(fd);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  const Json answer = Json::parse(reply, nullptr, false);
  if (!answer.is_object())
    throw failure("no answer to `aws " + (args.empty() ? "" : args[0]) + " ...`; its log:\n" +
                  custos::read_file(pool_dir() / "aws-cli.log").value_or(""));
  return {answer.value("exit_code", -1), answer.value("out", ""), answer.value("err", "")};
}

bool stop_aws_cli_server(const fs::path& pool) {
  const Json record =
      Json::parse(custos::read_file(pool / "aws-cli.json").value_or(""), nullptr, false);
  fs::remove(pool / "aws-cli.json");
  if (!record.is_object()) return false;
  const pid_t pid = record.value("pid", -1);
  // pids are reused: only a process still running the server script is stopped.
  const std::string cmdline =
      custos::read_file("/proc/" + std::to_string(pid) + "/cmdline").value_or("");
  if (pid <= 0 || cmdline.find(kServerScript) == std::string::npos) return false;
  return ::kill(pid, SIGTERM) == 0;
}

}  // namespace custos::test
