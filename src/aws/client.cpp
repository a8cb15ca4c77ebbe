#include "aws/client.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <optional>
#include <utility>

#include "aws/model.h"
#include "aws/paginator.h"
#include "aws/protocol.h"
#include "aws/sigv4.h"
#include "aws/transport.h"
#include "core/uuid.h"

namespace custos::aws {

using namespace std::string_view_literals;
namespace {

using Clock = std::chrono::system_clock;

std::string describe_error(std::string_view service, std::string_view operation,
                           std::string_view code, std::string_view message, int status,
                           std::string_view request_id, int attempts) {
  std::string text = std::string(service) + " " + std::string(operation) +
                     " failed: " + std::string(code.empty() ? "HTTP error" : code);
  if (!message.empty()) text += ": " + std::string(message);
  text += " (HTTP " + std::to_string(status);
  if (!request_id.empty()) text += ", request id " + std::string(request_id);
  if (attempts > 1) text += ", " + std::to_string(attempts) + " attempts";
  return text + ")";
}

// One attempt's result: a response, or the transport's reason why none arrived.
bool has_blob_payload(const Operation& op) {
  if (!op.output.shape || op.output.shape->payload.empty()) return false;
  const ShapeRef* member = op.output.shape->find_member(op.output.shape->payload);
  return member && member->shape->type == "blob"sv;
}

struct Attempt {
  std::optional<HttpResponse> response;
  std::optional<NoResponseError> failure;
  AttemptOutcome outcome;
  ErrorInfo error;  // parsed when the response is not 2xx
  double milliseconds = 0;

