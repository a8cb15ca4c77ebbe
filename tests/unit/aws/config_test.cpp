#include "aws/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "aws/ini.h"
#include "core/error.h"
#include "unit/aws/session_fixture.h"

namespace custos::aws::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// --- INI syntax, as botocore's configparser reads it ---

TEST(IniTest, ReadsSectionsCommentsDelimitersAndLowerCasesKeys) {
  auto file = parse_ini(
      "# comment\n"
      "[default]\n"
      "  ; indented comment\n"
      "Region = us-west-2  \n"
      "output: json\n"
      "note = a # not a comment, as in botocore\n"
      "\n"
      "[profile dev]\n"
      "empty =\n",
      "cfg");
  ASSERT_EQ(file.size(), 2u);
  EXPECT_EQ(file[0].name, "default");
  EXPECT_EQ(*file[0].find("region"), "us-west-2");
  EXPECT_EQ(*file[0].find("output"), "json");
  EXPECT_EQ(*file[0].find("note"), "a # not a comment, as in botocore");
  EXPECT_EQ(file[1].name, "profile dev");
  EXPECT_EQ(*file[1].find("empty"), "");
  EXPECT_EQ(file[1].find("region"), nullptr);
}

TEST(IniTest, ReadsIndentedSubsectionsAndContinuationLines) {
  auto file = parse_ini(
      "[default]\n"
      "s3 =\n"
      "  addressing_style = path\n"
      "  # comment inside the block\n"
      "\n"
      "  signature_version=s3v4\n"
      "region = eu-west-1\n"
      "long = first\n"
      "  second\n",
      "cfg");
  ASSERT_EQ(file.size(), 1u);
  const auto& s3 = file[0].subsections.at("s3");
  EXPECT_EQ(s3.at("addressing_style"), "path");
  EXPECT_EQ(s3.at("signature_version"), "s3v4");
  EXPECT_EQ(file[0].find("s3"), nullptr);
  EXPECT_EQ(*file[0].find("region"), "eu-west-1");
  EXPECT_EQ(*file[0].find("long"), "first\nsecond");
}

TEST(IniTest, DefaultSectionIsInheritedByEverySection) {
  auto file = parse_ini("[DEFAULT]\nregion = a\n[x]\n[y]\nregion = b\n", "cfg");
  ASSERT_EQ(file.size(), 2u);
  EXPECT_EQ(*file[0].find("region"), "a");
  EXPECT_EQ(*file[1].find("region"), "b");
}

TEST(IniTest, SyntaxErrorsNameFileAndLineButNeverTheLine) {
  struct Case {
    const char* text;
    const char* where;
    const char* what;
  };
  const Case cases[] = {
      {"aws_secret_access_key = wJalrXUtnFEMI-K7MDENG-SECRET\n",
       "f.ini:1:", "before any [section]"},
      {"[a]\nx = 1\naws_secret_access_key wJalrXUtnFEMI-K7MDENG-SECRET\n",
       "f.ini:3:", "expected 'key = value'"},
      {"[a]\n[b]\n[a]\n", "f.ini:3:", "duplicate section [a]"},
      {"[a]\nk = 1\nK = wJalrXUtnFEMI-K7MDENG-SECRET\n", "f.ini:3:", "duplicate key 'k'"},
      {"[a]\n = wJalrXUtnFEMI-K7MDENG-SECRET\n", "f.ini:2:", "key name is missing"},
      {"[a]\ns3 =\n  ok = 1\n  wJalrXUtnFEMI-K7MDENG-SECRET\n", "f.ini:4:", "under 's3'"},
      {"[a]\n[]\n", "f.ini:2:", "expected 'key = value'"},
  };
  for (const auto& c : cases) {
    try {
      parse_ini(c.text, "f.ini");
      ADD_FAILURE() << "no error for: " << c.text;
    } catch (const InputError& e) {
      EXPECT_THAT(e.what(), HasSubstr(c.where)) << c.text;
      EXPECT_THAT(e.what(), HasSubstr(c.what)) << c.text;
      EXPECT_THAT(e.what(), Not(HasSubstr(kSecret)));
    }
  }
}

TEST_F(SessionTest, MalformedConfigFileIsAnInputErrorWithFileAndLine) {
  config("[default]\nregion = us-east-1\nthis line is wrong\n");
  EXPECT_THAT(error_of<InputError>([] { Session session; }), HasSubstr("~/.aws/config:3:"));
}

TEST_F(SessionTest, MissingFilesAreFine) {
  Session session;
  EXPECT_EQ(session.profile(), "default");
}

