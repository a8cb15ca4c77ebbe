#include "aws/retry.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <time.h>

#include <fmt/chrono.h>

#include <vector>

#include "aws/client.h"
#include "support/fault_proxy.h"

namespace custos::aws {
namespace {

using namespace std::chrono_literals;

TEST(RetryClassification, ThrottlingTransientAndNot) {
  EXPECT_TRUE(is_retryable("ec2", {400, false, "RequestLimitExceeded"}));
  EXPECT_TRUE(is_retryable("iam", {400, false, "Throttling"}));
  EXPECT_TRUE(is_retryable("s3", {503, false, "SlowDown"}));
  EXPECT_TRUE(is_retryable("ec2", {400, false, "RequestTimeout"}));
  EXPECT_TRUE(is_retryable("ec2", {0, false, ""}));  // connection refused
  EXPECT_TRUE(is_retryable("ec2", {0, true, ""}));   // timeout
  for (int status : {500, 502, 503, 504}) EXPECT_TRUE(is_retryable("ec2", {status, false, ""}));
  EXPECT_FALSE(is_retryable("ec2", {501, false, ""}));
  EXPECT_FALSE(is_retryable("ec2", {400, false, "InvalidInstanceID.NotFound"}));
  EXPECT_FALSE(is_retryable("iam", {403, false, "AccessDenied"}));
  EXPECT_TRUE(is_retryable("sts", {400, false, "IDPCommunicationError"}));
  EXPECT_FALSE(is_retryable("iam", {400, false, "IDPCommunicationError"}));
  EXPECT_TRUE(is_throttling_error("EC2ThrottledException"));
  EXPECT_FALSE(is_throttling_error("RequestTimeout"));
}

// The model's "retryable" trait makes an error retryable that no generic rule would retry
// (identitystore's InternalServerException is a 400).
TEST(RetryClassification, ModeledRetryableErrors) {
  const auto model = ServiceModel::load("identitystore");
  const Operation& op = model->operation("ListUsers");
  EXPECT_TRUE(is_modeled_retryable(op, "InternalServerException"));
  EXPECT_TRUE(is_modeled_retryable(op, "ThrottlingException"));
  EXPECT_FALSE(is_modeled_retryable(op, "ValidationException"));
  EXPECT_FALSE(is_modeled_retryable(op, ""));
  EXPECT_FALSE(is_retryable("identitystore", {400, false, "InternalServerException"}));
  EXPECT_TRUE(is_retryable("identitystore", {400, false, "InternalServerException", true}));
}

TEST(RetryBackoff, FullJitterDoublesAndIsCapped) {
  RetryPolicy policy;
  policy.random = [] { return 0.999; };
  EXPECT_NEAR(policy.delay(1).count(), 0.999, 1e-9);
  EXPECT_NEAR(policy.delay(2).count(), 1.998, 1e-9);
  EXPECT_NEAR(policy.delay(4).count(), 7.992, 1e-9);
  EXPECT_DOUBLE_EQ(policy.delay(6).count(), 20.0);  // 31.97 capped at botocore's 20 s
  policy.random = [] { return 0.0; };
  EXPECT_DOUBLE_EQ(policy.delay(3).count(), 0.0);
}

TEST(RetryBackoff, DefaultRandomStaysWithinBounds) {
  RetryPolicy policy;
  for (int retry = 1; retry <= 8; ++retry) {
    const double bound = std::min(20.0, std::exp2(retry - 1));
    for (int i = 0; i < 50; ++i) {
      const double delay = policy.delay(retry).count();
      EXPECT_GE(delay, 0.0);
      EXPECT_LE(delay, bound);
    }
  }
}

TEST(RetryQuotaTest, ChargesRetriesAndRefundsOnSuccess) {
  RetryQuota quota;
  EXPECT_EQ(quota.acquire({503, false, ""}), 5);
  EXPECT_EQ(quota.acquire({0, true, ""}), 10);
  EXPECT_EQ(quota.available(), 485);
  quota.release(10);  // a call that retried after a timeout succeeded
  EXPECT_EQ(quota.available(), 495);
  quota.release(0);  // a call that succeeded at once
  EXPECT_EQ(quota.available(), 496);
  for (int i = 0; i < 10; ++i) quota.release(5);
  EXPECT_EQ(quota.available(), 500);  // never above the capacity
}

TEST(RetryQuotaTest, RefusesWhenExhausted) {
  RetryQuota quota(12);
  EXPECT_EQ(quota.acquire({503, false, ""}), 5);
  EXPECT_EQ(quota.acquire({503, false, ""}), 5);
  EXPECT_EQ(quota.acquire({503, false, ""}), 0);
  EXPECT_EQ(quota.acquire({0, true, ""}), 0);
  EXPECT_EQ(quota.available(), 2);
}

TEST(ClockSkew, ParsesDateAndCorrectsOnlySkewErrors) {
  const auto date = parse_http_date("Thu, 26 Nov 2026 07:42:22 GMT");
  ASSERT_TRUE(date);
  const auto expected = std::chrono::sys_days(std::chrono::year(2026) / 11 / 26) + 7h + 42min + 22s;
  EXPECT_EQ(*date, expected);
  EXPECT_FALSE(parse_http_date("Thu, 26 Foo 2026 07:42:22 GMT"));
  EXPECT_FALSE(parse_http_date("2026-11-26T07:42:22Z"));

  const auto now = expected - 1h;  // our clock is an hour late
  EXPECT_EQ(clock_skew_offset("RequestTimeTooSkewed", "Thu, 26 Nov 2026 07:42:22 GMT", now, 0s),
            std::optional<std::chrono::seconds>(3600s));
  EXPECT_FALSE(clock_skew_offset("Throttling", "Thu, 26 Nov 2026 07:42:22 GMT", now, 0s));
  EXPECT_FALSE(clock_skew_offset("RequestExpired", "", now, 0s));
  // Already corrected: no new offset, so no endless retry.
  EXPECT_FALSE(clock_skew_offset("RequestExpired", "Thu, 26 Nov 2026 07:42:22 GMT", now, 3600s));
}

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { setenv(name, value, 1); }
  ~ScopedEnv() { unsetenv(name_); }

