// HTTP transport over libcurl with keep-alive: one reusable connection cache per thread.
// libcurl is loaded at the first request, so commands that never reach the network start fast.
#pragma once

#include <chrono>
#include <string>

#include "aws/http.h"
#include "core/error.h"

namespace custos::aws {

struct TransportOptions {
  std::chrono::milliseconds connect_timeout{10'000};
  // No byte for this long ends the request: an endpoint that accepts and never answers cannot
  // stall a response. The whole request may take at most five times as long. Zero: wait for
  // ever (only for the Lambda Runtime API's /next, which answers when an event comes).
  std::chrono::milliseconds read_timeout{60'000};
  std::string ca_bundle{};  // PEM file of trusted CAs; empty: the system's
};

// No response arrived (connection refused, DNS, timeout): the client may retry.
class NoResponseError : public Error {
 public:
  NoResponseError(const std::string& message, bool timeout) : Error(message), timeout_(timeout) {}
  bool timeout() const { return timeout_; }

 private:
  bool timeout_;
};

// Sends one request and returns the response whatever its status; throws NoResponseError when no
// response arrives, naming the URL's host.
HttpResponse send(const HttpRequest& request, const TransportOptions& options = {});

// Loads libcurl now rather than at the first request (a Lambda runtime overlaps it with its own
// start; a package must ship it). Throws Error when it cannot be loaded.
void load_http_library();

}  // namespace custos::aws
