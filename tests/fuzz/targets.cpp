#include "targets.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>

#include "aws/ini.h"
#include "aws/protocol.h"
#include "aws/sigv4.h"
#include "core/error.h"
#include "investigate/flow.h"
#include "investigate/inputs.h"
#include "investigate/trail.h"
#include "jmespath/jmespath.h"
#include "policy/event.h"
#include "policy/policy.h"
#include "policy/safety.h"
#include "policy/source.h"
#include "resources/builtin.h"

namespace custos::fuzz {
namespace {

// Bad input must end in custos's own error (a message for the user); anything else escapes.
template <typename Fn>
void expect_clear_errors(Fn&& fn) {
  try {
    fn();
  } catch (const custos::Error&) {
  }
}

void policy_file(std::string_view input) {
  expect_clear_errors([&] {
    auto source = policy::SourceDocument::parse(std::string(input), "fuzz.yml");
    policy::compile_policies(source, resources::builtin_registry());
  });
}

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

const std::vector<policy::Policy>& event_policies() {
  static const auto policies = [] {
    auto source = policy::SourceDocument::parse(R"(policies:
  - name: ec2-finding
    resource: aws.ec2
    mode: {type: guard-duty}
  - name: key-finding
    resource: aws.iam-user
    mode: {type: guard-duty}
  - name: bucket-finding
    resource: aws.s3
    mode: {type: guard-duty}
  - name: trail-stopped
    resource: aws.ec2
    mode:
      type: cloudtrail
      events:
        - RunInstances
        - {source: cloudtrail.amazonaws.com, event: StopLogging, ids: requestParameters.name}
)",
                                                "fuzz-policies.yml");
    return policy::compile_policies(source, resources::builtin_registry());
  }();
  return policies;
}

void eventbridge_event(std::string_view input) {
  expect_clear_errors([&] {
    Json event = policy::parse_event(std::string(input), "fuzz.json");
    policy::event_account(event);
    for (const auto& p : event_policies()) policy::event_target(p, event);
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

// The scanners read files: each input is written to a file of this process's own, named on
// the scan's command line (so read whatever its name), and removed when the process ends.
std::string file_with(std::string_view input) {
  struct ScratchFile {
    std::string path =
        (std::filesystem::temp_directory_path() / ("custos-fuzz-" + std::to_string(::getpid())))
            .string();
    ~ScratchFile() { std::filesystem::remove(path); }
  };
  static const ScratchFile file;
  std::ofstream(file.path, std::ios::binary)
      .write(input.data(), static_cast<std::streamsize>(input.size()));
  return file.path;
}

// The input as a CloudTrail file (plain or gzip) through the whole scan: prefilter, reader,
// matcher, summary and the table writer. A file that cannot be read is reported, not thrown.
void cloudtrail_log(std::string_view input) {
  investigate::InputSet inputs({file_with(input)},
                               {investigate::LogKind::kCloudTrail, {}, {}, {}, {}}, nullptr);
  for (bool summarise : {false, true}) {
    investigate::TrailScan scan;
    scan.query.principals = {"AKIAIOSFODNN7EXAMPLE", "alice"};
    scan.query.events = {"Get*", "[!x]ecrypt"};
    scan.query.ips = {"10.0.0.0/8", "192.0.2.1"};
    scan.query.errors = summarise;
    if (summarise) scan.query = {};
    scan.summarise = summarise;
    scan.format = investigate::OutputFormat::kTable;
    scan.settings.threads = 1;
    expect_clear_errors([&] {
      auto answer = investigate::scan_trail(
          scan, inputs, [](std::string_view) {}, [](const investigate::Skipped&) {});
      if (summarise) investigate::trail_summary_text(answer.summary);
    });
  }
}

// The input as a VPC flow log (header or default format, plain or gzip), filtered, written as
// a table and summarised.
void flow_log(std::string_view input) {
  investigate::InputSet inputs({file_with(input)},
                               {investigate::LogKind::kFlowLogs, {}, {}, {}, {}}, nullptr);
  investigate::FlowScan scan;
  scan.query.ips = {"10.0.0.0/8", "2001:db8::1"};
  scan.query.ports = {22};
  scan.format = investigate::OutputFormat::kTable;
  scan.summarise = true;
  scan.settings.threads = 1;
  expect_clear_errors([&] {
    auto answer = investigate::scan_flows(
        scan, inputs, [](std::string_view) {}, [](const investigate::Skipped&) {});
    investigate::flow_summary_text(answer.summary);
  });
}

}  // namespace

const std::vector<Target>& targets() {
  static const std::vector<Target> all = {
      {"policy", policy_file, {"policies", "fuzz/policy"}},
      {"jmespath", jmespath_expression, {"fuzz/jmespath"}},
      {"event", eventbridge_event, {"events", "fuzz/event"}},
      {"response", response_body, {"responses", "fuzz/response"}},
      {"sigv4", sigv4_request, {"sigv4/aws4_testsuite", "fuzz/sigv4"}},
      {"ini", ini_file, {"fuzz/ini"}},
      {"cloudtrail", cloudtrail_log, {"cloudtrail", "fuzz/cloudtrail"}},
      {"flowlog", flow_log, {"flowlogs", "fuzz/flowlog"}},
  };
  return all;
}

const Target& target(std::string_view name) {
  for (const auto& t : targets())
    if (name == t.name) return t;
  throw std::invalid_argument("no fuzz target named " + std::string(name));
}

}  // namespace custos::fuzz
