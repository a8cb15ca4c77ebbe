// SigV4 against the two public test suites (botocore's aws4_testsuite and aws-c-auth's v4
// suite, both in tests/data/sigv4), plus the signer's own contract (Host, retries, key cache).
#include "aws/sigv4.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <thread>

#include "core/error.h"
#include "core/json.h"
#include "support/paths.h"

namespace custos::aws {
namespace {

namespace fs = std::filesystem;

constexpr char kAccessKey[] = "AKIDEXAMPLE";
constexpr char kSecretKey[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

// 2015-08-30T12:36:00Z, the time every case of both suites is signed at.
std::chrono::system_clock::time_point suite_time() {
  using namespace std::chrono;
  return sys_days{year{2015} / 8 / 30} + hours{12} + minutes{36};
}

SigningParams suite_params() {
  SigningParams params;
  params.access_key_id = kAccessKey;
  params.secret_access_key = kSecretKey;
  params.region = "us-east-1";
  params.service = "service";
  params.time = suite_time();
  return params;
}

std::string read_text(const fs::path& path) {
  std::string text = test::read_file(path.string());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

// A raw HTTP/1.1 request as the suites write it: request line, headers (folded continuation
// lines allowed), blank line, body. The target is used as the wire path, raw bytes and all.
HttpRequest parse_raw_request(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  HttpRequest request;
  const size_t method_end = line.find(' ');
  const size_t target_end = line.rfind(" HTTP/");
  request.method = line.substr(0, method_end);
  const std::string target = line.substr(method_end + 1, target_end - method_end - 1);
  std::string host;
  while (std::getline(in, line) && !line.empty()) {
    if (line.front() == ' ' || line.front() == '\t') {
      request.headers.back().second += ' ' + line;  // obs-fold: a continuation means one space
      continue;
    }
    const size_t colon = line.find(':');
    request.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
    if (line.substr(0, colon) == "Host") host = line.substr(colon + 1);
  }
  std::getline(in, request.body, '\0');
  request.url = "https://" + host + target;
  return request;
}

std::vector<std::string> header_values(const HttpRequest& request, std::string_view name) {
  std::vector<std::string> values;
  for (const auto& [key, value] : request.headers) {
    if (std::ranges::equal(key, name, [](char a, char b) { return std::tolower(a) == b; })) {
      values.push_back(value);
    }
  }
  return values;
}

std::string header(const HttpRequest& request, std::string_view name) {
  const auto values = header_values(request, name);
  return values.empty() ? "" : values.front();
}

// ---- botocore's aws4_testsuite: .req -> .creq, .sts, .authz --------------------------------

// Session tokens are not in the .req files: the suite's readme (post-sts-token) and the same
// case's aws-c-auth context give them.
std::string aws4_token(const std::string& name) {
  if (name == "post-sts-header-before") {
    const std::string readme =
        read_text(test::data_path("sigv4/aws4_testsuite/post-sts-token/readme.txt"));
    return readme.substr(readme.rfind('\n') + 1);
  }
  if (name == "get-vanilla-with-session-token") {
    const Json context = Json::parse(test::read_file(
        test::data_path("sigv4/aws-c-auth-v4/get-vanilla-with-session-token/context.json")));
    return context.at("credentials").at("token");
  }
  return "";
}

TEST(SigV4Aws4TestSuite, AllCasesMatchCanonicalRequestStringToSignAndAuthorization) {
  int cases = 0;
  int passed = 0;
  for (const auto& entry :
       fs::recursive_directory_iterator(test::data_path("sigv4/aws4_testsuite"))) {
    if (entry.path().extension() != ".req") continue;
    const std::string name = entry.path().stem().string();
    SCOPED_TRACE(name);
    ++cases;
    const fs::path base = entry.path().parent_path() / name;
    HttpRequest request = parse_raw_request(test::read_file(entry.path().string()));
    SigningParams params = suite_params();
    params.session_token = aws4_token(name);
    SigningSteps steps;
    sign_request(request, params, &steps);
    const std::string expected_creq = read_text(base.string() + ".creq");
    const std::string expected_sts = read_text(base.string() + ".sts");
    const std::string expected_authz = read_text(base.string() + ".authz");
    EXPECT_EQ(steps.canonical_request, expected_creq);
    EXPECT_EQ(steps.string_to_sign, expected_sts);
    EXPECT_EQ(header(request, "authorization"), expected_authz);
    passed += steps.canonical_request == expected_creq && steps.string_to_sign == expected_sts &&
              header(request, "authorization") == expected_authz;
  }
  std::cout << "aws4_testsuite: " << passed << "/" << cases << " cases passed\n";
  EXPECT_EQ(cases, 34);
}

// ---- aws-c-auth's v4 suite: header and query signing per context.json ------------------------

struct AwsCAuthCase {
  fs::path dir;
  HttpRequest request;
  SigningParams params;
  std::chrono::seconds expires;
  std::string token_after_signing;  // "omit_session_token": sent, but added after signing

  std::string expected(const std::string& file) const { return read_text(dir / file); }
};

std::chrono::system_clock::time_point parse_timestamp(const std::string& iso) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  EXPECT_EQ(
      std::sscanf(iso.c_str(), "%d-%d-%dT%d:%d:%dZ", &year, &month, &day, &hour, &minute, &second),
      6)
      << iso;
  using namespace std::chrono;
  return sys_days{std::chrono::year{year} / month / day} + hours{hour} + minutes{minute} +
         seconds{second};
}

AwsCAuthCase load_aws_c_auth_case(const fs::path& dir) {
  const Json context = Json::parse(test::read_file((dir / "context.json").string()));
  AwsCAuthCase c{
      dir, parse_raw_request(test::read_file((dir / "request.txt").string())), {}, {}, {}};
  const Json& credentials = context.at("credentials");
  c.params.access_key_id = credentials.at("access_key_id");
  c.params.secret_access_key = credentials.at("secret_access_key");
  if (credentials.contains("token")) {
    const bool after_signing = context.value("omit_session_token", false);
    (after_signing ? c.token_after_signing : c.params.session_token) = credentials.at("token");
  }
  c.params.region = context.at("region");
  c.params.service = context.at("service");
  c.params.time = parse_timestamp(context.at("timestamp"));
  c.params.normalize_path = context.at("normalize");
  c.params.payload_hash_header = context.at("sign_body");
  c.expires = std::chrono::seconds(context.at("expiration_in_seconds").get<int>());
  return c;
}

bool check_steps(const AwsCAuthCase& c, const SigningSteps& steps, const std::string& mode) {
  const std::string creq = c.expected(mode + "-canonical-request.txt");
  const std::string sts = c.expected(mode + "-string-to-sign.txt");
  const std::string signature = c.expected(mode + "-signature.txt");
  EXPECT_EQ(steps.canonical_request, creq) << mode;
  EXPECT_EQ(steps.string_to_sign, sts) << mode;
  EXPECT_EQ(steps.signature, signature) << mode;
  return steps.canonical_request == creq && steps.string_to_sign == sts &&
         steps.signature == signature;
}

std::string encode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || std::string_view("-_.~").find(c) != std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      char escaped[4];
      std::snprintf(escaped, sizeof escaped, "%%%02X", c);
      out += escaped;
    }
  }
  return out;
}