// --- profile selection ---

TEST_F(SessionTest, ProfileComesFromOptionThenAwsDefaultProfileThenAwsProfile) {
  config("[profile a]\n[profile b]\n[profile c]\n");
  setenv("AWS_PROFILE", "a", 1);
  EXPECT_EQ(Session().profile(), "a");
  setenv("AWS_DEFAULT_PROFILE", "b", 1);  // botocore reads it first
  EXPECT_EQ(Session().profile(), "b");
  EXPECT_EQ(Session(profile_option("c")).profile(), "c");
}

TEST_F(SessionTest, NamedProfileMustExistInOneOfTheFiles) {
  config("[profile dev]\nregion = eu-west-1\n");
  credentials("[ci]\naws_access_key_id = AKID\naws_secret_access_key = s\n");
  EXPECT_EQ(Session(profile_option("dev")).profile(), "dev");
  EXPECT_EQ(Session(profile_option("ci")).profile(), "ci");
  EXPECT_THAT(error_of<InputError>([] { Session(profile_option("prod")); }),
              HasSubstr("profile 'prod' not found in ~/.aws/config or ~/.aws/credentials"));
  setenv("AWS_PROFILE", "staging", 1);
  EXPECT_THAT(error_of<InputError>([] { Session session; }),
              HasSubstr("profile 'staging' not found in ~/.aws/config or ~/.aws/credentials"));
  // A [dev] section of the config file is not a profile: only [profile dev] is.
  config("[dev]\n");
  EXPECT_THROW(Session(profile_option("dev")), InputError);
}

TEST_F(SessionTest, ExplicitDefaultProfileMustExistButImplicitOneNeedNot) {
  EXPECT_NO_THROW(Session());
  EXPECT_THROW(Session(profile_option("default")), InputError);
  config("[default]\n");
  EXPECT_NO_THROW(Session(profile_option("default")));
}

TEST_F(SessionTest, FilesComeFromAwsConfigFileAndAwsSharedCredentialsFile) {
  write("other-config", "[profile x]\nregion = ap-south-1\n");
  write("other-credentials", "[x]\naws_access_key_id = AKIDX\naws_secret_access_key = s\n");
  setenv("AWS_CONFIG_FILE", path("other-config").c_str(), 1);
  setenv("AWS_SHARED_CREDENTIALS_FILE", "~/other-credentials", 1);
  Session session(profile_option("x"));
  EXPECT_EQ(session.region(), "ap-south-1");
  EXPECT_EQ(session.credentials().access_key_id, "AKIDX");
  EXPECT_EQ(session.credentials().source, "shared credentials file ~/other-credentials, profile x");
}

TEST_F(SessionTest, QuotedProfileNamesAndLaterDefaultSectionWin) {
  config(
      "[profile \"my team\"]\nregion = eu-north-1\n[default]\nregion = a-1\n"
      "[profile default]\nregion = b-1\n");
  EXPECT_EQ(Session(profile_option("my team")).region(), "eu-north-1");
  EXPECT_EQ(Session().region(), "b-1");
}

// --- region ---

TEST_F(SessionTest, RegionComesFromOptionThenAwsRegionThenAwsDefaultRegionThenProfile) {
  config("[default]\nregion = eu-west-1\n");
  EXPECT_EQ(Session().region(), "eu-west-1");
  setenv("AWS_DEFAULT_REGION", "eu-west-2", 1);
  EXPECT_EQ(Session().region(), "eu-west-2");
  setenv("AWS_REGION", "eu-west-3", 1);
  EXPECT_EQ(Session().region(), "eu-west-3");
  EXPECT_EQ(Session(region_option("ap-east-1")).region(), "ap-east-1");
}

TEST_F(SessionTest, RegionInTheCredentialsFileCountsAsInBotocore) {
  credentials("[default]\nregion = sa-east-1\n");
  EXPECT_EQ(Session().region(), "sa-east-1");
}

TEST_F(SessionTest, MissingRegionSaysWhatToDo) {
  config("[profile dev]\n");
  EXPECT_EQ(error_of<InputError>([] { Session(profile_option("dev")).region(); }),
            "no AWS region: pass --region, set AWS_REGION, or add region to profile 'dev' in "
            "~/.aws/config");
}

TEST_F(SessionTest, InvalidRegionIsRejected) {
  setenv("AWS_REGION", "evil.example.com/", 1);
  EXPECT_THAT(error_of<InputError>([] { Session().region(); }),
              HasSubstr("invalid AWS region 'evil.example.com/' (from AWS_REGION)"));
}

