// What the transport sends is what the signer signed.
#include "aws/transport.h"

#include <gtest/gtest.h>

#include "aws/client.h"
#include "support/fault_proxy.h"

namespace custos::aws {
namespace {

// S3 signs a key's path as sent, dot segments and all (botocore's S3SigV4Auth); libcurl
// resolves them by default, which would send another path than the signed one (and name
// another object).
TEST(Transport, SendsDotSegmentsOfS3KeysAsSigned) {
  test::FaultProxy server{test::FaultProxy::Reply{200, "", "text/plain", {}}};
  SessionOptions options;
  options.endpoint_url = server.url();
  options.region = "us-east-1";
  options.credentials = Credentials{"AKIDTEST", "secret", "", std::nullopt, "test"};
  const Client client(std::make_shared<const Session>(options));
  client.call("s3", "HeadObject", {{"Bucket", "bucket"}, {"Key", "a/../b/./c//d"}});
  ASSERT_EQ(server.arrivals().size(), 1u);
  EXPECT_EQ(server.arrivals()[0].target, "/bucket/a/../b/./c//d");
}

}  // namespace
}  // namespace custos::aws
