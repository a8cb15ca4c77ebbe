// Retries end to end: a fault proxy in front of moto fails the first requests, then forwards.
#include "aws/client.h"
#include "integration/fixture.h"
#include "support/fault_proxy.h"

namespace custos::test {
namespace {

const char* const kThrottled =
    "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit "
    "exceeded.</Message></Error></Errors><RequestID>req-throttle-1</RequestID></Response>";

FaultProxy::Reply unavailable() { return {503, "Service Unavailable", "text/plain", {}}; }
FaultProxy::Reply throttled() { return {503, kThrottled, "text/xml", {}}; }

class RetryTest : public IntegrationTest {
 protected:
  FaultProxy proxy{emulator().url()};

  aws::Client client_via_proxy(aws::RetryPolicy policy) const {
    aws::SessionOptions options;
    options.endpoint_url = proxy.url();
    options.region = "us-east-1";
    options.credentials = aws::Credentials{"testing", "testing", "", std::nullopt, "test"};
    return aws::Client(std::make_shared<const aws::Session>(options), std::move(policy));
  }
};

TEST_F(RetryTest, SucceedsAfterRetriesWithGrowingDelays) {
  proxy.fail_next(3, throttled());
  aws::RetryPolicy policy;
  policy.max_attempts = 4;
  policy.base_delay = std::chrono::milliseconds(40);
  policy.random = [] { return 1.0; };  // the upper bound of the jitter: 40, 80, 160 ms
  const Json reservations = client_via_proxy(policy).call("ec2", "DescribeInstances");
  EXPECT_TRUE(reservations["Reservations"].is_array());

  const auto arrivals = proxy.arrivals();
  ASSERT_EQ(arrivals.size(), 4u);
  EXPECT_FALSE(arrivals[3].faulted);
  std::vector<double> gaps;
  for (std::size_t i = 1; i < arrivals.size(); ++i) {
    gaps.push_back(std::chrono::duration<double>(arrivals[i].time - arrivals[i - 1].time).count());
  }
  EXPECT_GE(gaps[0], 0.040);
  EXPECT_GE(gaps[1], 0.080);
  EXPECT_GE(gaps[2], 0.160);
  EXPECT_LT(gaps[0], gaps[1]);
  EXPECT_LT(gaps[1], gaps[2]);
}

// As botocore: one invocation id for all of a call's attempts, "attempt=1" first, then the
// attempt and the most allowed (after a ttl when the failed answer had a Date).
TEST_F(RetryTest, AttemptsCarryBotocoresRetryHeaders) {
  proxy.fail_next(2, throttled());
  aws::RetryPolicy policy;
  policy.max_attempts = 4;
  policy.base_delay = std::chrono::milliseconds(5);
  client_via_proxy(policy).call("ec2", "DescribeInstances");
  client_via_proxy(policy).call("ec2", "DescribeInstances");
  const auto arrivals = proxy.arrivals();
  ASSERT_EQ(arrivals.size(), 4u);
  EXPECT_EQ(arrivals[0].headers.at("amz-sdk-request"), "attempt=1");
  EXPECT_TRUE(arrivals[1].headers.at("amz-sdk-request").ends_with("attempt=2; max=4"));
  EXPECT_TRUE(arrivals[2].headers.at("amz-sdk-request").ends_with("attempt=3; max=4"));
  EXPECT_EQ(arrivals[3].headers.at("amz-sdk-request"), "attempt=1");
  const std::string id = arrivals[0].headers.at("amz-sdk-invocation-id");
  EXPECT_EQ(id.size(), 36u);
  EXPECT_EQ(arrivals[2].headers.at("amz-sdk-invocation-id"), id);
  EXPECT_NE(arrivals[3].headers.at("amz-sdk-invocation-id"), id);
}

TEST_F(RetryTest, CustosCallRetriesServiceUnavailable) {
  proxy.fail_next(2, unavailable());
  auto result = custos({"call", "sts", "GetCallerIdentity"}, {{"AWS_ENDPOINT_URL", proxy.url()}});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(Json::parse(result.out)["Account"], aws_cli({"sts", "get-caller-identity"})["Account"]);
  EXPECT_EQ(proxy.arrivals().size(), 3u);
}

TEST_F(RetryTest, GivesUpAfterMaxAttemptsWithCodeRequestIdAndCount) {
  proxy.fail_next(5, throttled());
  auto result = custos({"call", "ec2", "DescribeInstances"},
                       {{"AWS_ENDPOINT_URL", proxy.url()}, {"AWS_MAX_ATTEMPTS", "2"}});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("RequestLimitExceeded"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("req-throttle-1"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("2 attempts"), std::string::npos) << result.err;
  EXPECT_EQ(proxy.arrivals().size(), 2u);
}

// A call per protocol: custos must see each protocol's fault as the retryable thing it is.
void call_every_protocol(const aws::Client& client) {
  EXPECT_NO_THROW(client.call("iam", "ListUsers"));            // query
  EXPECT_NO_THROW(client.call("ec2", "DescribeInstances"));    // ec2
  EXPECT_NO_THROW(client.call("kms", "ListKeys"));             // json
  EXPECT_NO_THROW(client.call("lambda", "ListFunctions"));     // rest-json
  EXPECT_NO_THROW(client.call("route53", "ListHostedZones"));  // rest-xml
  EXPECT_NO_THROW(client.call("s3", "ListBuckets"));           // rest-xml, S3's errors
}

// Named Soak* as the soak's other cases, whose faults these are.
class SoakFaultKindTest : public RetryTest, public ::testing::WithParamInterface<std::string> {};

// Every fault on every attempt but the last: each call needs all three attempts, and gets there.
TEST_P(SoakFaultKindTest, EveryProtocolRetriesThroughIt) {
  proxy.soak(FaultProxy::SoakSpec::parse(GetParam() + "=1"), 1);
  aws::RetryPolicy quick;
  quick.base_delay = std::chrono::milliseconds(5);
  call_every_protocol(client_via_proxy(quick));
  const FaultProxy::SoakReport report = proxy.soak_report();
  EXPECT_EQ(report.calls, 6);
  EXPECT_EQ(report.requests, GetParam() == "slow" ? 6 : 18);
  EXPECT_EQ(report.max_attempts, GetParam() == "slow" ? 1 : 3);
}

INSTANTIATE_TEST_SUITE_P(Soak, SoakFaultKindTest,
                         ::testing::Values("throttle", "error5xx", "reset", "slow"));

}  // namespace
}  // namespace custos::test