 private:
  const char* name_;
};

TEST(SessionMaxAttempts, FromEnvironment) {
  ScopedEnv config("AWS_CONFIG_FILE", "/nonexistent/custos-config");
  EXPECT_EQ(Session().max_attempts(), 3);
  {
    ScopedEnv attempts("AWS_MAX_ATTEMPTS", "7");
    EXPECT_EQ(Session().max_attempts(), 7);
  }
  ScopedEnv bad("AWS_MAX_ATTEMPTS", "0");
  EXPECT_THROW(Session().max_attempts(), InputError);
}

constexpr const char* kIdentity =
    R"(<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/t</Arn>
  <UserId>AIDA</UserId><Account>123456789012</Account></GetCallerIdentityResult>
  <ResponseMetadata><RequestId>ok-1</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>)";

constexpr const char* kThrottled =
    R"(<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>
  <Message>Rate exceeded</Message></Error><RequestId>req-throttled</RequestId></ErrorResponse>)";

test::FaultProxy::Reply xml(int status, std::string body,
                            std::map<std::string, std::string> headers = {}) {
  return {status, std::move(body), "text/xml", std::move(headers)};
}

struct RetryingClient {
  test::FaultProxy server{xml(200, kIdentity)};
  std::vector<double> waits;

  Client client(int max_attempts) {
    SessionOptions options;
    options.endpoint_url = server.url();
    options.region = "us-east-1";
    options.credentials = Credentials{"AKIDTEST", "secret", "", std::nullopt, "test"};
    RetryPolicy policy;
    policy.max_attempts = max_attempts;
    policy.random = [] { return 0.5; };
    policy.sleep = [this](Seconds delay) { waits.push_back(delay.count()); };
    return Client(std::make_shared<const Session>(options), policy);
  }
};

