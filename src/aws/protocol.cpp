// Dispatches to the protocol named by the model; shared steps (idempotency tokens, host
// prefix, URL assembly, generic errors) live here.
#include "aws/protocol.h"

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

std::string build_url(std::string endpoint, const std::string& prefix, const wire::Request& r) {
  if (!prefix.empty()) {
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

}  // namespace

HttpRequest serialize_request(const ServiceModel& model, const Operation& op, const Json& params,
                              const std::string& endpoint) {
  if (!op.input.shape && params.is_object() && !params.empty()) {
    throw InputError(model.service_name() + " " + op.name + " takes no parameters, got " +
                     params.dump());
  }
  const Json filled = with_idempotency_tokens(op, params);
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
  return HttpRequest{request.method, build_url(endpoint, prefix, request),
                     std::move(request.headers), std::move(request.body)};
}

Json parse_response(const ServiceModel& model, const Operation& op, const HttpResponse& response) {
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
  if (is_rest(protocol)) return wire::parse_rest(model, op.output, response);
  unsupported(model);
}

ErrorInfo parse_error(const ServiceModel& model, const HttpResponse& response) {
  const std::string& protocol = model.metadata().protocol;
  ErrorInfo info;
  if (!html_error(response)) {
    info = protocol == "json" || protocol == "rest-json" ? wire::parse_json_error(model, response)
                                                         : wire::parse_xml_error(model, response);
  }
  if (info.code.empty()) info.code = std::to_string(response.status);
  if (info.request_id.empty()) {
    for (const char* name : {"x-amzn-requestid", "x-amz-request-id"}) {
      if (const auto* id = codec::find_header(response.headers, name)) info.request_id = *id;
    }
  }
  return info;
}

}  // namespace custos::aws
