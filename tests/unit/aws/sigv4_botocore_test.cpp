// custos's SigV4 signer against botocore's own signers (SigV4Auth, S3SigV4Auth, SigV4QueryAuth,
// S3SigV4QueryAuth), run by tests/support/botocore_sign.py under Debian's python3-botocore: a
// hand-written set of cases, then a generated corpus (sigv4_corpus.h) per protocol and feature,
// each test's requests signed by botocore in one python run.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "aws/protocol_codec.h"
#include "aws/sigv4.h"
#include "core/json.h"
#include "support/paths.h"
#include "unit/aws/sigv4_corpus.h"

namespace custos::aws {
namespace {

// Debian's interpreter: the python3 first on PATH may not have python3-botocore.
constexpr char kPython[] = "/usr/bin/python3";

using corpus::Case;

struct Handwritten {
  std::string name{};
  HttpRequest request{};
  std::string service{};
  std::string region = "us-east-1";
  std::string timestamp{};  // YYYYMMDDTHHMMSSZ
  std::string token{};
  bool s3 = false;       // S3 signers: path as sent, payload hash header
  bool presign = false;  // query-string signing
  bool unsigned_payload = false;
  int expires = 3600;
};

HttpRequest make_request(std::string method, std::string url, Headers headers = {},
                         std::string body = "") {
  return HttpRequest{std::move(method), std::move(url), std::move(headers), std::move(body)};
}

const char kForm[] = "application/x-www-form-urlencoded; charset=utf-8";

std::vector<Handwritten> handwritten() {
  return {
      {.name = "ec2-form-post",
       .request =
           make_request("POST", "https://ec2.us-east-1.amazonaws.com/", {{"Content-Type", kForm}},
                        "Action=DescribeInstances&Version=2016-11-15"
                        "&Filter.1.Name=tag%3AName&Filter.1.Value.1=web%20server"),
       .service = "ec2",
       .timestamp = "20240229T235959Z"},
      {.name = "iam-get-query-spaces-unicode-reserved",
       .request =
           make_request("GET",
                        "https://iam.amazonaws.com/?Version=2010-05-08&Action=ListUsers"
                        "&PathPrefix=%2Fdivision%20abc%2F&Marker=caf%C3%A9%20%E2%9C%93"
                        "&Reserved=%21%2A%27%28%29%3B%3A%40%26%3D%2B%24%2C%2F%3F%23%5B%5D&Empty="),
       .service = "iam",
       .timestamp = "20150830T123600Z"},
      {.name = "logs-json-target",
       .request = make_request("POST", "https://logs.eu-west-1.amazonaws.com/",
                               {{"Content-Type", "application/x-amz-json-1.1"},
                                {"X-Amz-Target", "Logs_20140328.DescribeLogGroups"}},
                               R"({"logGroupNamePrefix":"/aws/lambda/café-✓","limit":5})"),
       .service = "logs",
       .region = "eu-west-1",
       .timestamp = "20261126T063617Z"},
      {.name = "sts-session-token",
       .request = make_request("POST", "https://sts.amazonaws.com/", {{"Content-Type", kForm}},
                               "Action=GetCallerIdentity&Version=2011-06-15"),
       .service = "sts",
       .timestamp = "20230101T000000Z",
       .token = "FwoGZXIvYXdzEBYaDH+session/token//with+slashes=="},
      {.name = "s3-put-unnormalized-path-payload-header",
       .request = make_request("PUT",
                               "https://my-bucket.s3.us-west-2.amazonaws.com/photos//2024/./"
                               "a%20b/../c%2Bd%E2%82%AC.jpg",
                               {{"Content-Type", "image/jpeg"}}, "hello world"),
       .service = "s3",
       .region = "us-west-2",
       .timestamp = "20211231T235959Z",
       .s3 = true},
      {.name = "moto-port-ec2-form",
       .request = make_request("POST", "http://127.0.0.1:5000/", {{"Content-Type", kForm}},
                               "Action=DescribeRegions&Version=2016-11-15"),
       .service = "ec2",
       .timestamp = "20240615T120000Z"},
      {.name = "moto-port-s3-list-with-token",
       .request = make_request("GET",
                               "http://127.0.0.1:5000/my-bucket?list-type=2"
                               "&prefix=logs%2F2024%2F&delimiter=%2F"),
       .service = "s3",
       .timestamp = "20240615T120001Z",
       .token = "session-token",
       .s3 = true},
      {.name = "s3-put-unsigned-payload",
       .request = make_request("PUT", "https://bucket.s3.amazonaws.com/key.bin",
                               {{"Content-MD5", "XrY7u+Ae7tCTyyK7j1rNww=="}}, "hello world"),
       .service = "s3",
       .timestamp = "20200202T020202Z",
       .s3 = true,
       .unsigned_payload = true},
      {.name = "lambda-rest-json-double-encoded-path",
       .request = make_request("GET",
                               "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/"
                               "arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Amy-fn/"
                               "configuration?Qualifier=%24LATEST"),
       .service = "lambda",
       .timestamp = "20190707T070707Z"},
      {.name = "non-s3-dot-segments-normalized",
       .request = make_request(
           "GET", "https://apigateway.us-east-1.amazonaws.com/restapis//abc/./x/../stages/"),
       .service = "apigateway",
       .timestamp = "20190707T070708Z"},
      {.name = "header-whitespace-and-unsigned-headers",
       .request = make_request("POST", "https://ssm.us-east-2.amazonaws.com/",
                               {{"Content-Type", "application/x-amz-json-1.1"},
                                {"X-Amz-Target", "AmazonSSM.GetParameter"},
                                {"X-Custom-Header", "  a   b\tc  "},
                                {"User-Agent", "custos/0.1"},
                                {"X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793"}},
                               R"({"Name":"/app/db password"})"),
       .service = "ssm",
       .region = "us-east-2",
       .timestamp = "20250101T010101Z"},
      {.name = "ipv6-endpoint-with-port",
       .request =
           make_request("GET", "http://[::1]:4566/?Action=DescribeRegions&Version=2016-11-15"),
       .service = "ec2",
       .timestamp = "20250101T010102Z"},
      {.name = "upper-case-host-default-port",
       .request = make_request("POST", "https://EC2.US-EAST-1.AMAZONAWS.COM:443/",
                               {{"Content-Type", kForm}}, "Action=DescribeVpcs&Version=2016-11-15"),
       .service = "ec2",
       .timestamp = "20250101T010103Z"},
      {.name = "presign-sts-with-token",
       .request = make_request(
           "GET", "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15"),
       .service = "sts",
       .timestamp = "20240229T120000Z",
       .token = "token/with+reserved=",
       .presign = true,
       .expires = 900},
      {.name = "presign-s3-get-object-port",
       .request = make_request("GET",
                               "http://127.0.0.1:5000/bucket/key%20with%20space.txt"
                               "?versionId=3%2FL4kqtJlcpXroDTDmJ%2Brmsp"),
       .service = "s3",
       .region = "eu-central-1",
       .timestamp = "20240229T120001Z",
       .s3 = true,
       .presign = true,
       .unsigned_payload = true,
       .expires = 604800},
  };
}

Case to_case(const Handwritten& c) {
  Case out{.name = c.name, .request = c.request, .presign = c.presign, .expires = c.expires};
  SigningParams& params = out.params;
  params.access_key_id = "AKIDEXAMPLE";
  params.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  params.session_token = c.token;
  params.region = c.region;
  params.service = c.service;
  std::tm tm{};
  EXPECT_NE(strptime(c.timestamp.c_str(), "%Y%m%dT%H%M%SZ", &tm), nullptr) << c.timestamp;
  params.time = std::chrono::system_clock::from_time_t(timegm(&tm));
  params.normalize_path = !c.s3;
  params.payload_hash_header = c.s3 && !c.presign;
  params.unsigned_payload = c.unsigned_payload;
  return out;
}

std::string amz_date(std::chrono::system_clock::time_point time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &tm);
  return text;
}

// S3's signers are botocore's choice for what custos signs S3's way (the path as sent).
Json botocore_input(const Case& c) {
  const SigningParams& params = c.params;
  Json headers = Json::array();
  for (const auto& [name, value] : c.request.headers) headers.push_back({name, value});
  return {{"signer", c.presign ? "query" : "header"},
          {"s3", !params.normalize_path},
          {"method", c.request.method},
          {"url", c.request.url},
          {"headers", headers},
          {"body_base64", codec::base64_encode(c.request.body)},
          {"access_key", params.access_key_id},
          {"secret_key", params.secret_access_key},
          {"token", params.session_token.empty() ? Json(nullptr) : Json(params.session_token)},
          {"region", params.region},
          {"service", params.service},
          {"timestamp", amz_date(params.time)},
          {"expires", c.expires},
          {"unsigned_payload", params.unsigned_payload}};
}

// Runs botocore_sign.py once over every case; returns its JSON answers.
Json run_botocore(const std::vector<Case>& all) {
  Json input = Json::array();
  for (const Case& c : all) input.push_back(botocore_input(c));
  std::string path = (std::filesystem::temp_directory_path() / "custos-sigv4-XXXXXX").string();
  const int fd = mkstemp(path.data());
  EXPECT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << input.dump(-1, ' ', true);  // ASCII: whatever python's locale
  const std::string command = std::string(kPython) + " " +
                              test::source_path("tests/support/botocore_sign.py") + " < " + path;
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  for (size_t n; pipe != nullptr && (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) {
    output.append(buffer, n);
  }
  const int status = pipe == nullptr ? -1 : pclose(pipe);
  std::filesystem::remove(path);
  EXPECT_EQ(status, 0) << command << " failed (is python3-botocore installed?)";
  return status == 0 ? Json::parse(output) : Json::array();
}

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Every header botocore ends with, as many times as botocore has it; custos adds Host, which
// botocore leaves to its HTTP client (the signature shows whether both signed the same one).
bool same_headers(const Headers& mine, const Json& botocore) {
  HeaderList expected, actual;
  for (const auto& header : botocore)
    expected.emplace_back(corpus::lowercase(header[0]), header[1]);
  for (const auto& [name, value] : mine) {
    const std::string key = corpus::lowercase(name);
    if (key != "host" || std::ranges::find(expected, std::pair(key, value)) != expected.end()) {
      actual.emplace_back(key, value);
    }
  }
  std::ranges::sort(expected);
  std::ranges::sort(actual);
  return actual == expected;
}

// What custos made of a case: the signed request's headers or the presigned URL, and the steps.
struct Signed {
  std::string url;
  Headers headers;
  SigningSteps steps;
};

Signed sign_with_custos(const Case& c) {
  Signed out;
  if (c.presign) {
    out.url = presign_url(c.request, c.params, std::chrono::seconds(c.expires), &out.steps);
    return out;
  }
  HttpRequest request = c.request;
  sign_request(request, c.params, &out.steps);
  out.headers = std::move(request.headers);
  return out;
}

bool same_as(const Signed& mine, const Json& botocore) {
  return botocore.contains("url") ? mine.url == botocore["url"].get<std::string>()
                                  : same_headers(mine.headers, botocore["headers"]);
}

// Everything needed to see where two signers part: the request and both sides' steps.
std::string describe(const Case& c, const Signed& mine, const Json& botocore) {
  std::string text = fmt::format("{}: {} {}\n", c.name, c.request.method, c.request.url);
  for (const auto& [name, value] : c.request.headers)
    text += fmt::format("  {}: [{}]\n", name, value);
  text += fmt::format("  body: {} bytes; service {} region {} s3 {} unsigned payload {}\n",
                      c.request.body.size(), c.params.service, c.params.region,
                      !c.params.normalize_path, c.params.unsigned_payload);
  text += fmt::format("custos canonical request:\n{}\ncustos string to sign:\n{}\n",
                      mine.steps.canonical_request, mine.steps.string_to_sign);
  text +=
      fmt::format("botocore canonical request:\n{}\nbotocore string to sign:\n{}\n",
                  botocore.value("canonical_request", ""), botocore.value("string_to_sign", ""));
  if (c.presign)
    return text + fmt::format("custos url:   {}\nbotocore url: {}\n", mine.url,
                              botocore["url"].get<std::string>());
  text += "custos headers:\n";
  for (const auto& [name, value] : mine.headers) text += fmt::format("  {}: {}\n", name, value);
  return text + "botocore headers:\n" + botocore["headers"].dump() + "\n";
}

// Signs every case with custos, and all of them with botocore in one python run; each case
// that differs fails the test with its description (the first few: one bug fails many).
void expect_same_as_botocore(const std::vector<Case>& cases, size_t at_least) {
  ASSERT_GE(cases.size(), at_least);
  const Json answers = run_botocore(cases);
  ASSERT_EQ(answers.size(), cases.size());
  size_t differ = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    const Signed mine = sign_with_custos(cases[i]);
    if (same_as(mine, answers[i])) continue;
    if (++differ <= 5) ADD_FAILURE() << describe(cases[i], mine, answers[i]);
  }
  EXPECT_EQ(differ, 0u) << "requests signed otherwise than by botocore";
  std::cout << cases.size() - differ << "/" << cases.size()
            << " requests signed as botocore signs\n";
}

TEST(SigV4Botocore, SignsExactlyAsBotocore) {
  std::vector<Case> all;
  std::ranges::transform(handwritten(), std::back_inserter(all), to_case);
  expect_same_as_botocore(all, all.size());
}

// ---- The generated corpus: real operations of every protocol, then raw requests ----------

const std::vector<std::string> kQueryServices = {
    "iam",         "sts",         "sns", "sqs", "cloudformation",
    "autoscaling", "elasticache", "rds", "elb", "cloudwatch"};
const std::vector<std::string> kJsonServices = {
    "logs", "kms", "ssm", "dynamodb", "secretsmanager", "cloudtrail", "config", "organizations"};
const std::vector<std::string> kRestJsonServices = {"lambda",      "guardduty", "apigateway", "eks",
                                                    "securityhub", "efs",       "sesv2"};
const std::vector<std::string> kRestXmlServices = {"route53", "cloudfront", "s3control"};

TEST(SigV4Corpus, QueryProtocol) {
  expect_same_as_botocore(corpus::model_cases(150, 1, corpus::any_operation(kQueryServices)), 150);
}

TEST(SigV4Corpus, Ec2Protocol) {
  expect_same_as_botocore(corpus::model_cases(150, 2, corpus::any_operation({"ec2"})), 150);
}

TEST(SigV4Corpus, JsonProtocol) {
  expect_same_as_botocore(corpus::model_cases(150, 3, corpus::any_operation(kJsonServices)), 150);
}

TEST(SigV4Corpus, RestJsonProtocol) {
  expect_same_as_botocore(corpus::model_cases(150, 4, corpus::any_operation(kRestJsonServices)),
                          150);
}

TEST(SigV4Corpus, RestXmlProtocol) {
  expect_same_as_botocore(corpus::model_cases(100, 5, corpus::any_operation(kRestXmlServices)),
                          100);
}

TEST(SigV4Corpus, S3VirtualHosted) {
  expect_same_as_botocore(corpus::model_cases(150, 6, corpus::bucket_operation(true)), 150);
}

TEST(SigV4Corpus, S3PathStyle) {
  expect_same_as_botocore(corpus::model_cases(150, 7, corpus::bucket_operation(false)), 150);
}

// custos's client always signs S3 payloads, but its signer can leave them unsigned.
TEST(SigV4Corpus, S3UnsignedPayload) {
  std::vector<Case> cases = corpus::model_cases(50, 8, corpus::bucket_operation(true));
  std::ranges::copy(corpus::model_cases(50, 9, corpus::bucket_operation(false)),
                    std::back_inserter(cases));
  for (Case& c : cases) c.params.unsigned_payload = true;
  expect_same_as_botocore(cases, 100);
}

TEST(SigV4Corpus, PresignedS3Urls) {
  std::vector<Case> cases = corpus::model_cases(200, 10, corpus::bucket_operation(true));
  std::ranges::copy(corpus::model_cases(200, 11, corpus::bucket_operation(false)),
                    std::back_inserter(cases));
  std::ranges::copy(corpus::raw_cases(200, 12, true), std::back_inserter(cases));
  expect_same_as_botocore(corpus::presigned(cases, 13), 100);
}

TEST(SigV4Corpus, PresignedUrlsOfOtherProtocols) {
  std::vector<std::string> services = kQueryServices;
  for (const auto* group : {&kJsonServices, &kRestJsonServices, &kRestXmlServices})
    services.insert(services.end(), group->begin(), group->end());
  services.push_back("ec2");
  std::vector<Case> cases = corpus::model_cases(400, 14, corpus::any_operation(services));
  std::ranges::copy(corpus::raw_cases(200, 15, false), std::back_inserter(cases));
  expect_same_as_botocore(corpus::presigned(cases, 16), 100);
}

// The raw corpus is where the large bodies are: make sure it has some.
void expect_raw_corpus_same_as_botocore(std::uint64_t seed, bool s3) {
  const std::vector<Case> cases = corpus::raw_cases(150, seed, s3);
  EXPECT_TRUE(
      std::ranges::any_of(cases, [](const Case& c) { return c.request.body.size() >= 1 << 20; }));
  expect_same_as_botocore(cases, 150);
}

TEST(SigV4Corpus, RawRequests) { expect_raw_corpus_same_as_botocore(17, false); }

TEST(SigV4Corpus, RawS3Requests) { expect_raw_corpus_same_as_botocore(18, true); }

}  // namespace
}  // namespace custos::aws