// "X-Amz-..." parameters of a URL or request line, sorted (the suite orders them differently).
std::vector<std::string> amz_query_params(const std::string& url) {
  std::vector<std::string> params;
  std::istringstream query(url.substr(url.find('?') + 1));
  for (std::string pair; std::getline(query, pair, '&');) {
    if (pair.starts_with("X-Amz-")) params.push_back(pair.substr(0, pair.find(' ')));
  }
  std::ranges::sort(params);
  return params;
}

TEST(SigV4AwsCAuthSuite, AllCasesMatchInHeaderAndQuerySigning) {
  int cases = 0;
  int header_passed = 0;
  int query_passed = 0;
  for (const auto& entry : fs::directory_iterator(test::data_path("sigv4/aws-c-auth-v4"))) {
    SCOPED_TRACE(entry.path().filename().string());
    ++cases;
    const AwsCAuthCase c = load_aws_c_auth_case(entry.path());

    HttpRequest signed_request = c.request;
    SigningSteps header_steps;
    sign_request(signed_request, c.params, &header_steps);
    const std::string signed_text = c.expected("header-signed-request.txt");
    const size_t authorization = signed_text.find("Authorization:");
    const std::string expected_authorization = signed_text.substr(
        authorization + 14, signed_text.find('\n', authorization) - authorization - 14);
    EXPECT_EQ(header(signed_request, "authorization"), expected_authorization);
    header_passed += check_steps(c, header_steps, "header") &&
                     header(signed_request, "authorization") == expected_authorization;

    SigningSteps query_steps;
    std::string url = presign_url(c.request, c.params, c.expires, &query_steps);
    if (!c.token_after_signing.empty())
      url += "&X-Amz-Security-Token=" + encode(c.token_after_signing);
    const std::string request_line = c.expected("query-signed-request.txt");
    EXPECT_EQ(amz_query_params(url),
              amz_query_params(request_line.substr(0, request_line.find('\n'))));
    query_passed += check_steps(c, query_steps, "query");
  }
  std::cout << "aws-c-auth v4: header " << header_passed << "/" << cases << ", query "
            << query_passed << "/" << cases << " cases passed\n";
  EXPECT_EQ(cases, 38);
}

