#include "aws/endpoints.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/error.h"

namespace custos::aws {
namespace {

using ::testing::HasSubstr;

void expect_endpoint(const Endpoint& endpoint, const std::string& url,
                     const std::string& signing_region) {
  EXPECT_EQ(endpoint.url, url);
  EXPECT_EQ(endpoint.signing_region, signing_region);
}

// --- botocore's real endpoints.json ---

TEST(StandardEndpointsTest, RegionalServicesUseThePartitionOfTheirRegion) {
  const auto& resolver = EndpointResolver::standard();
  expect_endpoint(resolver.resolve("ec2", "us-east-1"), "https://ec2.us-east-1.amazonaws.com",
                  "us-east-1");
  expect_endpoint(resolver.resolve("ec2", "eu-west-3"), "https://ec2.eu-west-3.amazonaws.com",
                  "eu-west-3");
  expect_endpoint(resolver.resolve("ec2", "cn-north-1"), "https://ec2.cn-north-1.amazonaws.com.cn",
                  "cn-north-1");
  expect_endpoint(resolver.resolve("ec2", "us-gov-west-1"),
                  "https://ec2.us-gov-west-1.amazonaws.com", "us-gov-west-1");
  expect_endpoint(resolver.resolve("ec2", "us-iso-east-1"), "https://ec2.us-iso-east-1.c2s.ic.gov",
                  "us-iso-east-1");
}

TEST(StandardEndpointsTest, GlobalServicesUseTheirPartitionEndpoint) {
  const auto& resolver = EndpointResolver::standard();
  expect_endpoint(resolver.resolve("iam", "eu-west-1"), "https://iam.amazonaws.com", "us-east-1");
  expect_endpoint(resolver.resolve("iam", "cn-northwest-1"),
                  "https://iam.cn-north-1.amazonaws.com.cn", "cn-north-1");
  expect_endpoint(resolver.resolve("iam", "us-gov-east-1"), "https://iam.us-gov.amazonaws.com",
                  "us-gov-west-1");
  expect_endpoint(resolver.resolve("route53", "ap-southeast-1"), "https://route53.amazonaws.com",
                  "us-east-1");
  expect_endpoint(resolver.resolve("organizations", "eu-central-1"),
                  "https://organizations.us-east-1.amazonaws.com", "us-east-1");
}

TEST(StandardEndpointsTest, StsIsRegionalAsInTheCliV2) {
  const auto& resolver = EndpointResolver::standard();
  expect_endpoint(resolver.resolve("sts", "us-east-1"), "https://sts.us-east-1.amazonaws.com",
                  "us-east-1");
  expect_endpoint(resolver.resolve("sts", "eu-west-1"), "https://sts.eu-west-1.amazonaws.com",
                  "eu-west-1");
}

TEST(StandardEndpointsTest, UnknownRegionsAndServicesFollowTheTemplates) {
  const auto& resolver = EndpointResolver::standard();
  // Matches the aws partition's region pattern without being listed.
  expect_endpoint(resolver.resolve("ec2", "eu-future-9"), "https://ec2.eu-future-9.amazonaws.com",
                  "eu-future-9");
  expect_endpoint(resolver.resolve("newservice", "cn-north-1"),
                  "https://newservice.cn-north-1.amazonaws.com.cn", "cn-north-1");
  // No partition knows it: botocore's guess.
  expect_endpoint(resolver.resolve("ec2", "mars-1"), "https://ec2.mars-1.amazonaws.com", "mars-1");
}

TEST(StandardEndpointsTest, WithoutARegionOnlyGlobalServicesResolve) {
  const auto& resolver = EndpointResolver::standard();
  auto iam = resolver.resolve_global("iam");
  ASSERT_TRUE(iam);
  expect_endpoint(*iam, "https://iam.amazonaws.com", "us-east-1");
  EXPECT_FALSE(resolver.resolve_global("ec2"));
  EXPECT_FALSE(resolver.resolve_global("nosuchservice"));
}

TEST(StandardEndpointsTest, FipsAndDualStackVariants) {
  const auto& resolver = EndpointResolver::standard();
  const EndpointVariant fips{.fips = true};
  const EndpointVariant dualstack{.dualstack = true};
  const EndpointVariant both{.fips = true, .dualstack = true};
  // The endpoint's own variants first.
  expect_endpoint(resolver.resolve("kms", "us-east-1", fips),
                  "https://kms-fips.us-east-1.amazonaws.com", "us-east-1");
  expect_endpoint(resolver.resolve("ec2", "us-east-1", dualstack), "https://ec2.us-east-1.api.aws",
                  "us-east-1");
  expect_endpoint(resolver.resolve("s3", "us-east-1", both),
                  "https://s3-fips.dualstack.us-east-1.amazonaws.com", "us-east-1");
  // Else the service's or the partition's default variant, with its own DNS suffix.
  expect_endpoint(resolver.resolve("ec2", "eu-west-1", fips),
                  "https://ec2-fips.eu-west-1.amazonaws.com", "eu-west-1");
  expect_endpoint(resolver.resolve("ec2", "eu-west-1", both), "https://ec2-fips.eu-west-1.api.aws",
                  "eu-west-1");
  expect_endpoint(resolver.resolve("ec2", "cn-north-1", dualstack),
                  "https://ec2.cn-north-1.api.amazonwebservices.com.cn", "cn-north-1");
  // Global services keep their credential scope.
  expect_endpoint(resolver.resolve("iam", "eu-west-1", fips), "https://iam-fips.amazonaws.com",
                  "us-east-1");
  ASSERT_TRUE(resolver.resolve_global("iam", fips));
  EXPECT_EQ(resolver.resolve_global("iam", fips)->url, "https://iam-fips.amazonaws.com");
  // Off by default.
  EXPECT_EQ(resolver.resolve("kms", "us-east-1").url, "https://kms.us-east-1.amazonaws.com");
}

// --- resolution rules on a small hand-written endpoints.json ---

const Json kEndpoints = Json::parse(R"({
  "version": 3,
  "partitions": [
    {"partition": "one", "dnsSuffix": "one.test", "regionRegex": "^(aa|bb)\\-\\w+\\-\\d+$",
     "regions": {"special": {}},
     "defaults": {"hostname": "{service}.{region}.{dnsSuffix}", "protocols": ["https"]},
     "services": {
       "svc": {"endpoints": {
         "aa-east-1": {},
         "aa-west-1": {"hostname": "custom.{region}.example", "credentialScope": {"region": "aa-sign-1"}},
         "aa-dns-1": {"dnsSuffix": "other.test"}}},
       "tmpl": {"defaults": {"hostname": "{service}-x.{region}.{dnsSuffix}",
                             "credentialScope": {"service": "t"}},
                "endpoints": {}},
       "glob": {"isRegionalized": false, "partitionEndpoint": "one-global",
                "endpoints": {"one-global": {"hostname": "glob.one.test",
                                             "credentialScope": {"region": "aa-east-1"}}}},
       "half": {"partitionEndpoint": "half-global",
                "endpoints": {"half-global": {"hostname": "half.one.test"}}}
     }},
    {"partition": "two", "dnsSuffix": "two.test", "regionRegex": "^cc\\-\\w+\\-\\d+$",
     "regions": {},
     "defaults": {"hostname": "{service}.{region}.{dnsSuffix}"},
     "services": {"svc": {"endpoints": {"aa-east-1": {"hostname": "never.used"}}}}}
  ]
})");

TEST(EndpointRulesTest, PerEndpointHostnamesDnsSuffixesAndCredentialScopes) {
  EndpointResolver resolver(kEndpoints.dump());
  expect_endpoint(resolver.resolve("svc", "aa-east-1"), "https://svc.aa-east-1.one.test",
                  "aa-east-1");
  expect_endpoint(resolver.resolve("svc", "aa-west-1"), "https://custom.aa-west-1.example",
                  "aa-sign-1");
  expect_endpoint(resolver.resolve("svc", "aa-dns-1"), "https://svc.aa-dns-1.other.test",
                  "aa-dns-1");
}

TEST(EndpointRulesTest, ServiceDefaultsApplyToRegionsMatchedByPattern) {
  EndpointResolver resolver(kEndpoints.dump());
  expect_endpoint(resolver.resolve("tmpl", "bb-north-2"), "https://tmpl-x.bb-north-2.one.test",
                  "bb-north-2");
  expect_endpoint(resolver.resolve("svc", "special"), "https://svc.special.one.test", "special");
  expect_endpoint(resolver.resolve("svc", "cc-south-1"), "https://svc.cc-south-1.two.test",
                  "cc-south-1");
}

TEST(EndpointRulesTest, PartitionEndpointOnlyReplacesRegionsOfNonRegionalizedServices) {
  EndpointResolver resolver(kEndpoints.dump());
  expect_endpoint(resolver.resolve("glob", "bb-east-1"), "https://glob.one.test", "aa-east-1");
  expect_endpoint(resolver.resolve("half", "bb-east-1"), "https://half.bb-east-1.one.test",
                  "bb-east-1");
  // Without a region, any service with a partition endpoint uses it, as botocore does.
  expect_endpoint(*resolver.resolve_global("half"), "https://half.one.test", "half-global");
}

TEST(EndpointRulesTest, MissingVariantsAreInputErrors) {
  EndpointResolver resolver(kEndpoints.dump());
  try {
    resolver.resolve("svc", "aa-east-1", {.fips = true});
    FAIL() << "partition one has no FIPS variant";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("no FIPS endpoint for svc in aa-east-1"));
  }
  EXPECT_THROW(resolver.resolve("svc", "aa-east-1", {.dualstack = true}), InputError);
}

TEST(EndpointRulesTest, PartitionsAreTriedInOrder) {
  EndpointResolver resolver(kEndpoints.dump());
  // The second partition also lists aa-east-1, but the first one claims it.
  expect_endpoint(resolver.resolve("svc", "aa-east-1"), "https://svc.aa-east-1.one.test",
                  "aa-east-1");
}

TEST(EndpointRulesTest, UnreadableOrBrokenDataNamesTheFile) {
  auto dir = std::filesystem::temp_directory_path();
  auto missing = (dir / "custos-no-such-endpoints.json").string();
  try {
    EndpointResolver::load(missing);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr(missing));
    EXPECT_THAT(e.what(), HasSubstr("CUSTOS_BOTOCORE_DATA"));
  }
  auto broken =
      (dir / ("custos-broken-endpoints-" + std::to_string(::getpid()) + ".json")).string();
  std::ofstream(broken) << "{\"partitions\": [";
  try {
    EndpointResolver::load(broken);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot parse " + broken));
  }
  std::filesystem::remove(broken);
}

}  // namespace
}  // namespace custos::aws
