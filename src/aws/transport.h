// HTTP transport over libcurl with keep-alive: one reusable connection cache per thread.
#pragma once

#include <chrono>

#include "aws/http.h"

namespace custos::aws {

struct TransportOptions {
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds request_timeout{60'000};
};

// Sends one request and returns the response whatever its status; throws custos::Error when no
// response arrives (connection refused, DNS, timeout), naming the URL's host.
HttpResponse send(const HttpRequest& request, const TransportOptions& options = {});

}  // namespace custos::aws