// --- endpoints ---

TEST_F(SessionTest, EndpointPrecedenceFollowsTheServiceSpecificEndpointsFeature) {
  config(
      "[default]\nregion = eu-west-1\nservices = local\nendpoint_url = https://profile:1\n"
      "[services local]\nec2 =\n  endpoint_url = https://services:2\n");
  setenv("AWS_ENDPOINT_URL", "https://global:3", 1);
  setenv("AWS_ENDPOINT_URL_EC2", "https://ec2-variable:4/", 1);

  EXPECT_EQ(Session().endpoint("EC2", "ec2").url, "https://ec2-variable:4");
  EXPECT_EQ(Session(endpoint_option("https://flag:5//")).endpoint("EC2", "ec2").url,
            "https://flag:5");
  unsetenv("AWS_ENDPOINT_URL_EC2");
  EXPECT_EQ(Session().endpoint("EC2", "ec2").url, "https://services:2");
  EXPECT_EQ(Session().endpoint("IAM", "iam").url, "https://global:3");
  unsetenv("AWS_ENDPOINT_URL");
  EXPECT_EQ(Session().endpoint("IAM", "iam").url, "https://profile:1");
  auto endpoint = Session().endpoint("EC2", "ec2");
  EXPECT_EQ(endpoint.signing_region, "eu-west-1");
}

// FIPS and dual-stack endpoints are off unless asked for, as in the CLI; a configured endpoint
// URL still wins.
TEST_F(SessionTest, FipsAndDualStackEndpointsComeFromEnvironmentThenProfile) {
  config("[default]\nregion = us-east-1\nuse_dualstack_endpoint = True\n");
  EXPECT_EQ(Session().endpoint("EC2", "ec2").url, "https://ec2.us-east-1.api.aws");
  setenv("AWS_USE_DUALSTACK_ENDPOINT", "false", 1);
  EXPECT_EQ(Session().endpoint("EC2", "ec2").url, "https://ec2.us-east-1.amazonaws.com");
  setenv("AWS_USE_FIPS_ENDPOINT", "true", 1);
  EXPECT_EQ(Session().endpoint("EC2", "ec2").url, "https://ec2-fips.us-east-1.amazonaws.com");
  setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9", 1);
  EXPECT_EQ(Session().endpoint("EC2", "ec2").url, "http://127.0.0.1:9");
  unsetenv("AWS_ENDPOINT_URL");
  setenv("AWS_USE_FIPS_ENDPOINT", "yes", 1);
  try {
    Session().endpoint("EC2", "ec2");
    ADD_FAILURE() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "AWS_USE_FIPS_ENDPOINT must be true or false, not 'yes'");
  }
}

TEST_F(SessionTest, ServiceIdsBecomeVariableNamesAndServiceKeys) {
  config(
      "[default]\nservices = s\n[services s]\nroute_53 =\n  endpoint_url = https://r53:1\n"
      "api_gateway =\n  endpoint_url = https://apigw:2\n");
  EXPECT_EQ(Session().endpoint("Route 53", "route53").url, "https://r53:1");
  EXPECT_EQ(Session().endpoint("API Gateway", "apigateway").url, "https://apigw:2");
  setenv("AWS_ENDPOINT_URL_ROUTE_53", "https://r53-variable:3", 1);
  setenv("AWS_ENDPOINT_URL_CODESTAR_CONNECTIONS", "https://csc:4", 1);
  EXPECT_EQ(Session().endpoint("Route 53", "route53").url, "https://r53-variable:3");
  EXPECT_EQ(Session().endpoint("CodeStar connections", "codestar-connections").url,
            "https://csc:4");
}

TEST_F(SessionTest, IgnoreConfiguredEndpointUrlsKeepsOnlyTheFlag) {
  config("[default]\nendpoint_url = https://profile:1\n");
  setenv("AWS_ENDPOINT_URL_EC2", "https://ec2:2", 1);
  setenv("AWS_REGION", "us-east-1", 1);
  setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "True", 1);
  EXPECT_EQ(Session().endpoint("EC2", "ec2").url, "https://ec2.us-east-1.amazonaws.com");
  EXPECT_EQ(Session(endpoint_option("https://flag:3")).endpoint("EC2", "ec2").url,
            "https://flag:3");
  setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false", 1);
  EXPECT_EQ(Session().endpoint("EC2", "ec2").url, "https://ec2:2");
  unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
  config("[default]\nendpoint_url = https://profile:1\nignore_configured_endpoint_urls = true\n");
  EXPECT_EQ(Session().endpoint("EC2", "ec2").url, "https://ec2.us-east-1.amazonaws.com");
}

