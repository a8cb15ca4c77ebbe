// AWS Lambda's Runtime API, the protocol of custom runtimes (provided.al2023): custos takes
// invocations one after another, hands each event to the handler, and answers with what was
// done or an error (errorType, errorMessage); each invocation's deadline and X-Ray trace header
// come with it.
#pragma once

#include <chrono>
#include <ostream>
#include <string>

#include "serverless/handler.h"

namespace custos::serverless {

struct RuntimeOptions {
  std::string api;  // AWS_LAMBDA_RUNTIME_API: host:port
  // No action starts with less than this left before an invocation's deadline.
  std::chrono::milliseconds margin{5000};
  // Each invocation writes its outputs under ROOT/<request id>, removed once it is answered:
  // /tmp is small and outlives invocations.
  std::string output_root = "/tmp/custos";
  std::ostream* log = nullptr;  // a line per policy and action (CloudWatch Logs reads stdout)
};

// Answers invocations until the Runtime API goes away; then returns 1, having said so on
// options.log. One invocation's failure is answered as its error and the loop goes on.
int serve_invocations(const Handler& handler, const RuntimeOptions& options);

// Reports a failed initialisation (no policy, an invalid one) to the Runtime API.
void report_init_error(const std::string& api, const std::string& type, const std::string& message);

// The Runtime API's error document.
Json lambda_error(const std::string& type, const std::string& message);

}  // namespace custos::serverless
