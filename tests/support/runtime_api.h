// AWS Lambda's Runtime API served on 127.0.0.1, as Lambda serves it to a custom runtime: the
// test queues invocations, which /next hands out one at a time (waiting as long as it takes),
// and records each /response, /error and /init/error. Moto cannot invoke functions; this
// speaks the protocol AWS documents, so that a packaged bootstrap runs as in Lambda.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace custos::test {

class RuntimeApiServer {
 public:
  struct Answer {
    std::string request_id;
    bool error = false;
    std::string error_type;  // Lambda-Runtime-Function-Error-Type
    std::string body;
  };

  RuntimeApiServer();
  ~RuntimeApiServer();
  RuntimeApiServer(const RuntimeApiServer&) = delete;
  RuntimeApiServer& operator=(const RuntimeApiServer&) = delete;

  // 127.0.0.1:PORT, for AWS_LAMBDA_RUNTIME_API.
  const std::string& address() const;
  // Queues an invocation with `time_left` before its deadline; returns its request id.
  std::string invoke(const std::string& event,
                     std::chrono::milliseconds time_left = std::chrono::minutes(5),
                     const std::string& trace =
                         "Root=1-5759e988-bd862e3fe1be46a994272793;"
                         "Parent=53995c3f42cd8ad8;Sampled=1");
  // The answer to `request_id`, once it arrives; nullopt after `timeout`.
  std::optional<Answer> answer(const std::string& request_id,
                               std::chrono::milliseconds timeout = std::chrono::seconds(60));
  // The body of /init/error, once it arrives.
  std::optional<std::string> init_error(std::chrono::milliseconds timeout);
  // When the first /next arrived, once it has.
  std::optional<std::chrono::steady_clock::time_point> first_next(
      std::chrono::milliseconds timeout);
  // The API goes away: a waiting /next gets HTTP 500 and nothing listens any more.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace custos::test
