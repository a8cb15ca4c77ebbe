#include "support/soak_faults.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <string_view>

namespace custos::test {
namespace soak {
namespace {

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

// The value of `key` in "k1=v1; k2=v2" (or "k1=v1,k2=v2" with `separator` ','); empty if absent.
std::string_view field(std::string_view text, std::string_view key, char separator) {
  while (!text.empty()) {
    const std::size_t end = std::min(text.find(separator), text.size());
    const std::string_view part = trimmed(text.substr(0, end));
    if (part.starts_with(key) && part.size() > key.size() && part[key.size()] == '=')
      return part.substr(key.size() + 1);
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return {};
}

int whole_number(std::string_view text) {
  int value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

// "AWS4-HMAC-SHA256 Credential=KEY/20261206/us-east-1/s3/aws4_request, ...": "s3".
std::string signing_service(const std::string& authorization) {
  const std::size_t scope = authorization.find("Credential=");
  if (scope == std::string::npos) return "";
  const std::size_t end = authorization.find("/aws4_request", scope);
  const std::size_t start = authorization.rfind('/', end - 1);
  return end == std::string::npos ? "" : authorization.substr(start + 1, end - start - 1);
}

std::string xml_error(const std::string& code, const std::string& message) {
  return "<Error><Type>Sender</Type><Code>" + code + "</Code><Message>" + message +
         "</Message></Error>";
}

FaultProxy::Reply reply(Protocol protocol, int status, const std::string& code,
                        const std::string& message, const std::string& id) {
  switch (protocol) {
    case Protocol::kEc2:
      return {status,
              "<Response><Errors>" + xml_error(code, message) + "</Errors><RequestID>" + id +
                  "</RequestID></Response>",
              "text/xml",
              {}};
    case Protocol::kJson:
      return {status,
              R"({"__type": ")" + code + R"(", "message": ")" + message + "\"}",
              "application/x-amz-json-1.1",
              {{"x-amzn-RequestId", id}}};
    case Protocol::kRestJson:
      // AWS appends the error's namespace to the code after a colon.
      return {status,
              R"({"message": ")" + message + "\"}",
              "application/json",
              {{"x-amzn-RequestId", id},
               {"x-amzn-ErrorType", code + ":http://internal.amazon.com/coral/com.amazon.coral/"}}};
    case Protocol::kS3:
      return {status,
              "<Error><Code>" + code + "</Code><Message>" + message + "</Message><RequestId>" + id +
                  "</RequestId></Error>",
              "application/xml",
              {{"x-amz-request-id", id}}};
    case Protocol::kQuery:
    case Protocol::kRestXml:
      break;
  }
  return {status,
          "<ErrorResponse>" + xml_error(code, message) + "<RequestId>" + id +
              "</RequestId></ErrorResponse>",
          "text/xml",
          {}};
}

}  // namespace

Protocol protocol_of(const std::string& amz_target, const std::string& body,
                     const std::string& authorization) {
  if (!amz_target.empty()) return Protocol::kJson;
  const std::string service = signing_service(authorization);
  if (body.starts_with("Action=") || body.find("&Action=") != std::string::npos)
    return service == "ec2" ? Protocol::kEc2 : Protocol::kQuery;
  if (service == "s3") return Protocol::kS3;
  return service == "route53" || service == "cloudfront" ? Protocol::kRestXml : Protocol::kRestJson;
}

FaultProxy::Reply throttling(Protocol protocol, const std::string& request_id) {
  switch (protocol) {
    case Protocol::kEc2:
      return reply(protocol, 503, "RequestLimitExceeded", "Request limit exceeded.", request_id);
    case Protocol::kJson:
      return reply(protocol, 400, "ThrottlingException", "Rate exceeded", request_id);
    case Protocol::kRestJson:
      return reply(protocol, 429, "TooManyRequestsException", "Rate exceeded", request_id);
    case Protocol::kS3:
      return reply(protocol, 503, "SlowDown", "Please reduce your request rate.", request_id);
    case Protocol::kQuery:
    case Protocol::kRestXml:
      break;
  }
  return reply(protocol, 400, "Throttling", "Rate exceeded", request_id);
}

FaultProxy::Reply server_error(Protocol protocol, int status, const std::string& request_id) {
  const bool json = protocol == Protocol::kJson || protocol == Protocol::kRestJson;
  if (status == 503)
    return reply(protocol, status, json ? "ServiceUnavailableException" : "ServiceUnavailable",
                 "Service is unavailable", request_id);
  return reply(protocol, status, json ? "InternalFailure" : "InternalError",
               "We encountered an internal error. Please try again.", request_id);
}

int attempt_of(const std::string& sdk_request) {
  return whole_number(field(sdk_request, "attempt", ';'));
}

bool is_last_attempt(const std::string& sdk_request) {
  const std::string_view max = field(sdk_request, "max", ';');
  return !max.empty() && attempt_of(sdk_request) >= whole_number(max);
}

}  // namespace soak

FaultProxy::SoakSpec FaultProxy::SoakSpec::parse(const std::string& text) {
  SoakSpec spec;
  std::string_view rest = text;
  while (!rest.empty()) {
    const std::size_t end = std::min(rest.find(','), rest.size());
    const std::string part(soak::trimmed(rest.substr(0, end)));
    rest.remove_prefix(std::min(end + 1, rest.size()));
    const std::size_t equals = part.find('=');
    const std::string key = part.substr(0, equals);
    const std::string value = equals == std::string::npos ? "" : part.substr(equals + 1);
    try {
      std::size_t used = 0;
      if (key == "latency") {
        spec.latency = std::chrono::milliseconds(std::stoi(value, &used));
        if (value.substr(used) != "ms") throw std::invalid_argument("unit");
        continue;
      }
      double* chance = key == "throttle"   ? &spec.throttle
                       : key == "error5xx" ? &spec.error5xx
                       : key == "reset"    ? &spec.reset
                       : key == "slow"     ? &spec.slow
                                           : nullptr;
      if (!chance) throw std::invalid_argument("key");
      *chance = std::stod(value, &used);
      if (used != value.size() || *chance < 0 || *chance > 1) throw std::invalid_argument("range");
    } catch (const std::logic_error&) {
      throw std::invalid_argument("soak spec: cannot read '" + part +
                                  "' (throttle, error5xx, reset, slow take a chance from 0 to 1; "
                                  "latency takes milliseconds, as 50ms)");
    }
  }
  if (spec.throttle + spec.error5xx + spec.reset + spec.slow > 1)
    throw std::invalid_argument("soak spec: the chances add up to more than 1 in '" + text + "'");
  return spec;
}

}  // namespace custos::test
