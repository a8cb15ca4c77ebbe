// Dispatches to the protocol named by the model; shared steps (idempotency tokens, host
// prefix, URL assembly, generic errors, Route 53's ids) live here.
#include "aws/protocol.h"

#include <arpa/inet.h>

#include <map>

#include "aws/protocol_codec.h"
#include "aws/protocol_internal.h"
#include "core/error.h"

namespace custos::aws {

namespace {

bool is_query(const std::string& protocol) { return protocol == "query" || protocol == "ec2"; }
bool is_rest(const std::string& protocol) {
  return protocol == "rest-json" || protocol == "rest-xml";
}

[[noreturn]] void unsupported(const ServiceModel& model) {
  throw Error("AWS protocol '" + model.metadata().protocol + "' of " + model.service_name() +
              " is not supported: custos speaks query, ec2, json, rest-json and rest-xml");
}

// Top-level idempotency tokens the caller left out get a fresh UUID, as botocore does.
Json with_idempotency_tokens(const Operation& op, const Json& params) {
  Json filled = params.is_null() ? Json::object() : params;
  if (!op.input.shape || !filled.is_object()) return filled;
  for (const auto& [name, ref] : op.input.shape->members) {
    if (ref.idempotency_token && !filled.contains(name)) filled[name] = codec::new_uuid();
  }
  return filled;
}

// botocore's fix_route53_ids: Route 53 returns ids as paths ("/hostedzone/Z1D633PJN98FT9") and
// takes back only their last segment.
void route53_ids(const ServiceModel& model, const Operation& op, Json& params) {
  if (model.metadata().endpoint_prefix != "route53" || !op.input.shape) return;
  for (const auto& [name, ref] : op.input.shape->members) {
    const std::string& shape = ref.shape->name;
    if (shape != "ResourceId" && shape != "DelegationSetId" && shape != "ChangeId") continue;
    if (auto it = params.find(name); it != params.end() && it->is_string()) {
      const std::string id = it->get<std::string>();
      *it = id.substr(id.rfind('/') + 1);
    }
  }
}

std::string host_prefix(const Operation& op, const Json& params) {
  std::string prefix = op.host_prefix;
  for (auto open = prefix.find('{'); open != std::string::npos; open = prefix.find('{')) {
    const auto close = prefix.find('}', open);
    const std::string label = prefix.substr(open + 1, close - open - 1);
    const Json* value = params.contains(label) ? &params[label] : nullptr;
    if (!value || !value->is_string() || value->get_ref<const std::string&>().empty()) {
      throw InputError("parameter " + label + " is required: it names part of the endpoint host");
    }
    prefix.replace(open, close - open + 1, value->get<std::string>());
  }
  return prefix;
}

// An endpoint given as an IP address (an emulator, a proxy) takes no host prefix: "api.127.0.0.1"
// names no host. A name keeps it (s3control's 123456789012.localhost resolves, and says whose).
bool is_ip_address(const std::string& endpoint) {
  const std::string host = codec::url_host(endpoint);
  unsigned char address[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), address) == 1 ||
         inet_pton(AF_INET6, host.c_str(), address) == 1;
}

std::string build_url(std::string endpoint, const std::string& prefix, const wire::Request& r) {
  if (!prefix.empty() && !is_ip_address(endpoint)) {
    const auto scheme_end = endpoint.find("://");
    endpoint.insert(scheme_end == std::string::npos ? 0 : scheme_end + 3, prefix);
  }
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  std::string url = endpoint + r.path;
  for (const auto& [key, value] : r.query) {
    url += url.find('?') == std::string::npos ? '?' : '&';
    url += codec::percent_encode(key) + "=" + codec::percent_encode(value);
  }
  return url;
}

// HTML error pages (load balancers, proxies) carry no protocol error: code is the status.
bool html_error(const HttpResponse& response) {
  const auto start = response.body.find_first_not_of(" \t\r\n");
  return start != std::string::npos && response.body.compare(start, 6, "<html>") == 0;
}

// Python's http.client.responses, which botocore reports for errors without a document.
std::string reason_phrase(int status) {
  static const std::map<int, std::string_view> kPhrases = {{301, "Moved Permanently"},
                                                           {302, "Found"},
                                                           {304, "Not Modified"},
                                                           {307, "Temporary Redirect"},
                                                           {400, "Bad Request"},
                                                           {401, "Unauthorized"},
                                                           {403, "Forbidden"},
                                                           {404, "Not Found"},
                                                           {405, "Method Not Allowed"},
                                                           {409, "Conflict"},
                                                           {411, "Length Required"},
                                                           {412, "Precondition Failed"},
                                                           {413, "Request Entity Too Large"},
                                                           {416, "Requested Range Not Satisfiable"},
                                                           {429, "Too Many Requests"},
                                                           {500, "Internal Server Error"},
                                                           {501, "Not Implemented"},
                                                           {502, "Bad Gateway"},
                                                           {503, "Service Unavailable"},
                                                           {504, "Gateway Timeout"}};
  const auto it = kPhrases.find(status);
  return it == kPhrases.end() ? "" : std::string(it->second);
}

}  // namespace

