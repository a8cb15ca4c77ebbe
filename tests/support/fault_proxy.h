// An HTTP server on 127.0.0.1 for retry and protocol tests: answers the next N requests with a
// fault (503, a throttling error, ...) and the others by forwarding to an upstream server (moto)
// or with a canned reply; records each request (when, headers, body) and the response sent back.
// In soak mode (soak()) it decides a fault for every request by a seeded random draw.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
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
    bool faulted = false;    // answered by the proxy: upstream never saw it
    std::string soak_fault;  // what soak mode did to it: throttle, error5xx, reset, slow, or ""
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
  // Requests whose path contains `part` get `reply`: an operation of a REST protocol (Glacier's
  // GET /-/vaults/NAME/access-policy) the upstream emulator lacks.
  void answer_path(const std::string& part, Reply reply);
  // Requests `answer` returns a reply for get it rather than being forwarded: a small emulation
  // of an operation the upstream lacks, which may keep state (S3's ?intelligent-tiering
  // configurations). Called under the proxy's lock, after the other canned answers.
  using Responder = std::function<std::optional<Reply>(const Arrival&)>;
  void answer_with(Responder answer);
  // Every answer waits `delay` first, as a real endpoint's round trip would.
  void add_latency(std::chrono::milliseconds delay);
  std::vector<Arrival> arrivals() const;

  // What soak mode injects: the chance of each fault per request, and the latency of every one.
  struct SoakSpec {
    double throttle = 0;  // the protocol's own throttling error
    double error5xx = 0;  // 500 InternalError or 503 ServiceUnavailable, in the protocol's shape
    double reset = 0;     // the connection closed unanswered, before upstream sees the request
    double slow = 0;      // upstream's answer, its body sent in small chunks with pauses
    std::chrono::milliseconds latency{0};
    // "throttle=0.3,error5xx=0.05,latency=50ms,reset=0.01,slow=0.02"; throws
    // std::invalid_argument naming the part it cannot read.
    static SoakSpec parse(const std::string& text);
  };
  // From now on every request is decided by a draw from a generator seeded with `seed` (printed
  // to stderr, so that a failing run can be repeated). A caller's last attempt (amz-sdk-request
  // "attempt=N; max=N") is never faulted: the faults are transient, and what is proven is that
  // retries get through them without repeating what succeeded.
  void soak(const SoakSpec& spec, std::uint64_t seed);

  // What soak mode saw, from the arrivals.
  struct SoakReport {
    int requests = 0;                   // attempts that arrived (moto's own API aside)
    int calls = 0;                      // distinct amz-sdk-invocation-id values
    int retries = 0;                    // attempts after a call's first
    int max_attempts = 0;               // the most attempts one call made
    std::map<std::string, int> faults;  // by kind
    // Mutating requests upstream answered 2xx ("Operation body" or "METHOD target body"), in
    // order: each change that was applied, once per time it was applied.
    std::vector<std::string> applied;
    // Changes upstream applied more than once for one call: a retry repeating what had
    // succeeded (the same change made by two calls may be meant, as two keys for one user).
    std::vector<std::string> applied_twice;
  };
  SoakReport soak_report() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace custos::test
