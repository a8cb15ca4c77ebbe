// The per-protocol halves of serialize_request / parse_response / parse_error, behind the
// dispatcher in protocol.cpp. Internal to src/aws.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/protocol.h"

namespace custos::aws::wire {

using Pairs = std::vector<std::pair<std::string, std::string>>;

// A request before the endpoint is known: path may carry a literal query ("/?list-type=2").
struct Request {
  std::string method = "POST";
  std::string path = "/";
  Pairs query;
  Headers headers;
  std::string body;
};

// query and ec2: form body with Action and Version.
Request serialize_query(const ServiceModel& model, const Operation& op, const Json& params);
// json 1.0/1.1: X-Amz-Target and a JSON body.
Request serialize_json(const ServiceModel& model, const Operation& op, const Json& params);
// rest-json and rest-xml: URI labels, query string, headers and payload.
Request serialize_rest(const ServiceModel& model, const Operation& op, const Json& params);

// JSON bodies (json and rest-json), by shape.
Json json_body(const ShapeRef& ref, const Json& params, const std::string& path);
Json json_result(const ShapeRef& ref, const Json& body);
Json parse_json_body(std::string_view body);

// XML bodies (query, ec2, rest-xml), by shape. `wrapper` names the child of the root holding
// the result (query's resultWrapper); the root itself is parsed when there is no such child.
Json xml_result(const ShapeRef& ref, std::string_view body, std::string_view wrapper);
std::string xml_body(const ShapeRef& ref, const std::string& root_name, const Json& params,
                     const std::string& path);

// rest-json and rest-xml results: status code, headers and payload.
Json parse_rest(const ServiceModel& model, const ShapeRef& output, const HttpResponse& response);
// Members bound to the status code and headers (also used for modeled errors).
void parse_rest_bindings(const Shape& shape, const HttpResponse& response, Json& out);

// Text of the document's root element when it is named `name`, else of the root's child
// `name`; nullopt when neither exists or the body is no XML.
std::optional<std::string> xml_element_text(std::string_view body, std::string_view name);

ErrorInfo parse_xml_error(const ServiceModel& model, const HttpResponse& response);

// S3 beyond its model (protocol_s3.cpp), as botocore's handlers do it.
bool is_s3(const ServiceModel& model);
// Listings ask for url-encoded keys (EncodingType=url) unless the caller chose an encoding.
void s3_default_params(const Operation& op, Json& params);
// The endpoint to send to: bucket.s3...amazonaws.com (with the bucket taken off the path) when
// the bucket is a DNS label and the endpoint is AWS's own, else `endpoint` (path style).
std::string s3_address(const Operation& op, const Json& params, Request& request,
                       const std::string& endpoint);
// GetBucketLocation's bare body; keys of listings custos asked to encode decoded again.
// `params` are the caller's (null when unknown: nothing is decoded).
void s3_adjust_result(const Operation& op, const HttpResponse& response, const Json& params,
                      Json& result);
// Region errors (301 redirects, AuthorizationHeaderMalformed, ...) name the bucket's region.
void s3_error_details(const HttpResponse& response, ErrorInfo& info);
ErrorInfo parse_json_error(const ServiceModel& model, const HttpResponse& response);

}  // namespace custos::aws::wire