HttpRequest serialize_request(const ServiceModel& model, const Operation& op, const Json& params,
                              const std::string& endpoint) {
  if (!op.input.shape && params.is_object() && !params.empty()) {
    throw InputError(model.service_name() + " " + op.name + " takes no parameters, got " +
                     params.dump());
  }
  Json filled = with_idempotency_tokens(op, params);
  route53_ids(model, op, filled);
  if (wire::is_s3(model)) wire::s3_default_params(op, filled);
  const std::string& protocol = model.metadata().protocol;
  wire::Request request;
  if (is_query(protocol)) {
    request = wire::serialize_query(model, op, filled);
  } else if (protocol == "json") {
    request = wire::serialize_json(model, op, filled);
  } else if (is_rest(protocol)) {
    request = wire::serialize_rest(model, op, filled);
  } else {
    unsupported(model);
  }
  const std::string prefix = op.host_prefix_set ? host_prefix(op, filled) : "";
  const std::string base =
      wire::is_s3(model) ? wire::s3_address(op, filled, request, endpoint) : endpoint;
  return HttpRequest{request.method, build_url(base, prefix, request), std::move(request.headers),
                     std::move(request.body)};
}

Json parse_response(const ServiceModel& model, const Operation& op, const HttpResponse& response,
                    const Json& params) {
  const std::string& protocol = model.metadata().protocol;
  if (is_query(protocol)) {
    if (!op.output.shape) return Json::object();
    // query wraps results in <OperationResult>, which some models leave unnamed.
    const std::string wrapper = op.result_wrapper.empty() ? op.name + "Result" : op.result_wrapper;
    return wire::xml_result(op.output, response.body, protocol == "query" ? wrapper : "");
  }
  if (protocol == "json") {
    if (!op.output.shape) return Json::object();
    return wire::json_result(op.output, wire::parse_json_body(response.body));
  }
  if (is_rest(protocol)) {
    Json result = wire::parse_rest(model, op.output, response);
    if (wire::is_s3(model)) wire::s3_adjust_result(op, response, params, result);
    return result;
  }
  unsupported(model);
}

ErrorInfo parse_error(const ServiceModel& model, const HttpResponse& response) {
  const std::string& protocol = model.metadata().protocol;
  ErrorInfo info;
  if (!html_error(response)) {
    info = protocol == "json" || protocol == "rest-json" ? wire::parse_json_error(model, response)
                                                         : wire::parse_xml_error(model, response);
  }
  if (info.code.empty()) {
    info.code = std::to_string(response.status);
    if (info.message.empty()) info.message = reason_phrase(response.status);
  }
  if (wire::is_s3(model)) wire::s3_error_details(response, info);
  if (info.request_id.empty()) info.request_id = request_id_of(response);
  return info;
}

std::string request_id_of(const HttpResponse& response) {
  for (const char* name : {"x-amzn-requestid", "x-amz-request-id"}) {
    if (const auto* id = codec::find_header(response.headers, name)) return *id;
  }
  // The EC2 and query protocols answer with the id in the body: <requestId> or <RequestId>.
  for (std::string_view tag : {"<requestId>", "<RequestId>"}) {
    auto start = response.body.find(tag);
    if (start == std::string::npos) continue;
    start += tag.size();
    auto end = response.body.find('<', start);
    if (end != std::string::npos && end - start <= 128)
      return response.body.substr(start, end - start);
  }
  return {};
}

}  // namespace custos::aws
