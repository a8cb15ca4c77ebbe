// custos's SigV4 signer against botocore's own signers (SigV4Auth, S3SigV4Auth, SigV4QueryAuth,
// S3SigV4QueryAuth), run by tests/support/botocore_sign.py under Debian's python3-botocore.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "aws/sigv4.h"
#include "core/json.h"
#include "support/paths.h"

namespace custos::aws {
namespace {

// Debian's interpreter: the python3 first on PATH may not have python3-botocore.
constexpr char kPython[] = "/usr/bin/python3";

struct Case {
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

std::vector<Case> cases() {
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

SigningParams params_for(const Case& c) {
  SigningParams params;
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
  return params;
}

Json botocore_input(const Case& c) {
  const SigningParams params = params_for(c);
  Json headers = Json::array();
  for (const auto& [name, value] : c.request.headers) headers.push_back({name, value});
  return {{"signer", c.presign ? "query" : "header"},
          {"s3", c.s3},
          {"method", c.request.method},
          {"url", c.request.url},
          {"headers", headers},
          {"body", c.request.body},
          {"access_key", params.access_key_id},
          {"secret_key", params.secret_access_key},
          {"token", c.token.empty() ? Json(nullptr) : Json(c.token)},
          {"region", c.region},
          {"service", c.service},
          {"timestamp", c.timestamp},
          {"expires", c.expires},
          {"unsigned_payload", c.unsigned_payload}};
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

std::string lower(std::string text) {
  std::ranges::transform(text, text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// Every header botocore ends with must be in custos's request with the same value; custos may
// add only Host (botocore leaves that to its HTTP client but signs the same value).
bool same_headers(const Headers& mine, const Json& botocore) {
  std::set<std::pair<std::string, std::string>> expected, actual;
  for (const auto& header : botocore) expected.emplace(lower(header[0]), header[1]);
  for (const auto& [name, value] : mine) {
    if (lower(name) != "host" || expected.contains({"host", value})) {
      actual.emplace(lower(name), value);
    }
  }
  EXPECT_EQ(actual, expected);
  return actual == expected;
}

TEST(SigV4Botocore, SignsExactlyAsBotocore) {
  const std::vector<Case> all = cases();
  const Json answers = run_botocore(all);
  ASSERT_EQ(answers.size(), all.size());
  int passed = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    const Case& c = all[i];
    SCOPED_TRACE(c.name);
    if (c.presign) {
      const std::string url =
          presign_url(c.request, params_for(c), std::chrono::seconds(c.expires));
      EXPECT_EQ(url, answers[i].at("url").get<std::string>());
      passed += url == answers[i].at("url");
    } else {
      HttpRequest request = c.request;
      sign_request(request, params_for(c));
      passed += same_headers(request.headers, answers[i].at("headers"));
    }
  }
  std::cout << "botocore comparison: " << passed << "/" << all.size() << " requests identical\n";
}

}  // namespace
}  // namespace custos::aws
