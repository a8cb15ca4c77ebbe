// An HTTP server on 127.0.0.1 for retry and protocol tests: answers the next N requests with a
// fault (503, a throttling error, ...) and the others by forwarding to an upstream server (moto)
// or with a canned reply; records each request (when, headers, body) and the response sent back.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace custos::test {

class FaultProxy {
 public:
  struct Reply {
    int status = 200;
    std::string body;
    std::string content_type = "text/xml";
    std::map<std::string, std::string> headers;
  };
  struct Arrival {
    std::chrono::steady_clock::time_point time;
    std::string method;
    std::string target;  // path and query
    std::map<std::string, std::string> headers;
    bool faulted = false;
    std::string body;
    // What the client got back, exactly as sent (header names lower-case).
    int status = 0;
    std::vector<std::pair<std::string, std::string>> response_headers;
    std::string response_body;
  };

  // Forwards to `upstream_url` (http://127.0.0.1:PORT) what it does not fault.
  explicit FaultProxy(const std::string& upstream_url);
  // Answers `answer` to what it does not fault.
  explicit FaultProxy(Reply answer);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  const std::string& url() const;  // http://127.0.0.1:PORT
  // The next `count` requests get `fault`.
  void fail_next(int count, Reply fault);
  // Requests whose body contains `marker` are not answered until release(): a test can stop
  // a client exactly while that call is in flight. They then get a 503.
  void hold(std::string marker);
  // Waits until a held request has arrived; false after `timeout`.
  bool wait_held(std::chrono::milliseconds timeout);
  void release();
  // Requests for `action` (Action=NAME in a query-protocol body, or a JSON-protocol
  // X-Amz-Target ending in .NAME) get `reply` rather than being forwarded: an operation the
  // upstream emulator lacks, answered as AWS would.
  void answer_action(const std::string& action, Reply reply);
  // Requests whose body contains `marker` get `reply` rather than being forwarded: one role's
  // AssumeRole refused while every other call reaches the emulator.
  void answer_containing(const std::string& marker, Reply reply);
  // Every answer waits `delay` first, as a real endpoint's round trip would.
  void add_latency(std::chrono::milliseconds delay);
  std::vector<Arrival> arrivals() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace custos::test