TEST_F(SessionTest, PlainHttpEndpointsStayOnThisMachineUnlessAllowed) {
  setenv("AWS_REGION", "us-east-1", 1);
  for (const char* local : {"http://127.0.0.1:5000", "http://localhost:4566",
                            "http://123456789012.localhost:5000", "http://[::1]:9"})
    EXPECT_EQ(Session(endpoint_option(local)).endpoint("EC2", "ec2").url, local);
  EXPECT_THAT(error_of<InputError>([] {
                Session(endpoint_option("http://moto.internal:5000")).endpoint("EC2", "ec2");
              }),
              HasSubstr("--endpoint-url is a plain http:// endpoint off this machine "
                        "(http://moto.internal:5000): use https://, a loopback address, or pass "
                        "--allow-insecure-endpoint"));
  SessionOptions allowed = endpoint_option("http://moto.internal:5000");
  allowed.allow_insecure_endpoint = true;
  EXPECT_EQ(Session(allowed).endpoint("EC2", "ec2").url, "http://moto.internal:5000");
}

TEST_F(SessionTest, OverriddenEndpointsSignWithTheSessionRegionOrUsEast1) {
  EXPECT_EQ(Session(endpoint_option("http://localhost:4566")).endpoint("IAM", "iam").signing_region,
            "us-east-1");
  auto options = endpoint_option("http://[::1]:4566/base/");
  options.region = "ap-southeast-2";
  auto endpoint = Session(options).endpoint("IAM", "iam");
  EXPECT_EQ(endpoint.url, "http://[::1]:4566/base");
  EXPECT_EQ(endpoint.signing_region, "ap-southeast-2");
  EXPECT_EQ(Session(endpoint_option("HTTPS://[fd00::1]")).endpoint("EC2", "ec2").url,
            "HTTPS://[fd00::1]");
}

TEST_F(SessionTest, MalformedEndpointUrlsNameTheirOrigin) {
  const std::pair<const char*, const char*> bad[] = {
      {"localhost:4566", "AWS_ENDPOINT_URL_STS"},
      {"ftp://host", "AWS_ENDPOINT_URL_STS"},
      {"http://", "AWS_ENDPOINT_URL_STS"},
      {"http://host:port", "AWS_ENDPOINT_URL_STS"},
      {"http://ho st", "AWS_ENDPOINT_URL_STS"},
      {"http://[::1:4566", "AWS_ENDPOINT_URL_STS"},
      {"http://host:4566:1", "AWS_ENDPOINT_URL_STS"},
  };
  for (const auto& [url, origin] : bad) {
    setenv("AWS_ENDPOINT_URL_STS", url, 1);
    EXPECT_THAT(error_of<InputError>([] { Session().endpoint("STS", "sts"); }),
                HasSubstr(std::string(origin) + " is not a valid endpoint URL: '" + url + "'"));
  }
  unsetenv("AWS_ENDPOINT_URL_STS");
  EXPECT_THAT(error_of<InputError>([] { Session(endpoint_option("nope")).endpoint("STS", "sts"); }),
              HasSubstr("--endpoint-url is not a valid endpoint URL"));
  config("[default]\nservices = s\n[services s]\nsts =\n  endpoint_url = sts.local\n");
  EXPECT_THAT(error_of<InputError>([] { Session().endpoint("STS", "sts"); }),
              HasSubstr("endpoint_url of sts in [services s] of ~/.aws/config"));
}

TEST_F(SessionTest, ProfileNamingAMissingServicesSectionIsAnInputError) {
  config("[default]\nservices = nowhere\n");
  EXPECT_THAT(error_of<InputError>([] { Session().endpoint("EC2", "ec2"); }),
              HasSubstr("no [services nowhere] section"));
}

TEST_F(SessionTest, DefaultEndpointsComeFromBotocoreData) {
  EXPECT_EQ(Session(region_option("cn-north-1")).endpoint("EC2", "ec2").url,
            "https://ec2.cn-north-1.amazonaws.com.cn");
  auto iam = Session().endpoint("IAM", "iam");  // global services need no region
  EXPECT_EQ(iam.url, "https://iam.amazonaws.com");
  EXPECT_EQ(iam.signing_region, "us-east-1");
  EXPECT_THAT(error_of<InputError>([] { Session().endpoint("EC2", "ec2"); }),
              HasSubstr("no AWS region"));
}

}  // namespace
}  // namespace custos::aws::test
