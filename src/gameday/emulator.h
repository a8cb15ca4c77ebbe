// A local AWS emulator (moto's server) on a free 127.0.0.1 port, for game days and tests:
// started on construction, reset on demand, stopped on destruction.
#pragma once

#include <sys/types.h>
#include <string>

namespace custos::gameday {

// What LocalEmulator is made of, for servers that must outlive the object that started them (the
// tests share a pool of servers between processes: tests/support/moto_pool.h).

// A free port on 127.0.0.1. Another process could take it before it is bound; starting a server
// on it then fails loudly rather than talking to a stranger.
int free_loopback_port();
// Starts `moto_server` (or CUSTOS_MOTO_SERVER, a command path) on 127.0.0.1:port in a session of
// its own, writing its output to log_path, and waits until it answers. It runs until stopped,
// even after this process ends. Throws custos::Error with the server's log when it does not start.
// With `aws_managed_policies`, its accounts hold AWS's managed IAM policies as real ones do
// (moto loads them on an account's first IAM call: about a second and a half).
pid_t start_moto_server(int port, const std::string& log_path, bool aws_managed_policies = false);
// Whether a moto server answers at url (http://127.0.0.1:PORT).
bool moto_answers(const std::string& url);
// Forgets every resource (POST /moto-api/reset), as a fresh account.
void reset_moto(const std::string& url);
// Stops the server and its workers, whichever process started it.
void stop_moto_server(pid_t pid);

class LocalEmulator {
 public:
  // Starts the server (start_moto_server) and waits until it answers.
  explicit LocalEmulator(bool aws_managed_policies = false);
  ~LocalEmulator();
  LocalEmulator(const LocalEmulator&) = delete;
  LocalEmulator& operator=(const LocalEmulator&) = delete;

  const std::string& url() const { return url_; }  // http://127.0.0.1:PORT
  int port() const { return port_; }
  void reset() const { reset_moto(url_); }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string url_;
  std::string log_path_;
};

}  // namespace custos::gameday
