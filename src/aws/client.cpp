#include "aws/client.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "aws/model.h"
#include "aws/protocol.h"
#include "aws/sigv4.h"
#include "aws/transport.h"

namespace custos::aws {
namespace {

std::string describe_error(std::string_view service, std::string_view operation,
                           std::string_view code, std::string_view message, int status,
                           std::string_view request_id) {
  std::string text = std::string(service) + " " + std::string(operation) +
                     " failed: " + std::string(code.empty() ? "HTTP error" : code);
  if (!message.empty()) text += ": " + std::string(message);
  text += " (HTTP " + std::to_string(status);
  if (!request_id.empty()) text += ", request id " + std::string(request_id);
  return text + ")";
}

SigningParams signing_params(const ServiceModel& model, const Endpoint& endpoint,
                             const Credentials& credentials) {
  const auto& meta = model.metadata();
  SigningParams params;
  params.access_key_id = credentials.access_key_id;
  params.secret_access_key = credentials.secret_access_key;
  params.session_token = credentials.session_token;
  params.region = endpoint.signing_region;
  params.service = meta.signing_name.empty() ? meta.endpoint_prefix : meta.signing_name;
  params.time = std::chrono::system_clock::now();
  // S3 signs the path exactly as sent and declares the payload hash in a header.
  const bool s3 = meta.signature_version == "s3" || meta.signature_version == "s3v4";
  params.normalize_path = !s3;
  params.payload_hash_header = s3;
  return params;
}

}  // namespace

AwsError::AwsError(std::string service, std::string operation, std::string code,
                   std::string message, int http_status, std::string request_id)
    : Error(describe_error(service, operation, code, message, http_status, request_id)),
      service_(std::move(service)),
      operation_(std::move(operation)),
      code_(std::move(code)),
      aws_message_(std::move(message)),
      http_status_(http_status),
      request_id_(std::move(request_id)) {}

Client::Client(std::shared_ptr<const Session> session) : session_(std::move(session)) {}

Json Client::call(std::string_view service, std::string_view operation, const Json& params) const {
  auto model = ServiceModel::load(service);
  const Operation& op = model->operation(operation);
  const auto& meta = model->metadata();
  Endpoint endpoint = session_->endpoint(meta.service_id, meta.endpoint_prefix);
  HttpRequest request = serialize_request(*model, op, params, endpoint.url);
  sign_request(request, signing_params(*model, endpoint, session_->credentials()));

  auto started = std::chrono::steady_clock::now();
  HttpResponse response = send(request);
  auto elapsed =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started);

  if (response.status >= 200 && response.status < 300) {
    Json result = parse_response(*model, op, response);
    spdlog::debug("aws {} {} status={} latency={:.1f}ms attempts=1", service, operation,
                  response.status, elapsed.count());
    return result;
  }
  ErrorInfo error = parse_error(*model, response);
  spdlog::debug("aws {} {} status={} code={} request_id={} latency={:.1f}ms attempts=1", service,
                operation, response.status, error.code, error.request_id, elapsed.count());
  throw AwsError(std::string(service), std::string(operation), error.code, error.message,
                 response.status, error.request_id);
}

}  // namespace custos::aws