TEST(ClientRetries, SucceedsAfterThrottlingWithGrowingDelays) {
  RetryingClient fixture;
  fixture.server.fail_next(2, xml(400, kThrottled));
  const Json identity = fixture.client(3).call("sts", "GetCallerIdentity");
  EXPECT_EQ(identity["Account"], "123456789012");
  EXPECT_EQ(fixture.server.arrivals().size(), 3u);
  EXPECT_EQ(fixture.waits, (std::vector<double>{0.5, 1.0}));
  // Each attempt is signed again.
  const auto arrivals = fixture.server.arrivals();
  EXPECT_TRUE(arrivals[0].headers.contains("Authorization"));
  EXPECT_TRUE(arrivals[2].headers.contains("X-Amz-Date"));
}

TEST(ClientRetries, GivesUpAfterMaxAttemptsNamingCodeRequestIdAndAttempts) {
  RetryingClient fixture;
  fixture.server.fail_next(5, xml(400, kThrottled));
  try {
    fixture.client(3).call("sts", "GetCallerIdentity");
    FAIL() << "expected AwsError";
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code(), "Throttling");
    EXPECT_EQ(e.request_id(), "req-throttled");
    EXPECT_EQ(e.attempts(), 3);
    EXPECT_NE(std::string(e.what()).find("3 attempts"), std::string::npos) << e.what();
  }
  EXPECT_EQ(fixture.server.arrivals().size(), 3u);
}

TEST(ClientRetries, DoesNotRetryClientErrors) {
  RetryingClient fixture;
  fixture.server.fail_next(
      1, xml(403,
             "<ErrorResponse><Error><Code>AccessDenied</Code><Message>no</Message></Error>"
             "<RequestId>r</RequestId></ErrorResponse>"));
  EXPECT_THROW(fixture.client(3).call("sts", "GetCallerIdentity"), AwsError);
  EXPECT_EQ(fixture.server.arrivals().size(), 1u);
  EXPECT_TRUE(fixture.waits.empty());
}

TEST(ClientRetries, RetriesWhenNoResponseArrives) {
  RetryingClient fixture;
  SessionOptions options;
  options.endpoint_url = "http://127.0.0.1:1";  // nothing listens on port 1
  options.region = "us-east-1";
  options.credentials = Credentials{"AKIDTEST", "secret", "", std::nullopt, "test"};
  RetryPolicy policy;
  policy.max_attempts = 2;
  policy.sleep = [&](Seconds delay) { fixture.waits.push_back(delay.count()); };
  Client client(std::make_shared<const Session>(options), policy);
  try {
    client.call("sts", "GetCallerIdentity");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("after 2 attempts"), std::string::npos) << e.what();
  }
  EXPECT_EQ(fixture.waits.size(), 1u);
}

TEST(ClientRetries, CorrectsClockSkewFromDateHeader) {
  RetryingClient fixture;
  const std::time_t server_now =
      std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + 2h);
  const auto server_time = fmt::gmtime(server_now);
  const std::string date = fmt::format("{:%a, %d %b %Y %H:%M:%S} GMT", server_time);
  fixture.server.fail_next(
      1, xml(403,
             "<ErrorResponse><Error><Code>RequestExpired</Code><Message>expired</Message></Error>"
             "<RequestId>r</RequestId></ErrorResponse>",
             {{"Date", date}}));
  auto client = fixture.client(3);
  EXPECT_EQ(client.call("sts", "GetCallerIdentity")["Account"], "123456789012");
  const auto arrivals = fixture.server.arrivals();
  ASSERT_EQ(arrivals.size(), 2u);
  // X-Amz-Date (20261126T094222Z) follows the server's clock, two hours ahead of ours, to within
  // the Date header's whole seconds (comparing minutes failed when one turned in between).
  const std::string first = arrivals[0].headers.at("X-Amz-Date");
  const std::string second = arrivals[1].headers.at("X-Amz-Date");
  std::tm signed_at{};
  ASSERT_NE(strptime(second.c_str(), "%Y%m%dT%H%M%SZ", &signed_at), nullptr) << second;
  EXPECT_NEAR(static_cast<double>(timegm(&signed_at)), static_cast<double>(server_now), 2.0)
      << second;
  EXPECT_NE(first.substr(0, 11), second.substr(0, 11));
}

}  // namespace
}  // namespace custos::aws
