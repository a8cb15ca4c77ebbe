// A local AWS emulator (moto's server) on a free 127.0.0.1 port, for game days and tests:
// started on construction, reset on demand, stopped on destruction.
#pragma once

#include <sys/types.h>
#include <string>

namespace custos::gameday {

class LocalEmulator {
 public:
  // Starts `moto_server` (or CUSTOS_MOTO_SERVER, a command path) and waits until it answers.
  // Throws custos::Error with the server's log when it does not start.
  LocalEmulator();
  ~LocalEmulator();
  LocalEmulator(const LocalEmulator&) = delete;
  LocalEmulator& operator=(const LocalEmulator&) = delete;

  const std::string& url() const { return url_; }  // http://127.0.0.1:PORT
  int port() const { return port_; }
  // Forgets every resource (POST /moto-api/reset), as a fresh account.
  void reset() const;

 private:
  void stop();

  pid_t pid_ = -1;
  int port_ = 0;
  std::string url_;
  std::string log_path_;
};

}  // namespace custos::gameday