// ---- The signer's own contract -------------------------------------------------------------

HttpRequest ec2_request(std::string url) {
  HttpRequest request;
  request.method = "POST";
  request.url = std::move(url);
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  request.body = "Action=DescribeInstances&Version=2016-11-15";
  return request;
}

TEST(SigV4, HostHeaderHasThePortOnlyWhenNotTheSchemesDefault) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"http://127.0.0.1:5000/", "127.0.0.1:5000"},
      {"https://EC2.us-east-1.amazonaws.com:443/", "ec2.us-east-1.amazonaws.com"},
      {"http://localhost:80/", "localhost"},
      {"https://localhost:80/", "localhost:80"},
      {"http://user:pw@[::1]:4566/?x=1", "[::1]:4566"},
      {"https://sts.amazonaws.com", "sts.amazonaws.com"},
  };
  for (const auto& [url, host] : cases) {
    HttpRequest request = ec2_request(url);
    sign_request(request, suite_params());
    EXPECT_EQ(header(request, "host"), host) << url;
  }
}

TEST(SigV4, ResigningReplacesTheSignatureHeadersInsteadOfAddingMore) {
  HttpRequest request = ec2_request("https://ec2.us-east-1.amazonaws.com/");
  SigningParams params = suite_params();
  params.session_token = "token-1";
  sign_request(request, params);
  const std::string first = header(request, "authorization");
  params.session_token = "token-2";
  params.time += std::chrono::hours(30);
  params.payload_hash_header = true;
  sign_request(request, params);
  for (std::string_view name :
       {"authorization", "x-amz-date", "x-amz-security-token", "host", "x-amz-content-sha256"}) {
    EXPECT_EQ(header_values(request, name).size(), 1u) << name;
  }
  EXPECT_EQ(header(request, "x-amz-date"), "20150831T183600Z");
  EXPECT_EQ(header(request, "x-amz-security-token"), "token-2");
  EXPECT_NE(header(request, "authorization"), first);
  EXPECT_NE(header(request, "authorization").find("Credential=AKIDEXAMPLE/20150831/"),
            std::string::npos);
}

