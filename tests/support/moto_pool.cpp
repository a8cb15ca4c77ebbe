#include "support/moto_pool.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/file.h"
#include "core/json.h"
#include "gameday/emulator.h"

namespace custos::test {
namespace {

namespace fs = std::filesystem;

fs::path slot_file(const fs::path& pool, int slot, const std::string& extension) {
  return pool / ("slot-" + std::to_string(slot) + extension);
}

std::runtime_error system_error(const std::string& what) {
  return std::runtime_error("moto pool: " + what + ": " + std::strerror(errno));
}

int open_lock(const fs::path& path) {
  // O_CLOEXEC: a server started from this process must not inherit, and so keep, the lock.
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw system_error("cannot open " + path.string());
  return fd;
}

void lock_waiting(int fd, const fs::path& path) {
  while (::flock(fd, LOCK_EX) != 0)
    if (errno != EINTR) throw system_error("cannot lock " + path.string());
}

struct Locked {
  int slot;
  int fd;
};

// The first free slot; when all are busy, one chosen by pid (spreading the waiters), once free.
Locked lock_slot(const fs::path& pool, int size) {
  for (int slot = 0; slot < size; ++slot) {
    int fd = open_lock(slot_file(pool, slot, ".lock"));
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return {slot, fd};
    ::close(fd);
  }
  const int slot = ::getpid() % size;
  const fs::path path = slot_file(pool, slot, ".lock");
  int fd = open_lock(path);
  lock_waiting(fd, path);
  return {slot, fd};
}

struct Server {
  pid_t pid = -1;
  int port = 0;
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
};

std::optional<Server> recorded_server(const fs::path& path) {
  Json json = Json::parse(custos::read_file(path).value_or(""), nullptr, false);
  if (!json.is_object()) return std::nullopt;
  return Server{json.value("pid", -1), json.value("port", 0)};
}

void record_server(const fs::path& path, const Server& server) {
  // Written aside and renamed, so stop_moto_pool never reads half a file.
  const fs::path written = path.string() + ".new";
  std::ofstream(written) << Json{{"url", server.url()}, {"port", server.port}, {"pid", server.pid}};
  fs::rename(written, path);
}

// Whether the pid still names the server started for that port (pids are reused): its command
// line ends with the arguments gameday::start_moto_server gives it.
bool is_running(const Server& server) {
  std::string cmdline =
      custos::read_file("/proc/" + std::to_string(server.pid) + "/cmdline").value_or("");
  std::vector<std::string> args;
  for (std::size_t start = 0, end; start < cmdline.size(); start = end + 1) {
    end = cmdline.find('\0', start);
    if (end == std::string::npos) end = cmdline.size();
    args.push_back(cmdline.substr(start, end - start));
  }
  const std::vector<std::string> tail = {"-H", "127.0.0.1", "-p", std::to_string(server.port)};
  return args.size() > tail.size() && std::equal(tail.rbegin(), tail.rend(), args.rbegin());
}

// The slot's server, started anew unless the recorded one is running and answers.
Server slot_server(const fs::path& pool, int slot) {
  const fs::path record = slot_file(pool, slot, ".json");
  std::optional<Server> server = recorded_server(record);
  if (server && is_running(*server)) {
    if (gameday::moto_answers(server->url())) return *server;
    gameday::stop_moto_server(server->pid);  // hung
  }
  Server started;
  started.port = gameday::free_loopback_port();
  started.pid = gameday::start_moto_server(started.port, slot_file(pool, slot, ".log"));
  record_server(record, started);
  return started;
}

}  // namespace

MotoSlot::MotoSlot(const fs::path& pool, int size) {
  fs::create_directories(pool);
  const Locked locked = lock_slot(pool, size);
  lock_ = locked.fd;
  url_ = slot_server(pool, locked.slot).url();
}

MotoSlot::~MotoSlot() { ::close(lock_); }

void MotoSlot::reset() const { gameday::reset_moto(url_); }

int moto_pool_size() {
  const char* configured = std::getenv("CUSTOS_MOTO_POOL_SIZE");
  if (!configured || !*configured) return std::max(1u, std::thread::hardware_concurrency());
  char* end = nullptr;
  const long size = std::strtol(configured, &end, 10);
  if (*end || size < 1 || size > 256)
    throw std::runtime_error("CUSTOS_MOTO_POOL_SIZE must be a number from 1 to 256, not '" +
                             std::string(configured) + "'");
  return static_cast<int>(size);
}

int stop_moto_pool(const fs::path& pool) {
  std::vector<fs::path> records;
  if (fs::is_directory(pool))
    for (const auto& entry : fs::directory_iterator(pool))
      if (entry.path().extension() == ".json") records.push_back(entry.path());
  int stopped = 0;
  for (const fs::path& record : records) {
    fs::path lock_path = record;
    lock_path.replace_extension(".lock");
    const int fd = open_lock(lock_path);
    lock_waiting(fd, lock_path);
    std::optional<Server> server = recorded_server(record);
    if (server && is_running(*server)) {
      gameday::stop_moto_server(server->pid);
      ++stopped;
    }
    fs::remove(record);
    ::close(fd);
  }
  return stopped;
}

}  // namespace custos::test
