// The fuzz targets of the layers below the policy language: JMESPath, every protocol's answers,
// SigV4 and INI files. They need only the AWS client's layer to build, so CI builds and fuzzes
// them beside the suite (scripts/test.sh).
#include "targets.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "aws/ini.h"
#include "aws/protocol.h"
#include "aws/sigv4.h"
#include "jmespath/jmespath.h"

namespace custos::fuzz {
namespace {

// "EXPRESSION\nJSON": the expression is compiled, then searched over the document.
void jmespath_expression(std::string_view input) {
  std::string_view expression = input.substr(0, input.find('\n'));
  std::string_view document =
      expression.size() < input.size() ? input.substr(expression.size() + 1) : "{}";
  expect_clear_errors([&] {
    auto compiled = jmespath::Expression::compile(expression);
    Json doc = Json::parse(document, nullptr, false);
    if (!doc.is_discarded()) compiled.search(doc);
  });
}

struct ModelOperation {
  std::shared_ptr<const aws::ServiceModel> model;
  const aws::Operation* operation;
};

// One operation of each protocol (S3's two answer shapes), resolved once: the models are
// looked up before fuzzing, not per input.
const std::vector<ModelOperation>& response_operations() {
  static const auto resolved = [] {
    std::vector<ModelOperation> all;
    for (const auto& [service, operation] :
         std::vector<std::pair<const char*, const char*>>{{"ec2", "DescribeInstances"},
                                                          {"iam", "GetAccountAuthorizationDetails"},
                                                          {"kms", "DescribeKey"},
                                                          {"lambda", "GetFunction"},
                                                          {"s3", "ListObjectsV2"},
                                                          {"s3", "GetBucketPolicy"},
                                                          {"route53", "ListResourceRecordSets"}}) {
      auto model = aws::ServiceModel::load(service);
      all.push_back({model, &model->operation(operation)});
    }
    return all;
  }();
  return resolved;
}

// One response body read as every protocol's answer and error would read it.
void response_body(std::string_view input) {
  for (const ModelOperation& each : response_operations()) {
    aws::HttpResponse response{200, {{"content-type", "text/xml"}}, std::string(input)};
    expect_clear_errors([&] { aws::parse_response(*each.model, *each.operation, response); });
    response.status = 400;
    expect_clear_errors([&] { aws::parse_error(*each.model, response); });
    aws::request_id_of(response);
  }
}

// An HTTP request as the AWS SigV4 test suite writes them: "METHOD TARGET HTTP/1.1", headers
// "Name:value", a blank line, the body.
aws::HttpRequest read_request(std::string_view text) {
  aws::HttpRequest request;
  auto next_line = [&] {
    std::size_t end = std::min(text.find('\n'), text.size());
    std::string line(text.substr(0, end));
    text.remove_prefix(std::min(end + 1, text.size()));
    return line;
  };
  std::string start = next_line();
  std::size_t space = start.find(' ');
  request.method = start.substr(0, space);
  std::string target = space == std::string::npos ? "/" : start.substr(space + 1);
  target = target.substr(0, target.rfind(" HTTP/"));
  request.url = "https://example.amazonaws.com" + target;
  for (std::string line = next_line(); !line.empty(); line = next_line()) {
    std::size_t colon = line.find(':');
    if (colon == std::string::npos) break;
    request.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  request.body = std::string(text);
  return request;
}

void sigv4_request(std::string_view input) {
  aws::HttpRequest request = read_request(input);
  aws::SigningParams params{
      .access_key_id = "AKIDEXAMPLE",
      .secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
      .session_token = "token",
      .region = "us-east-1",
      .service = "service",
      .time = std::chrono::system_clock::time_point(std::chrono::seconds(1440938160)),
      .normalize_path = input.size() % 2 == 0,
      .payload_hash_header = input.size() % 3 == 0,
      .unsigned_payload = input.size() % 5 == 0};
  expect_clear_errors([&] {
    aws::HttpRequest signed_request = request;
    aws::sign_request(signed_request, params);
    // Signing is a function of the request: the same request signs the same way.
    aws::HttpRequest again = request;
    aws::sign_request(again, params);
    if (again.headers != signed_request.headers)
      throw std::logic_error("SigV4 signed one request two ways");
    aws::presign_url(request, params, std::chrono::seconds(900));
  });
}

void ini_file(std::string_view input) {
  expect_clear_errors([&] {
    for (const auto& section : aws::parse_ini(input, "fuzz-config"))
      aws::is_titled(section, "profile", "default");
  });
}

}  // namespace

const std::vector<Target>& lower_layer_targets() {
  static const std::vector<Target> all = {
      {"jmespath", jmespath_expression, {"fuzz/jmespath"}},
      {"response", response_body, {"responses", "fuzz/response"}},
      {"sigv4", sigv4_request, {"sigv4/aws4_testsuite", "fuzz/sigv4"}},
      {"ini", ini_file, {"fuzz/ini"}},
  };
  return all;
}

}  // namespace custos::fuzz

namespace custos::fuzz {

const Target& find_target(const std::vector<Target>& among, std::string_view name) {
  for (const auto& t : among)
    if (name == t.name) return t;
  throw std::invalid_argument("no fuzz target named " + std::string(name));
}

}  // namespace custos::fuzz
