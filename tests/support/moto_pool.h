// Moto servers shared by test processes running at the same time (ctest -j), one server per
// process at a time. Slot K of the pool folder is slot-K.lock, which the process using the server
// holds with flock (the kernel releases it when that process exits, however it ends),
// slot-K.json ({"url", "port", "pid"}) and slot-K.log (the server's output). Servers outlive the
// test processes, so a suite starts each once rather than once per test; stop_moto_pool ends them.
#pragma once

#include <filesystem>
#include <string>

namespace custos::test {

// This process's server.
class MotoSlot {
 public:
  // Locks the first free of `size` slots of `pool` (or waits for one when all are busy) and
  // starts the slot's server when it has none that answers.
  MotoSlot(const std::filesystem::path& pool, int size);
  ~MotoSlot();
  MotoSlot(const MotoSlot&) = delete;
  MotoSlot& operator=(const MotoSlot&) = delete;

  const std::string& url() const { return url_; }  // http://127.0.0.1:PORT
  int port() const { return std::stoi(url_.substr(url_.rfind(':') + 1)); }
  // Forgets every resource, as a fresh account.
  void reset() const;

 private:
  int lock_ = -1;
  std::string url_;
};

// CUSTOS_MOTO_POOL_SIZE, else the number of CPUs.
int moto_pool_size();

// Stops every server of `pool`, waiting for the process using one to end; returns how many.
int stop_moto_pool(const std::filesystem::path& pool);

}  // namespace custos::test