TEST(SigV4, SigningKeyCacheDistinguishesSecretsRegionsAndDays) {
  auto sign_with = [](const std::string& secret, const std::string& region, int day) {
    HttpRequest request = ec2_request("https://ec2.amazonaws.com/");
    SigningParams params = suite_params();
    params.secret_access_key = secret;
    params.region = region;
    params.time += std::chrono::days(day);
    SigningSteps steps;
    sign_request(request, params, &steps);
    return steps.signature;
  };
  const std::string base = sign_with(kSecretKey, "us-east-1", 0);
  EXPECT_NE(sign_with("another-secret", "us-east-1", 0), base);
  EXPECT_NE(sign_with(kSecretKey, "eu-west-1", 0), base);
  EXPECT_NE(sign_with(kSecretKey, "us-east-1", 1), base);
  for (int i = 0; i < 6; ++i) sign_with("filler-" + std::to_string(i), "us-east-1", 0);
  EXPECT_EQ(sign_with(kSecretKey, "us-east-1", 0), base);
}

TEST(SigV4, ConcurrentSigningGivesTheSameSignatures) {
  HttpRequest model = ec2_request("https://ec2.amazonaws.com/");
  SigningParams params = suite_params();
  SigningSteps expected;
  HttpRequest copy = model;
  sign_request(copy, params, &expected);
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < mismatches.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        SigningParams mine = params;
        mine.secret_access_key = i % 2 ? kSecretKey : "other";
        HttpRequest request = model;
        SigningSteps steps;
        sign_request(request, mine, &steps);
        mismatches[t] += (i % 2 == 1) != (steps.signature == expected.signature);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

TEST(SigV4, S3PathIsSignedAsSentWithThePayloadHashHeader) {
  HttpRequest request;
  request.method = "PUT";
  request.url = "https://bucket.s3.amazonaws.com/a//b/./c/../d%2Fe%7e.txt";
  request.body = "hello";
  SigningParams params = suite_params();
  params.service = "s3";
  params.normalize_path = false;
  params.payload_hash_header = true;
  SigningSteps steps;
  sign_request(request, params, &steps);
  EXPECT_TRUE(steps.canonical_request.starts_with("PUT\n/a//b/./c/../d%2Fe~.txt\n\n"))
      << steps.canonical_request;
  const std::string hello_sha256 =
      "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
  EXPECT_EQ(header(request, "x-amz-content-sha256"), hello_sha256);
  EXPECT_TRUE(steps.canonical_request.ends_with("\n" + hello_sha256));

  params.unsigned_payload = true;
  sign_request(request, params, &steps);
  EXPECT_EQ(header(request, "x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
  EXPECT_TRUE(steps.canonical_request.ends_with("\nUNSIGNED-PAYLOAD"));
}

TEST(SigV4, BadInputThrowsWithoutRevealingTheSecret) {
  HttpRequest request = ec2_request("ec2.amazonaws.com/no-scheme");
  try {
    sign_request(request, suite_params());
    FAIL() << "expected custos::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not absolute"), std::string::npos) << e.what();
  }
  for (auto broken : {&SigningParams::region, &SigningParams::access_key_id}) {
    SigningParams params = suite_params();
    params.*broken = "";
    HttpRequest good = ec2_request("https://ec2.amazonaws.com/");
    try {
      presign_url(good, params, std::chrono::seconds(60));
      FAIL() << "expected custos::Error";
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).find(kSecretKey), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("cannot sign"), std::string::npos) << e.what();
    }
  }
}

TEST(HttpResponse, HeaderReturnsTheFirstValueOrEmpty) {
  HttpResponse response;
  response.headers = {{"x-amzn-requestid", "abc"}, {"set-cookie", "a"}, {"set-cookie", "b"}};
  EXPECT_EQ(response.header("x-amzn-requestid"), "abc");
  EXPECT_EQ(response.header("X-Amzn-RequestId"), "abc");
  EXPECT_EQ(response.header("set-cookie"), "a");
  EXPECT_EQ(response.header("content-type"), "");
}

}  // namespace
}  // namespace custos::aws
