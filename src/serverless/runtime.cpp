#include "serverless/runtime.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "aws/transport.h"
#include "policy/event.h"
#include "serverless/report.h"

namespace custos::serverless {
namespace {

using Clock = std::chrono::system_clock;

// The Runtime API went away (or answered what the protocol does not allow): the process ends.
class RuntimeGone : public Error {
 public:
  using Error::Error;
};

std::string base_url(const std::string& api) { return "http://" + api + "/2018-06-01/runtime"; }

aws::HttpResponse exchange(const aws::HttpRequest& request, const aws::TransportOptions& options,
                           const std::string& what) {
  aws::HttpResponse response;
  try {
    response = aws::send(request, options);
  } catch (const aws::NoResponseError& e) {
    throw RuntimeGone("the Lambda Runtime API went away (" + what + "): " + e.what());
  }
  if (response.status / 100 != 2)
    throw RuntimeGone("the Lambda Runtime API answered " + what + " with HTTP " +
                      std::to_string(response.status) + ": " + response.body);
  return response;
}

void post(const std::string& url, const std::string& body, const std::string& error_type,
          const std::string& what) {
  aws::HttpRequest request{"POST", url, {{"Content-Type", "application/json"}}, body};
  if (!error_type.empty())
    request.headers.emplace_back("Lambda-Runtime-Function-Error-Type", error_type);
  exchange(request, {}, what);
}

struct Invocation {
  std::string id;
  std::optional<Clock::time_point> deadline;
  std::string trace;
  std::string body;
};

// Waits as long as it takes for the next invocation (the function is frozen meanwhile).
Invocation next_invocation(const std::string& api) {
  aws::HttpRequest request{"GET", base_url(api) + "/invocation/next", {}, ""};
  auto response = exchange(request, {.read_timeout = std::chrono::milliseconds(0)}, "/next");
  Invocation invocation{response.header("lambda-runtime-aws-request-id"), std::nullopt,
                        response.header("lambda-runtime-trace-id"), std::move(response.body)};
  if (invocation.id.empty())
    throw RuntimeGone("the Lambda Runtime API sent an invocation without a request id");
  const std::string& deadline = response.header("lambda-runtime-deadline-ms");
  if (!deadline.empty())
    invocation.deadline =
        Clock::time_point(std::chrono::milliseconds(std::atoll(deadline.c_str())));
  return invocation;
}

// The invocation's answer: what was done, or the error type and message.
struct Answer {
  Json body;
  std::string error_type;  // empty: a success
};

Answer answer(const Handler& handler, const RuntimeOptions& options, const Invocation& invocation) {
  Json event;
  try {
    event = policy::parse_event(invocation.body, "the invocation's event");
  } catch (const InputError& e) {
    return {lambda_error("custos.InvalidEvent", e.what()), "custos.InvalidEvent"};
  }
  DeliveryReport report(options.log, invocation.id);
  Delivery delivery;
  delivery.event = &event;
  delivery.output_dir = options.output_root + "/" + invocation.id;
  if (invocation.deadline) delivery.act_until = *invocation.deadline - options.margin;
  delivery.trace_id = invocation.trace;
  report.observe(delivery);
  Answer result;
  try {
    Outcome outcome = handler.handle(delivery);
    if (!outcome.repeat_of.empty()) {  // answered as a success: EventBridge must not resend it
      write_line(options.log,
                 invocation.id + " duplicate (" + outcome.repeat_of + " was handled), dropped");
      return {{{"duplicate", outcome.repeat_of}}, ""};
    }
    result.body = report.json();
    result.body["incident"] = outcome.incident;
    if (outcome.code != 0) {
      result.error_type = report.left_any() ? "custos.NotFinished" : "custos.ActionFailed";
      result.body = lambda_error(result.error_type, report.failure());
      result.body["result"] = report.json();
    }
  } catch (const InputError& e) {
    result = {lambda_error("custos.InvalidEvent", e.what()), "custos.InvalidEvent"};
  } catch (const std::exception& e) {
    result = {lambda_error("custos.Error", e.what()), "custos.Error"};
  }
  std::error_code ignored;
  std::filesystem::remove_all(delivery.output_dir, ignored);
  return result;
}

}  // namespace

Json lambda_error(const std::string& type, const std::string& message) {
  return {{"errorType", type}, {"errorMessage", message}, {"stackTrace", Json::array()}};
}

int serve_invocations(const Handler& handler, const RuntimeOptions& options) {
  try {
    for (;;) {
      Invocation invocation = next_invocation(options.api);
      // As AWS's runtimes do, for code that reads the trace from the environment.
      if (!invocation.trace.empty()) ::setenv("_X_AMZN_TRACE_ID", invocation.trace.c_str(), 1);
      Answer result = answer(handler, options, invocation);
      std::string url = base_url(options.api) + "/invocation/" + invocation.id;
      if (result.error_type.empty()) {
        post(url + "/response", result.body.dump(), "", "/response");
      } else {
        write_line(options.log, invocation.id + " ERROR " + result.error_type + ": " +
                                    result.body["errorMessage"].get<std::string>());
        post(url + "/error", result.body.dump(), result.error_type, "/error");
      }
    }
  } catch (const RuntimeGone& e) {
    write_line(options.log, std::string("custos: stopping: ") + e.what());
    return 1;
  }
}

void report_init_error(const std::string& api, const std::string& type,
                       const std::string& message) {
  post(base_url(api) + "/init/error", lambda_error(type, message).dump(), type, "/init/error");
}

}  // namespace custos::serverless
