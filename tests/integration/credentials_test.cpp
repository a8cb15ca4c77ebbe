// Role credentials against moto's STS: AssumeRole through a source_profile chain and
// AssumeRoleWithWebIdentity, then a call signed with the keys they returned.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <map>
#include <optional>

#include "integration/fixture.h"

namespace custos::test {
namespace {

class CredentialsTest : public IntegrationTest {
 protected:
  // The process environment the in-process Session reads, restored after each test.
  void SetUp() override {
    IntegrationTest::SetUp();
    for (const auto& [name, value] : emulator_env()) set(name, value);
    set("AWS_CONFIG_FILE", path("config"));
    set("AWS_SHARED_CREDENTIALS_FILE", path("credentials"));
    set("AWS_ENDPOINT_URL", emulator().url());
    set("AWS_EC2_METADATA_DISABLED", "true");
    for (const char* name :
         {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
          "AWS_DEFAULT_PROFILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
          "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"}) {
      set(name, std::nullopt);
    }
  }
  void TearDown() override {
    for (const auto& [name, value] : saved_) {
      value ? setenv(name.c_str(), value->c_str(), 1) : unsetenv(name.c_str());
    }
    IntegrationTest::TearDown();
  }

  void set(const std::string& name, const std::optional<std::string>& value) {
    if (!saved_.contains(name)) {
      const char* old = std::getenv(name.c_str());
      saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
    }
    value ? setenv(name.c_str(), value->c_str(), 1) : unsetenv(name.c_str());
  }

  // GetCallerIdentity through a client that resolves its own credentials.
  static Json caller(const aws::SessionOptions& options = {}) {
    const aws::Client client(std::make_shared<const aws::Session>(options));
    return client.call("sts", "GetCallerIdentity");
  }

 private:
  std::map<std::string, std::optional<std::string>> saved_;
};

TEST_F(CredentialsTest, AssumeRoleThroughASourceProfileChain) {
  write("credentials", "[base]\naws_access_key_id = testing\naws_secret_access_key = testing\n");
  write("config",
        "[profile middle]\nrole_arn = arn:aws:iam::123456789012:role/custos-middle\n"
        "source_profile = base\n"
        "[profile auditor]\nrole_arn = arn:aws:iam::123456789012:role/custos-auditor\n"
        "source_profile = middle\nexternal_id = ext-42\nrole_session_name = custos-it\n"
        "duration_seconds = 900\n");
  aws::SessionOptions options;
  options.profile = "auditor";
  const auto credentials = aws::Session(options).credentials();
  EXPECT_EQ(credentials.source,
            "AssumeRole of arn:aws:iam::123456789012:role/custos-auditor for profile 'auditor'");
  EXPECT_FALSE(credentials.session_token.empty());
  ASSERT_TRUE(credentials.expiration);

  EXPECT_EQ(caller(options)["Arn"],
            "arn:aws:sts::123456789012:assumed-role/custos-auditor/custos-it");
  options.profile = "middle";
  const std::string middle = caller(options)["Arn"];
  EXPECT_TRUE(
      middle.starts_with("arn:aws:sts::123456789012:assumed-role/custos-middle/"
                         "botocore-session-"))
      << middle;
}

TEST_F(CredentialsTest, AssumeRoleWithWebIdentityFromTheEnvironment) {
  write("token", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.c2ln");
  set("AWS_WEB_IDENTITY_TOKEN_FILE", path("token"));
  set("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/custos-pod");
  set("AWS_ROLE_SESSION_NAME", "pod-1");
  EXPECT_EQ(caller()["Arn"], "arn:aws:sts::123456789012:assumed-role/custos-pod/pod-1");
}

TEST_F(CredentialsTest, EnvironmentKeysBeatTheProfilesRoleUnlessTheProfileIsExplicit) {
  write("config",
        "[default]\nrole_arn = arn:aws:iam::123456789012:role/custos-default\n"
        "credential_source = Environment\nrole_session_name = from-env\n");
  set("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
  set("AWS_SECRET_ACCESS_KEY", "testing");
  EXPECT_EQ(caller()["Arn"], "arn:aws:sts::123456789012:user/moto");
  aws::SessionOptions options;
  options.profile = "default";
  EXPECT_EQ(caller(options)["Arn"],
            "arn:aws:sts::123456789012:assumed-role/custos-default/from-env");
}

}  // namespace
}  // namespace custos::test