  bool ok() const { return response && response->status >= 200 && response->status < 300; }
};

Attempt send_attempt(const ServiceModel& model, const Operation& op, const HttpRequest& request,
                     const Session& session) {
  Attempt attempt;
  const auto started = std::chrono::steady_clock::now();
  try {
    const Timeouts& timeouts = session.timeouts();
    attempt.response = send(request, {timeouts.connect, timeouts.read, session.ca_bundle()});
    attempt.outcome.http_status = attempt.response->status;
  } catch (const NoResponseError& e) {
    attempt.failure = e;
    attempt.outcome.timeout = e.timeout();
  }
  attempt.milliseconds =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (attempt.response && !attempt.ok()) {
    attempt.error = parse_error(model, *attempt.response);
    attempt.outcome.error_code = attempt.error.code;
    attempt.outcome.modeled_retryable = is_modeled_retryable(op, attempt.error.code);
  }
  return attempt;
}

[[noreturn]] void give_up(std::string_view service, std::string_view operation, Attempt& attempt,
                          int attempts) {
  if (attempt.failure) {
    throw NoResponseError(std::string(attempt.failure->what()) + "; gave up after " +
                              std::to_string(attempts) + (attempts == 1 ? " attempt" : " attempts"),
                          attempt.failure->timeout());
  }
  throw AwsError(std::string(service), std::string(operation), attempt.error.code,
                 attempt.error.message, attempt.response->status, attempt.error.request_id,
                 attempts);
}

// A header as the debug log may show it: credentials and signatures never.
std::string shown_header(const std::string& name, const std::string& value) {
  static constexpr std::string_view kSecret[] = {"authorization", "x-amz-security-token",
                                                 "x-amz-content-sha256"};
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  bool secret = std::find(std::begin(kSecret), std::end(kSecret), lower) != std::end(kSecret);
  return name + ": " + (secret ? "<redacted>" : value);
}

// -v: what went over the wire, without bodies (a request or an answer may carry secrets, such as
// CreateAccessKey's) and with credentials redacted.
void log_exchange(const HttpRequest& request, const Attempt& attempt) {
  if (!spdlog::should_log(spdlog::level::debug)) return;
  std::string headers;
  for (const auto& [name, value] : request.headers) headers += "; " + shown_header(name, value);
  std::string url = request.url.substr(0, request.url.find('?'));
  spdlog::debug("http {} {} ({} bytes){}", request.method, url, request.body.size(), headers);
  if (!attempt.response) return;
  headers.clear();
  for (const auto& [name, value] : attempt.response->headers)
    headers += "; " + shown_header(name, value);
  spdlog::debug("http {} ({} bytes){}", attempt.response->status, attempt.response->body.size(),
                headers);
}

// botocore's amz-sdk-request header, which lets a server or proxy tell the attempts of one call
// apart: "attempt=1" at first; once an attempt has failed, the attempts allowed and (when the
// failed answer carried a Date) the server time by which this attempt's answer is due.
std::string sdk_request_header(int attempt, int max_attempts, const std::string& ttl) {
  if (attempt == 1) return "attempt=1";
  return (ttl.empty() ? "" : "ttl=" + ttl + "; ") + "attempt=" + std::to_string(attempt) +
         "; max=" + std::to_string(max_attempts);
}

// botocore's ttl: the failed answer's Date plus the read timeout, as %Y%m%dT%H%M%SZ.
std::string sdk_ttl(const Attempt& failed, std::chrono::milliseconds read_timeout) {
  if (!failed.response) return "";
  const auto server_time = parse_http_date(failed.response->header("date"));
  if (!server_time) return "";
  const std::time_t due = Clock::to_time_t(*server_time + read_timeout);
  std::tm utc{};
  gmtime_r(&due, &utc);
  char text[17];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
  return text;
}

RetryPolicy policy_for(const Session& session) {
  RetryPolicy policy;
  policy.max_attempts = session.max_attempts();
  return policy;
}

}  // namespace

SigningParams signing_params(const ServiceModel& model, const Endpoint& endpoint,
                             const Credentials& credentials, Clock::time_point time) {
  const auto& meta = model.metadata();
  SigningParams params;
  params.access_key_id = credentials.access_key_id;
  params.secret_access_key = credentials.secret_access_key;
  params.session_token = credentials.session_token;
  params.region = endpoint.signing_region;
  params.service = meta.signing_name.empty() ? meta.endpoint_prefix : meta.signing_name;
  params.time = time;
  // S3 signs the path exactly as sent and declares the payload hash in a header.
  const bool s3 = meta.signature_version == "s3" || meta.signature_version == "s3v4";
  params.normalize_path = !s3;
  params.payload_hash_header = s3;
  return params;
}

struct Client::Shared {
  RetryQuota quota;
  // Added to the local clock when signing, once AWS said our clock is off.
  std::atomic<std::chrono::seconds::rep> clock_offset{0};
};

AwsError::AwsError(std::string service, std::string operation, std::string code,
                   std::string message, int http_status, std::string request_id, int attempts)
    : Error(describe_error(service, operation, code, message, http_status, request_id, attempts)),
      service_(std::move(service)),
      operation_(std::move(operation)),
      code_(std::move(code)),
      aws_message_(std::move(message)),
      http_status_(http_status),
      request_id_(std::move(request_id)),
      attempts_(attempts) {}

Client::Client(std::shared_ptr<const Session> session) : Client(session, policy_for(*session)) {}

Client::Client(std::shared_ptr<const Session> session, RetryPolicy policy)
    : session_(std::move(session)),
      policy_(std::move(policy)),
      shared_(std::make_shared<Shared>()) {}

Json Client::call(std::string_view service, std::string_view operation, const Json& params) const {
  return call_with(service, operation, params, nullptr);
}

Json Client::call(std::string_view service, std::string_view operation, const Json& params,
                  std::string& payload) const {
  return call_with(service, operation, params, &payload);
}

Json Client::call_with(std::string_view service, std::string_view operation, const Json& params,
                       std::string* payload) const {
  auto model = ServiceModel::load(service);
  const Operation& op = model->operation(operation);
  if (payload && !has_blob_payload(op))
    throw InputError(std::string(service) + " " + std::string(operation) +
                     " has no blob payload to hand over: call it without one");
  const auto& meta = model->metadata();
  const Endpoint endpoint = session_->endpoint(meta.service_id, meta.endpoint_prefix);
  HttpRequest unsigned_request = serialize_request(*model, op, params, endpoint.url);
  if (trace_) unsigned_request.headers.emplace_back("X-Amzn-Trace-Id", *trace_);
  if (dry_run_ && !is_read_only(operation)) return (*dry_run_)(service, operation, params);

  int acquired = 0;  // retry quota taken by the last retry, given back on success
  const std::string invocation_id = random_uuid();
  std::string ttl;
  auto give_up_observed = [&](Attempt& attempt, int attempts) {
    if (observer_ && !is_read_only(operation))
      tell(service, operation, params, attempt.error.request_id,
           attempt.failure ? "no response" : attempt.error.code);
    give_up(service, operation, attempt, attempts);
  };
  for (int number = 1;; ++number) {
    // Signed again each time: the signature is only valid for a few minutes.
    const std::chrono::seconds offset(shared_->clock_offset.load());
    HttpRequest request = unsigned_request;
    request.headers.emplace_back("amz-sdk-invocation-id", invocation_id);
    request.headers.emplace_back("amz-sdk-request",
                                 sdk_request_header(number, policy_.max_attempts, ttl));
    if (signs_)
      sign_request(request, signing_params(*model, endpoint, session_->credentials(),
                                           Clock::now() + offset));
    Attempt attempt = send_attempt(*model, op, request, *session_);
    log_exchange(request, attempt);
    spdlog::debug("aws {} {} attempt={} status={} code={} request_id={} latency={:.1f}ms", service,
                  operation, number, attempt.outcome.http_status,
                  attempt.failure ? "no response" : attempt.error.code, attempt.error.request_id,
                  attempt.milliseconds);
    if (attempt.ok()) {
      shared_->quota.release(acquired);
      if (observer_ && !is_read_only(operation))
        tell(service, operation, params, request_id_of(*attempt.response), "");
      // The payload leaves the response before it is parsed, which then skips it.
      if (payload) *payload = std::exchange(attempt.response->body, std::string());
      return parse_response(*model, op, *attempt.response, params);
    }

    const auto skew = attempt.response
                          ? clock_skew_offset(attempt.error.code, attempt.response->header("date"),
                                              Clock::now(), offset)
                          : std::nullopt;
    if (skew) shared_->clock_offset.store(skew->count());
    if ((!skew && !is_retryable(service, attempt.outcome)) || number >= policy_.max_attempts) {
      give_up_observed(attempt, number);
    }
    acquired = shared_->quota.acquire(attempt.outcome);
    if (acquired == 0) {
      spdlog::debug("aws {} {}: retry quota exhausted, not retrying", service, operation);
      give_up_observed(attempt, number);
    }
    const Seconds delay = policy_.delay(number);
    spdlog::debug("aws {} {} retrying in {:.3f}s{}", service, operation, delay.count(),
                  skew ? fmt::format(" with the clock corrected by {}s", skew->count()) : "");
    ttl = sdk_ttl(attempt, session_->timeouts().read);
    policy_.wait(delay);
  }
}

void Client::tell(std::string_view service, std::string_view operation, const Json& params,
                  std::string request_id, std::string error_code) const {
  (*observer_)({std::string(service), std::string(operation), session_->region(), params,
                std::move(request_id), std::move(error_code)});
}

Json Client::external(std::string_view service, std::string_view operation, const Json& params,
                      const std::function<Json()>& send) const {
  if (dry_run_) return (*dry_run_)(service, operation, params);
  try {
    Json answer = send();
    if (observer_) tell(service, operation, params, "", "");
    return answer;
  } catch (const Error& e) {
    if (observer_) tell(service, operation, params, "", "failed");
    throw;
  }
}

Client Client::observed(CallObserver observer) const {
  Client copy = *this;
  copy.observer_ = std::make_shared<const CallObserver>(std::move(observer));
  return copy;
}

Client Client::dry_run(MutationSink sink) const {
  Client copy = *this;
  copy.dry_run_ = std::make_shared<const MutationSink>(std::move(sink));
  return copy;
}

Client Client::in_region(const std::string& region) const {
  if (region == session_->region()) return *this;
  Client copy = *this;
  copy.session_ = session_->with_region(region);
  return copy;
}

Client Client::traced(std::string trace_id) const {
  Client copy = *this;
  copy.trace_ = std::make_shared<const std::string>(std::move(trace_id));
  return copy;
}

Client Client::unsigned_requests() const {
  Client copy = *this;
  copy.signs_ = false;
  return copy;
}

bool Client::is_read_only(std::string_view operation) {
  static constexpr std::string_view kReadOnly[] = {"Describe", "List",   "Get",
                                                   "Head",     "Lookup", "Search"};
  return std::any_of(std::begin(kReadOnly), std::end(kReadOnly),
                     [&](std::string_view prefix) { return operation.starts_with(prefix); });
}

void Client::paginate(std::string_view service, std::string_view operation, const Json& params,
                      const std::function<bool(Json& page)>& on_page) const {
  const PaginatorConfig* config = find_paginator(*ServiceModel::load(service), operation);
  Json request = params.is_null() ? Json::object() : params;
  std::optional<Json> previous;
  for (;;) {
    Json page = call(service, operation, request);
    auto tokens = config ? config->next_tokens(page) : std::nullopt;
    if (!on_page(page) || !tokens) return;
    if (tokens == previous) {
      throw Error(std::string(service) + " " + std::string(operation) +
                  " returned the same next token twice (" + tokens->dump() +
                  "); stopped paginating to avoid an endless loop");
    }
    for (const auto& [name, token] : tokens->items()) {
      if (token.is_null()) {
        request.erase(name);
      } else {
        request[name] = token;
      }
    }
    previous = std::move(tokens);
  }
}

Json Client::call_all(std::string_view service, std::string_view operation,
                      const Json& params) const {
  const PaginatorConfig* config = find_paginator(*ServiceModel::load(service), operation);
  if (config == nullptr) return call(service, operation, params);
  FullResult full(*config);
  paginate(service, operation, params, [&](const Json& page) {
    full.add(page);
    return true;
  });
  return full.result();
}

}  // namespace custos::aws
