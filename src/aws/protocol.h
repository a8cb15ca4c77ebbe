// The five AWS wire protocols (query, ec2, json, rest-json, rest-xml), driven by the model:
// boto3-shaped JSON params become an HTTP request; an HTTP response becomes boto3-shaped JSON.
#pragma once

#include <string>

#include "aws/http.h"
#include "aws/model.h"
#include "core/json.h"

namespace custos::aws {

// Builds the unsigned request for `op`. `endpoint` is "scheme://host[:port]" (no path);
// the result's url is endpoint + request path + query. Throws custos::InputError when
// params do not fit the input shape (unknown member, wrong type), naming the member path.
HttpRequest serialize_request(const ServiceModel& model, const Operation& op, const Json& params,
                              const std::string& endpoint);

// Parses a 2xx response into the output shape, boto3's way: timestamps as ISO-8601 strings
// (as the AWS CLI prints them), blobs base64, ResponseMetadata omitted. `params` are the call's
// (S3 listings decode the keys custos asked S3 to encode); null when unknown.
Json parse_response(const ServiceModel& model, const Operation& op, const HttpResponse& response,
                    const Json& params = nullptr);

struct ErrorInfo {
  std::string code;
  std::string message;
  std::string request_id;
  Json details = Json::object();  // members of the modeled error shape, when there is one
};
// Extracts code, message and request id from a non-2xx response of this protocol; a response
// without an error document gets its status as code and reason phrase as message (botocore's).
ErrorInfo parse_error(const ServiceModel& model, const HttpResponse& response);
// AWS's id for the request a response answers (headers, or the body for EC2 and query), for
// the journal and error messages; empty when the response carries none.
std::string request_id_of(const HttpResponse& response);

}  // namespace custos::aws
