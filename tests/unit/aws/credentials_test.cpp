// The credential chain, source by source and in precedence, against a real HTTP server on
// 127.0.0.1 standing in for STS, the container endpoint and the EC2 instance metadata service.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

// As libcpp-httplib was built (pkg-config cpp-httplib), so that its classes have its layout.
#define CPPHTTPLIB_OPENSSL_SUPPORT
#define CPPHTTPLIB_ZLIB_SUPPORT
#define CPPHTTPLIB_BROTLI_SUPPORT
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <iterator>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>
#include <vector>

#include "aws/credentials_sources.h"
#include "unit/aws/session_fixture.h"

namespace custos::aws::test {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::StartsWith;
using namespace std::chrono_literals;
using Clock = std::chrono::system_clock;

constexpr const char* kRoleArn = "arn:aws:iam::123456789012:role/Auditor";
// Secrets every source below hands out; no message or log line may contain one.
const std::vector<std::string> kSecrets = {
    kSecret,       "env-secret", "env-token",  "file-secret",   "base-secret",
    "proc-secret", "cfg-secret", "box-secret", "box-token",     "imds-secret",
    "imds-token",  "secret-of-", "token-of-",  "auth-token-42", "jwt-from-eks"};

struct Received {
  std::string method;
  std::string path;
  httplib::Headers headers;
  httplib::Params params;  // query or form fields

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
  std::string param(const std::string& name) const {
    auto it = params.find(name);
    return it == params.end() ? "" : it->second;
  }
};

struct Reply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::chrono::milliseconds delay{0};
};
using Route = std::function<Reply(const Received&)>;

// STS, the container endpoint and IMDS in one server: routes by "METHOD /path".
class FakeAws {
 public:
  FakeAws() {
    auto handle = [this](const httplib::Request& request, httplib::Response& response) {
      serve(request, response);
    };
    server_.Get(".*", handle);
    server_.Put(".*", handle);
    server_.Post(".*", handle);
    // Clients keep connections alive; stopping would wait for them to time out.
    server_.set_keep_alive_max_count(1);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(1ms);
    route("POST /", [this](const Received& request) { return sts(request); });
  }
  ~FakeAws() {
    server_.stop();
    thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void route(const std::string& key, Route route) {
    std::lock_guard lock(mutex_);
    routes_[key] = std::move(route);
  }
  std::vector<Received> received() const {
    std::lock_guard lock(mutex_);
    return received_;
  }
  std::vector<std::string> paths() const {
    std::vector<std::string> out;
    for (const auto& request : received()) out.push_back(request.method + " " + request.path);
    return out;
  }
  void clear() {
    std::lock_guard lock(mutex_);
    received_.clear();
  }

  void set_sts_expiration(Clock::time_point time) {
    std::lock_guard lock(mutex_);
    sts_expiration_ = time;
  }
  Clock::time_point sts_expiration() const {
    std::lock_guard lock(mutex_);
    return sts_expiration_;
  }
  // Keys named after the role, so that a test sees which role signed the next call.
  Reply sts(const Received& request) const {
    const std::string action = request.param("Action");
    std::lock_guard lock(mutex_);
    if (!sts_error_.empty()) {
      return {403,
              "<ErrorResponse><Error><Type>Sender</Type><Code>" + sts_error_ +
                  "</Code><Message>not authorized to assume the role</Message></Error>"
                  "<RequestId>r-1</RequestId></ErrorResponse>",
              "text/xml"};
    }
    const std::string arn = request.param("RoleArn");
    const std::string role = arn.substr(arn.rfind('/') + 1);
    return {200,
            "<" + action + "Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><" +
                action + "Result><Credentials><AccessKeyId>ASIA" + role +
                "</AccessKeyId><SecretAccessKey>secret-of-" + role +
                "</SecretAccessKey><SessionToken>token-of-" + role + "</SessionToken><Expiration>" +
                iso_time(sts_expiration_) + "</Expiration></Credentials></" + action + "Result></" +
                action + "Response>",
            "text/xml"};
  }

  // STS answers every call with this error code.
  void set_sts_error(std::string code) {
    std::lock_guard lock(mutex_);
    sts_error_ = std::move(code);
  }

 private:
  void serve(const httplib::Request& request, httplib::Response& response) {
    Received got{request.method, request.path, request.headers, request.params};
    Route route;
    {
      std::lock_guard lock(mutex_);
      received_.push_back(got);
      auto it = routes_.find(request.method + " " + request.path);
      if (it != routes_.end()) route = it->second;
    }
    const Reply reply = route ? route(got) : Reply{404, "not here"};
    std::this_thread::sleep_for(reply.delay);
    response.status = reply.status;
    response.set_content(reply.body, reply.content_type.c_str());
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mutex_;
  std::map<std::string, Route> routes_;
  std::vector<Received> received_;
  Clock::time_point sts_expiration_ = Clock::now() + 1h;
  std::string sts_error_;
};

std::string keys_json(const std::string& key, const std::string& secret, const std::string& token,
                      Clock::time_point expiration) {
  return Json{{"Code", "Success"},
              {"AccessKeyId", key},
              {"SecretAccessKey", secret},
              {"Token", token},
              {"Expiration", iso_time(expiration)}}
      .dump();
}

// Container keys valid for `lifetime` from the time of each request.
Route container_keys(const std::string& key, std::chrono::minutes lifetime) {
  return [=](const Received&) {
    return Reply{200, keys_json(key, "box-secret", "box-token", Clock::now() + lifetime)};
  };
}

// Successive replies, the last one repeated.
Route sequence(std::vector<Route> routes) {
  auto next = std::make_shared<std::atomic<std::size_t>>(0);
  return [routes = std::move(routes), next](const Received& request) {
    const std::size_t index = std::min(next->fetch_add(1), routes.size() - 1);
    return routes[index](request);
  };
}

Route failing(int status) {
  return [status](const Received&) { return Reply{status, "{}"}; };
}

class CredentialsTest : public SessionTest {
 protected:
  void SetUp() override {
    SessionTest::SetUp();
    setenv("AWS_ENDPOINT_URL", aws_.url().c_str(), 1);
  }

  void use_container() {
    aws_.route("GET /container", container_keys("ASIABOX", 60min));
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", (aws_.url() + "/container").c_str(), 1);
  }
  void use_imds(std::chrono::minutes lifetime = 360min) {
    aws_.route("PUT /latest/api/token", [](const Received&) {
      return Reply{200, "imds-v2-token"};
    });
    aws_.route("GET /latest/meta-data/iam/security-credentials/", [](const Received&) {
      return Reply{200, "web-server-role"};
    });
    aws_.route("GET /latest/meta-data/iam/security-credentials/web-server-role",
               [lifetime](const Received&) {
                 return Reply{200, keys_json("ASIAIMDS", "imds-secret", "imds-token",
                                             Clock::now() + lifetime)};
               });
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", aws_.url().c_str(), 1);
    unsetenv("AWS_EC2_METADATA_DISABLED");
  }
  std::string token_file(const std::string& token) {
    write("eks-token", token);
    return path("eks-token");
  }

  static void expect_no_secret(const std::string& text) {
    for (const auto& secret : kSecrets) EXPECT_THAT(text, Not(HasSubstr(secret)));
  }

  FakeAws aws_;
};

// --- environment, shared files, credential_process ---

TEST_F(CredentialsTest, EnvironmentKeysComeFirst) {
  credentials("[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = file-secret\n");
  setenv("AWS_ACCESS_KEY_ID", "ENVKEY", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
  setenv("AWS_SESSION_TOKEN", "env-token", 1);
  auto creds = Session().credentials();
  EXPECT_EQ(creds.access_key_id, "ENVKEY");
  EXPECT_EQ(creds.secret_access_key, "env-secret");
  EXPECT_EQ(creds.session_token, "env-token");
  EXPECT_EQ(creds.source, "environment");
  EXPECT_FALSE(creds.expiration);
}

TEST_F(CredentialsTest, LegacySecurityTokenAndExpirationFromEnvironment) {
  setenv("AWS_ACCESS_KEY_ID", "ENVKEY", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
  setenv("AWS_SECURITY_TOKEN", "legacy-token", 1);
  setenv("AWS_CREDENTIAL_EXPIRATION", "2099-03-04T05:06:07+01:00", 1);
  auto creds = Session().credentials();
  EXPECT_EQ(creds.session_token, "legacy-token");
  ASSERT_TRUE(creds.expiration);
  using namespace std::chrono;
  EXPECT_EQ(*creds.expiration, sys_days(2099y / 3 / 4) + 4h + 6min + 7s);
}

TEST_F(CredentialsTest, AwsProfileDoesNotBeatEnvironmentKeysButTheProfileOptionDoes) {
  credentials("[dev]\naws_access_key_id = DEVKEY\naws_secret_access_key = dev-secret\n");
  setenv("AWS_ACCESS_KEY_ID", "ENVKEY", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
  setenv("AWS_PROFILE", "dev", 1);
  EXPECT_EQ(Session().credentials().access_key_id, "ENVKEY");
  auto creds = Session(profile_option("dev")).credentials();
  EXPECT_EQ(creds.access_key_id, "DEVKEY");
  EXPECT_EQ(creds.source, "shared credentials file ~/.aws/credentials, profile dev");
}

TEST_F(CredentialsTest, PartialEnvironmentKeysAreAnError) {
  setenv("AWS_ACCESS_KEY_ID", "ENVKEY", 1);
  EXPECT_THAT(error_of<InputError>([] { Session().credentials(); }),
              HasSubstr("AWS_SECRET_ACCESS_KEY is not"));
}

TEST_F(CredentialsTest, SharedCredentialsFileBeatsCredentialProcessWhichBeatsConfigKeys) {
  config(
      "[profile p]\naws_access_key_id = CFGKEY\naws_secret_access_key = cfg-secret\n"
      "aws_session_token = cfg-token\n"
      "credential_process = printf '{\"Version\": 1, \"AccessKeyId\": \"PROCKEY\", "
      "\"SecretAccessKey\": \"proc-secret\"}'\n");
  credentials(
      "[p]\naws_access_key_id = FILEKEY\naws_secret_access_key = file-secret\n"
      "aws_session_token = file-token\n");
  auto from_file = Session(profile_option("p")).credentials();
  EXPECT_EQ(from_file.access_key_id, "FILEKEY");
  EXPECT_EQ(from_file.session_token, "file-token");

  credentials("[p]\n");
  auto from_process = Session(profile_option("p")).credentials();
  EXPECT_EQ(from_process.access_key_id, "PROCKEY");
  EXPECT_EQ(from_process.secret_access_key, "proc-secret");
  EXPECT_EQ(from_process.session_token, "");
  EXPECT_EQ(from_process.source, "credential_process of profile p");

  config(
      "[profile p]\naws_access_key_id = CFGKEY\naws_secret_access_key = cfg-secret\n"
      "aws_session_token = cfg-token\n");
  auto from_config = Session(profile_option("p")).credentials();
  EXPECT_EQ(from_config.access_key_id, "CFGKEY");
  EXPECT_EQ(from_config.session_token, "cfg-token");
  EXPECT_EQ(from_config.source, "config file ~/.aws/config, profile p");
}

TEST_F(CredentialsTest, PartialKeysInAFileAreAnError) {
  credentials("[default]\naws_access_key_id = FILEKEY\n");
  EXPECT_THAT(error_of<InputError>([] { Session().credentials(); }),
              HasSubstr("shared credentials file ~/.aws/credentials, profile default has "
                        "aws_access_key_id but no aws_secret_access_key"));
}

TEST_F(CredentialsTest, CredentialProcessReadsVersion1Json) {
  config(
      "[default]\ncredential_process = printf '{\"Version\":1,\"AccessKeyId\":\"AKID\","
      "\"SecretAccessKey\":\"sk\",\"SessionToken\":\"tok\","
      "\"Expiration\":\"2099-01-02T03:04:05.123Z\"}'\n");
  auto creds = Session().credentials();
  EXPECT_EQ(creds.access_key_id, "AKID");
  EXPECT_EQ(creds.secret_access_key, "sk");
  EXPECT_EQ(creds.session_token, "tok");
  ASSERT_TRUE(creds.expiration);
  using namespace std::chrono;
  EXPECT_EQ(*creds.expiration, sys_days(2099y / 1 / 2) + 3h + 4min + 5s);
}

TEST_F(CredentialsTest, CredentialProcessRunsOnceUntilItsKeysNearExpiry) {
  const auto count = path("runs");
  auto command = [&](std::chrono::minutes minutes) {
    return "[default]\ncredential_process = echo run >> " + count +
           "; printf '{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\","
           "\"Expiration\":\"" +
           iso_time(Clock::now() + minutes) + "\"}'\n";
  };
  auto runs = [&] {
    std::ifstream in(count);
    return std::count(std::istreambuf_iterator<char>(in), {}, '\n');
  };

  config(command(60min));
  Session fresh;
  fresh.credentials();
  fresh.credentials();
  EXPECT_EQ(runs(), 1);

  config(command(5min));
  Session expiring;
  expiring.credentials();
  expiring.credentials();
  EXPECT_EQ(runs(), 3);
}

TEST_F(CredentialsTest, CredentialProcessFailuresNameTheProfileButNeverTheSecret) {
  const std::string secret_json =
      std::string("{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"") + kSecret + "\"";
  struct Case {
    std::string command;
    std::string expected;
  };
  const Case cases[] = {
      {"printf '" + secret_json + "}'; exit 3", "failed with exit code 3"},
      {"printf '" + secret_json + " not json'", "did not return a JSON object"},
      {"printf '{\"Version\":2,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"" +
           std::string(kSecret) + "\"}'",
       "\"Version\": 1"},
      {"printf '{\"Version\":1,\"AccessKeyId\":\"" + std::string(kSecret) + "\"}'",
       "returned no SecretAccessKey"},
      {"printf '" + secret_json + ",\"Expiration\":\"2001-01-01T00:00:00Z\"}'",
       "expired at 2001-01-01T00:00:00Z"},
      {"printf '" + secret_json + ",\"Expiration\":\"soon\"}'", "not ISO 8601"},
      {"kill -9 $$", "killed by signal 9"},
  };
  for (const auto& c : cases) {
    config("[profile ops]\ncredential_process = " + c.command + "\n");
    auto message = error_of([] { Session(profile_option("ops")).credentials(); });
    EXPECT_THAT(message, HasSubstr("credential_process of profile ops")) << c.command;
    EXPECT_THAT(message, HasSubstr(c.expected)) << c.command;
    EXPECT_THAT(message, Not(HasSubstr(kSecret))) << c.command;
  }
}

TEST_F(CredentialsTest, SsoProfilesAreRefusedWithWhatToDo) {
  config("[profile sso]\nsso_session = corp\n");
  EXPECT_THAT(error_of<InputError>([] { Session(profile_option("sso")).credentials(); }),
              AllOf(HasSubstr("profile 'sso' uses IAM Identity Center"),
                    HasSubstr("aws configure export-credentials --profile sso")));
}

TEST_F(CredentialsTest, NoCredentialsListsTheSourcesTried) {
  config("[profile dev]\nregion = eu-west-1\n");
  auto message = error_of([] { Session(profile_option("dev")).credentials(); });
  EXPECT_THAT(message, HasSubstr("no AWS credentials found for profile 'dev'"));
  EXPECT_THAT(message, HasSubstr("environment variables (skipped: --profile was given)"));
  EXPECT_THAT(message, HasSubstr("shared credentials file ~/.aws/credentials"));
  EXPECT_THAT(message, HasSubstr("credential_process"));
  EXPECT_THAT(message, HasSubstr("config file ~/.aws/config"));
  EXPECT_THAT(message, HasSubstr("container credentials"));
  EXPECT_THAT(message, HasSubstr("EC2 instance metadata (disabled by AWS_EC2_METADATA_DISABLED)"));
  EXPECT_TRUE(aws_.received().empty());
}

// --- AssumeRole ---

TEST_F(CredentialsTest, RoleArnAssumesTheRoleWithTheSourceProfilesKeys) {
  config("[profile audit]\nrole_arn = " + std::string(kRoleArn) +
         "\nsource_profile = base\nexternal_id = ext-123\nduration_seconds = 1800\n"
         "role_session_name = custos-audit\n");
  credentials("[base]\naws_access_key_id = BASEKEY\naws_secret_access_key = base-secret\n");
  auto creds = Session(profile_option("audit")).credentials();
  EXPECT_EQ(creds.access_key_id, "ASIAAuditor");
  EXPECT_EQ(creds.secret_access_key, "secret-of-Auditor");
  EXPECT_EQ(creds.session_token, "token-of-Auditor");
  ASSERT_TRUE(creds.expiration);
  EXPECT_EQ(std::chrono::floor<std::chrono::seconds>(*creds.expiration),
            std::chrono::floor<std::chrono::seconds>(aws_.sts_expiration()));
  EXPECT_EQ(creds.source, "AssumeRole of " + std::string(kRoleArn) + " for profile 'audit'");

  const auto calls = aws_.received();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].param("Action"), "AssumeRole");
  EXPECT_EQ(calls[0].param("RoleArn"), kRoleArn);
  EXPECT_EQ(calls[0].param("ExternalId"), "ext-123");
  EXPECT_EQ(calls[0].param("DurationSeconds"), "1800");
  EXPECT_EQ(calls[0].param("RoleSessionName"), "custos-audit");
  EXPECT_THAT(calls[0].header("Authorization"), HasSubstr("Credential=BASEKEY/"));
}

TEST_F(CredentialsTest, RoleSessionNameDefaultsToBotocores) {
  config("[default]\nrole_arn = " + std::string(kRoleArn) + "\ncredential_source = Environment\n");
  setenv("AWS_ACCESS_KEY_ID", "ENVKEY", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
  setenv("AWS_PROFILE", "default", 1);  // env keys still win over AWS_PROFILE...
  EXPECT_EQ(Session().credentials().source, "environment");
  const auto creds = Session(profile_option("default")).credentials();  // ...not over --profile
  EXPECT_EQ(creds.access_key_id, "ASIAAuditor");
  ASSERT_EQ(aws_.received().size(), 1u);
  const auto call = aws_.received()[0];
  EXPECT_THAT(call.param("RoleSessionName"), MatchesRegex("botocore-session-[0-9]+"));
  EXPECT_EQ(call.param("ExternalId"), "");
  EXPECT_THAT(call.header("Authorization"), HasSubstr("Credential=ENVKEY/"));
}

TEST_F(CredentialsTest, SourceProfilesChainRoleAfterRole) {
  config(
      "[profile top]\nrole_arn = arn:aws:iam::123456789012:role/Top\nsource_profile = middle\n"
      "[profile middle]\nrole_arn = arn:aws:iam::123456789012:role/Middle\n"
      "source_profile = base\n");
  credentials("[base]\naws_access_key_id = BASEKEY\naws_secret_access_key = base-secret\n");
  EXPECT_EQ(Session(profile_option("top")).credentials().access_key_id, "ASIATop");
  const auto calls = aws_.received();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].param("RoleArn"), "arn:aws:iam::123456789012:role/Middle");
  EXPECT_THAT(calls[0].header("Authorization"), HasSubstr("Credential=BASEKEY/"));
  EXPECT_EQ(calls[1].param("RoleArn"), "arn:aws:iam::123456789012:role/Top");
  EXPECT_THAT(calls[1].header("Authorization"), HasSubstr("Credential=ASIAMiddle/"));
  EXPECT_EQ(calls[1].header("X-Amz-Security-Token"), "token-of-Middle");
}

TEST_F(CredentialsTest, RoleArnBeatsTheProfilesOwnKeysWhichMaySourceIt) {
  credentials(
      "[self]\naws_access_key_id = SELFKEY\naws_secret_access_key = file-secret\n"
      "role_arn = " +
      std::string(kRoleArn) + "\nsource_profile = self\n");
  EXPECT_EQ(Session(profile_option("self")).credentials().access_key_id, "ASIAAuditor");
  ASSERT_EQ(aws_.received().size(), 1u);
  EXPECT_THAT(aws_.received()[0].header("Authorization"), HasSubstr("Credential=SELFKEY/"));
}

TEST_F(CredentialsTest, SourceProfileCanUseCredentialProcess) {
  config("[profile audit]\nrole_arn = " + std::string(kRoleArn) +
         "\nsource_profile = tool\n[profile tool]\ncredential_process = printf "
         "'{\"Version\":1,\"AccessKeyId\":\"PROCKEY\",\"SecretAccessKey\":\"proc-secret\"}'\n");
  EXPECT_EQ(Session(profile_option("audit")).credentials().access_key_id, "ASIAAuditor");
  EXPECT_THAT(aws_.received().at(0).header("Authorization"), HasSubstr("Credential=PROCKEY/"));
}

TEST_F(CredentialsTest, RoleConfigurationErrorsSayWhatToFix) {
  struct Case {
    std::string profile;
    std::string expected;
  };
  const std::string role = "role_arn = " + std::string(kRoleArn) + "\n";
  const Case cases[] = {
      {role, "sets role_arn but neither source_profile nor credential_source"},
      {role + "source_profile = base\ncredential_source = Environment\n",
       "sets both source_profile and credential_source"},
      {role + "credential_source = Vault\n",
       "credential_source Vault of profile 'p' is not valid: use Environment, "
       "Ec2InstanceMetadata or EcsContainer"},
      {role + "source_profile = ghost\n", "source_profile 'ghost' of profile 'p' is not in"},
      {role + "source_profile = loop\n", "source_profile loop: 'p' -> 'loop' -> 'p'"},
      {role + "source_profile = empty\n",
       "source_profile 'empty' of profile 'p' has no credentials"},
      {role + "source_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n",
       "cannot ask for an MFA code"},
      {role + "source_profile = base\nduration_seconds = 1h\n",
       "duration_seconds of profile 'p' must be a whole number of seconds"},
  };
  for (const auto& c : cases) {
    config("[profile p]\n" + c.profile + "[profile loop]\n" + role +
           "source_profile = p\n[profile empty]\nregion = eu-west-1\n");
    credentials("[base]\naws_access_key_id = BASEKEY\naws_secret_access_key = base-secret\n");
    EXPECT_THAT(error_of<InputError>([] { Session(profile_option("p")).credentials(); }),
                HasSubstr(c.expected))
        << c.profile;
  }
  EXPECT_TRUE(aws_.received().empty());
}

TEST_F(CredentialsTest, CredentialSourceNamesTheProviderBotocoreUses) {
  const std::string role = "role_arn = " + std::string(kRoleArn) + "\ncredential_source = ";
  config("[profile box]\n" + role + "EcsContainer\n[profile vm]\n" + role +
         "ec2instancemetadata\n[profile env]\n" + role + "Environment\n");
  use_container();
  use_imds();
  auto signer = [&] { return aws_.received().back().header("Authorization"); };

  EXPECT_EQ(Session(profile_option("box")).credentials().access_key_id, "ASIAAuditor");
  EXPECT_THAT(signer(), HasSubstr("Credential=ASIABOX/"));
  EXPECT_EQ(Session(profile_option("vm")).credentials().access_key_id, "ASIAAuditor");
  EXPECT_THAT(signer(), HasSubstr("Credential=ASIAIMDS/"));
  EXPECT_THAT(error_of([] { Session(profile_option("env")).credentials(); }),
              HasSubstr("credential_source Environment of profile 'env' has no credentials: "
                        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"));
  setenv("AWS_ACCESS_KEY_ID", "ENVKEY", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
  EXPECT_EQ(Session(profile_option("env")).credentials().access_key_id, "ASIAAuditor");
  EXPECT_THAT(signer(), HasSubstr("Credential=ENVKEY/"));
}

TEST_F(CredentialsTest, StsRefusalNamesTheRoleAndProfile) {
  config("[profile audit]\nrole_arn = " + std::string(kRoleArn) + "\nsource_profile = base\n");
  credentials("[base]\naws_access_key_id = BASEKEY\naws_secret_access_key = base-secret\n");
  aws_.set_sts_error("AccessDenied");
  const auto message = error_of([] { Session(profile_option("audit")).credentials(); });
  EXPECT_THAT(message, StartsWith("AssumeRole of " + std::string(kRoleArn) +
                                  " for profile 'audit' failed: "));
  EXPECT_THAT(message, HasSubstr("AccessDenied: not authorized to assume the role"));
  expect_no_secret(message);
}

// --- web identity ---

TEST_F(CredentialsTest, WebIdentityFromTheEnvironmentIsUnsignedAndReadsTheTokenFile) {
  setenv("AWS_WEB_IDENTITY_TOKEN_FILE", token_file("jwt-from-eks").c_str(), 1);
  setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/Pod", 1);
  setenv("AWS_ROLE_SESSION_NAME", "pod-7", 1);
  const auto creds = Session().credentials();
  EXPECT_EQ(creds.access_key_id, "ASIAPod");
  EXPECT_EQ(creds.session_token, "token-of-Pod");
  EXPECT_THAT(creds.source, HasSubstr("AssumeRoleWithWebIdentity of "
                                      "arn:aws:iam::123456789012:role/Pod with the token in"));
  const auto calls = aws_.received();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].param("Action"), "AssumeRoleWithWebIdentity");
  EXPECT_EQ(calls[0].param("WebIdentityToken"), "jwt-from-eks");
  EXPECT_EQ(calls[0].param("RoleSessionName"), "pod-7");
  EXPECT_EQ(calls[0].header("Authorization"), "");
}

TEST_F(CredentialsTest, WebIdentityIsRetriedAsEveryCallIs) {
  setenv("AWS_WEB_IDENTITY_TOKEN_FILE", token_file("jwt-from-eks").c_str(), 1);
  setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/Pod", 1);
  aws_.route("POST /", sequence({failing(503),
                                 [this](const Received& request) { return aws_.sts(request); }}));
  EXPECT_EQ(Session().credentials().access_key_id, "ASIAPod");
  const auto calls = aws_.received();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[1].param("Action"), "AssumeRoleWithWebIdentity");
  EXPECT_EQ(calls[1].header("Authorization"), "");
}

TEST_F(CredentialsTest, WebIdentityFromTheProfileAndItsErrors) {
  config("[profile pod]\nweb_identity_token_file = " + token_file("jwt-from-eks") +
         "\nrole_arn = arn:aws:iam::123456789012:role/Pod\n[profile norole]\n"
         "web_identity_token_file = /x\n[profile gone]\nweb_identity_token_file = " +
         path("missing-token") + "\nrole_arn = arn:aws:iam::123456789012:role/Pod\n");
  EXPECT_EQ(Session(profile_option("pod")).credentials().access_key_id, "ASIAPod");
  EXPECT_THAT(aws_.received().at(0).param("RoleSessionName"),
              MatchesRegex("botocore-session-[0-9]+"));
  EXPECT_THAT(error_of<InputError>([] { Session(profile_option("norole")).credentials(); }),
              HasSubstr("no role to assume: set AWS_ROLE_ARN, or role_arn in profile 'norole'"));
  EXPECT_THAT(error_of([] { Session(profile_option("gone")).credentials(); }),
              HasSubstr("cannot read the token file " + path("missing-token")));
}

TEST_F(CredentialsTest, ProfileOptionIgnoresWebIdentityVariables) {
  credentials("[ci]\naws_access_key_id = CIKEY\naws_secret_access_key = file-secret\n");
  setenv("AWS_WEB_IDENTITY_TOKEN_FILE", token_file("jwt-from-eks").c_str(), 1);
  setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/Pod", 1);
  EXPECT_EQ(Session(profile_option("ci")).credentials().access_key_id, "CIKEY");
  setenv("AWS_PROFILE", "ci", 1);
  EXPECT_EQ(Session().credentials().access_key_id, "ASIAPod");
}

// --- container endpoint ---

TEST_F(CredentialsTest, ContainerEndpointGetsKeysWithTheAuthorizationToken) {
  use_container();
  setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "auth-token-42", 1);
  const auto creds = Session().credentials();
  EXPECT_EQ(creds.access_key_id, "ASIABOX");
  EXPECT_EQ(creds.secret_access_key, "box-secret");
  EXPECT_EQ(creds.session_token, "box-token");
  EXPECT_EQ(creds.source, "container credentials endpoint " + aws_.url() + "/container");
  const auto calls = aws_.received();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].method, "GET");
  EXPECT_EQ(calls[0].header("Authorization"), "auth-token-42");
  EXPECT_EQ(calls[0].header("Accept"), "application/json");
}

TEST_F(CredentialsTest, ContainerTokenFileBeatsTheTokenAndIsReadAtEachRefresh) {
  aws_.route("GET /container", container_keys("ASIABOX", 12min));  // inside the refresh window
  setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", (aws_.url() + "/container").c_str(), 1);
  setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "auth-token-42", 1);
  setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", path("pod-token").c_str(), 1);
  write("pod-token", "rotated-1");
  Session session;
  session.credentials();
  write("pod-token", "rotated-2");
  session.credentials();
  const auto calls = aws_.received();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].header("Authorization"), "rotated-1");
  EXPECT_EQ(calls[1].header("Authorization"), "rotated-2");

  write("pod-token", "two\nlines");
  auto message = error_of<InputError>([] { Session().credentials(); });
  EXPECT_THAT(message, HasSubstr("the authorization token contains a line break"));
  EXPECT_THAT(message, Not(HasSubstr("two")));
}

TEST_F(CredentialsTest, ContainerUrlsAreTheAgentOrLoopbackOrHttps) {
  setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc", 1);
  setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.com/", 1);
  EXPECT_EQ(container_url(), "http://169.254.170.2/v2/credentials/abc");  // relative wins
  unsetenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  for (const char* allowed :
       {"https://creds.example.com/x", "http://127.0.0.2:8080/x", "http://[::1]:80/x",
        "http://localhost/x", "http://169.254.170.23/v1/credentials", "http://[fd00:ec2::23]/x",
        "HTTP://user@127.0.0.1/x"}) {
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", allowed, 1);
    EXPECT_EQ(container_url(), allowed);
  }
  for (const char* refused : {"http://example.com/x", "http://169.254.169.254/x",
                              "http://127.0.0.1.evil.com/x", "http://[fd00:ec2::254]/x"}) {
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", refused, 1);
    EXPECT_THAT(error_of<InputError>([] { container_url(); }),
                HasSubstr("AWS_CONTAINER_CREDENTIALS_FULL_URI must use https"))
        << refused;
  }
  unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  EXPECT_EQ(container_url(), std::nullopt);
}

TEST_F(CredentialsTest, ContainerFailuresNameTheEndpointAfterThreeAttempts) {
  aws_.route("GET /container", failing(500));
  setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", (aws_.url() + "/container").c_str(), 1);
  setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "auth-token-42", 1);
  const auto message = error_of([] { Session().credentials(); });
  EXPECT_EQ(message, "container credentials endpoint " + aws_.url() +
                         "/container failed after 3 attempts: HTTP 500");
  EXPECT_EQ(aws_.received().size(), 3u);
}

// --- EC2 instance metadata ---

TEST_F(CredentialsTest, InstanceMetadataUsesAnImdsV2Token) {
  use_imds();
  const auto creds = Session().credentials();
  EXPECT_EQ(creds.access_key_id, "ASIAIMDS");
  EXPECT_EQ(creds.secret_access_key, "imds-secret");
  EXPECT_EQ(creds.session_token, "imds-token");
  EXPECT_EQ(creds.source, "EC2 instance metadata (" + aws_.url() + "), role web-server-role");
  EXPECT_THAT(
      aws_.paths(),
      ElementsAre("PUT /latest/api/token", "GET /latest/meta-data/iam/security-credentials/",
                  "GET /latest/meta-data/iam/security-credentials/web-server-role"));
  const auto calls = aws_.received();
  EXPECT_EQ(calls[0].header("x-aws-ec2-metadata-token-ttl-seconds"), "21600");
  EXPECT_EQ(calls[1].header("x-aws-ec2-metadata-token"), "imds-v2-token");
  EXPECT_EQ(calls[2].header("x-aws-ec2-metadata-token"), "imds-v2-token");
}

TEST_F(CredentialsTest, InstanceMetadataFallsBackToV1UnlessDisabled) {
  use_imds();
  aws_.route("PUT /latest/api/token", failing(403));
  EXPECT_EQ(Session().credentials().access_key_id, "ASIAIMDS");
  EXPECT_EQ(aws_.received().back().header("x-aws-ec2-metadata-token"), "");
  config("[default]\nec2_metadata_v1_disabled = true\n");
  EXPECT_THAT(error_of([] { Session().credentials(); }),
              HasSubstr("gave no IMDSv2 token and IMDSv1 is disabled"));
}

TEST_F(CredentialsTest, InstanceMetadataEndpointMayComeFromTheProfile) {
  use_imds();
  unsetenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
  config("[default]\nec2_metadata_service_endpoint = " + aws_.url() + "/\n");
  EXPECT_EQ(Session().credentials().access_key_id, "ASIAIMDS");
  config("[default]\nec2_metadata_service_endpoint = 169.254.169.254\n");
  EXPECT_THAT(error_of<InputError>([] { Session().credentials(); }),
              HasSubstr("is not an http:// or https:// URL"));
}

TEST_F(CredentialsTest, InstanceMetadataWithoutARoleIsNoCredentials) {
  use_imds();
  aws_.route("GET /latest/meta-data/iam/security-credentials/", failing(404));
  const auto message = error_of([] { Session().credentials(); });
  EXPECT_THAT(message, HasSubstr("no AWS credentials found for profile 'default'"));
  EXPECT_THAT(message, HasSubstr("EC2 instance metadata (" + aws_.url() +
                                 "): GET /latest/meta-data/iam/security-credentials/ answered "
                                 "HTTP 404 (is an instance profile attached?)"));
}

TEST_F(CredentialsTest, InstanceMetadataKeysNearExpiryAreUsedAFewMinutesMore) {
  use_imds(5min);
  const auto before = Clock::now();
  const auto creds = Session().credentials();
  ASSERT_TRUE(creds.expiration);
  EXPECT_GE(*creds.expiration, before + 17min);
  EXPECT_LE(*creds.expiration, Clock::now() + 25min);
}

// --- precedence ---

// Each source is configured together with all those after it; the chain must pick it, and
// touch no endpoint of a later one.
TEST_F(CredentialsTest, PrecedenceMatrixFollowsTheAwsCli) {
  struct Source {
    std::string name;
    std::string source;  // what Credentials::source starts with
    std::string endpoint;
  };
  const Source chain[] = {
      {"environment", "environment", ""},
      {"role_arn", "AssumeRole of " + std::string(kRoleArn), "POST /"},
      {"web identity", "AssumeRoleWithWebIdentity", "POST /"},
      {"credentials file", "shared credentials file", ""},
      {"credential_process", "credential_process of profile default", ""},
      {"config file", "config file", ""},
      {"container", "container credentials endpoint", "GET /container"},
      {"instance metadata", "EC2 instance metadata", "PUT /latest/api/token"},
  };
  const std::size_t count = std::size(chain);
  for (std::size_t first = 0; first < count; ++first) {
    for (const char* name :
         {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_WEB_IDENTITY_TOKEN_FILE",
          "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_FULL_URI"}) {
      unsetenv(name);
    }
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    std::string config_text = "[default]\n";
    std::string credentials_text =
        "[base]\naws_access_key_id = BASEKEY\naws_secret_access_key = base-secret\n";
    auto on = [&](std::size_t index) { return index >= first; };
    if (on(0)) {
      setenv("AWS_ACCESS_KEY_ID", "ENVKEY", 1);
      setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
    }
    if (on(1)) config_text += "role_arn = " + std::string(kRoleArn) + "\nsource_profile = base\n";
    if (on(2)) {
      setenv("AWS_WEB_IDENTITY_TOKEN_FILE", token_file("jwt-from-eks").c_str(), 1);
      setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/Pod", 1);
    }
    if (on(3)) {
      credentials_text +=
          "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = file-secret\n";
    }
    if (on(4)) {
      config_text +=
          "credential_process = printf '{\"Version\":1,\"AccessKeyId\":\"PROCKEY\","
          "\"SecretAccessKey\":\"proc-secret\"}'\n";
    }
    if (on(5)) config_text += "aws_access_key_id = CFGKEY\naws_secret_access_key = cfg-secret\n";
    if (on(6)) use_container();
    if (on(7)) use_imds();
    config(config_text);
    credentials(credentials_text);
    aws_.clear();

    const auto creds = Session().credentials();
    EXPECT_THAT(creds.source, StartsWith(chain[first].source)) << "with " << chain[first].name;
    const auto paths = aws_.paths();
    if (chain[first].endpoint.empty()) {
      EXPECT_TRUE(paths.empty()) << "with " << chain[first].name;
    } else {
      ASSERT_FALSE(paths.empty()) << "with " << chain[first].name;
      EXPECT_EQ(paths[0], chain[first].endpoint);
    }
  }
}

// --- refresh ---

TEST_F(CredentialsTest, KeysAreFetchedAgainWhenFifteenMinutesRemain) {
  aws_.route("GET /container",
             sequence({container_keys("ASIAOLD", 12min), container_keys("ASIANEW", 60min)}));
  setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", (aws_.url() + "/container").c_str(), 1);
  Session session;
  EXPECT_EQ(session.credentials().access_key_id, "ASIAOLD");
  EXPECT_EQ(session.credentials().access_key_id, "ASIANEW");
  EXPECT_EQ(session.credentials().access_key_id, "ASIANEW");
  EXPECT_EQ(aws_.received().size(), 2u);
}

TEST_F(CredentialsTest, AssumedRoleKeysAreRefreshedWithFreshSourceKeys) {
  config("[profile audit]\nrole_arn = " + std::string(kRoleArn) +
         "\ncredential_source = EcsContainer\n");
  use_container();
  aws_.set_sts_expiration(Clock::now() + 14min);
  Session session(profile_option("audit"));
  session.credentials();
  aws_.set_sts_expiration(Clock::now() + 60min);
  session.credentials();
  session.credentials();
  EXPECT_THAT(aws_.paths(), ElementsAre("GET /container", "POST /", "GET /container", "POST /"));
}

TEST_F(CredentialsTest, FailedEarlyRefreshKeepsTheKeysButALateOneFails) {
  aws_.route("GET /container", sequence({container_keys("ASIAOLD", 12min), failing(500)}));
  setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", (aws_.url() + "/container").c_str(), 1);
  Session early;
  early.credentials();
  EXPECT_EQ(early.credentials().access_key_id, "ASIAOLD");

  aws_.route("GET /container", sequence({container_keys("ASIAOLD", 9min), failing(500)}));
  Session late;
  late.credentials();
  EXPECT_THAT(error_of([&] { late.credentials(); }),
              HasSubstr("container credentials endpoint " + aws_.url() + "/container failed"));
}

TEST_F(CredentialsTest, ConcurrentCallersNearExpiryRefreshOnce) {
  for (auto lifetime : {12min, 5min}) {  // early (advisory) and late (mandatory) windows
    aws_.clear();
    Route slow_new = [](const Received& request) {
      auto reply = container_keys("ASIANEW", 60min)(request);
      reply.delay = 300ms;
      return reply;
    };
    aws_.route("GET /container", sequence({container_keys("ASIAOLD", lifetime), slow_new}));
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", (aws_.url() + "/container").c_str(), 1);
    Session session;
    session.credentials();
    std::vector<std::string> seen(8);
    std::vector<std::thread> threads;
    for (auto& key : seen) {
      threads.emplace_back([&] { key = session.credentials().access_key_id; });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(aws_.received().size(), 2u) << lifetime.count() << " minutes left";
    EXPECT_EQ(session.credentials().access_key_id, "ASIANEW");
    if (lifetime == 5min) {
      EXPECT_EQ(std::count(seen.begin(), seen.end(), "ASIANEW"), 8);
    } else {
      EXPECT_GE(std::count(seen.begin(), seen.end(), "ASIANEW"), 1);
    }
  }
}

// --- secrets ---

TEST_F(CredentialsTest, NoMessageOrLogLineHoldsASecret) {
  std::ostringstream log;
  auto previous = spdlog::default_logger();
  auto logger = std::make_shared<spdlog::logger>(
      "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
  logger->set_level(spdlog::level::debug);
  spdlog::set_default_logger(logger);

  std::string messages;
  auto attempt = [&](const std::function<void()>& action) {
    try {
      action();
    } catch (const Error& e) {
      messages += std::string(e.what()) + "\n";
    }
  };
  config("[profile audit]\nrole_arn = " + std::string(kRoleArn) +
         "\nsource_profile = base\n[profile box]\nrole_arn = " + kRoleArn +
         "\ncredential_source = EcsContainer\n");
  credentials("[base]\naws_access_key_id = BASEKEY\naws_secret_access_key = base-secret\n");
  use_container();
  setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "auth-token-42", 1);
  attempt([] { Session(profile_option("audit")).credentials(); });
  attempt([] { Session(profile_option("box")).credentials(); });
  aws_.set_sts_error("AccessDenied");
  attempt([] { Session(profile_option("audit")).credentials(); });
  aws_.route("GET /container", sequence({container_keys("ASIAOLD", 12min), failing(500)}));
  Session early;
  attempt([&] { early.credentials(); });
  attempt([&] { early.credentials(); });  // logs the failed early refresh
  aws_.route("GET /container", [](const Received&) {
    return Reply{200, R"({"AccessKeyId":"A","SecretAccessKey":"box-secret","Token":"box-token",)"
                      R"("Expiration":"yesterday"})"};
  });
  attempt([] { Session().credentials(); });
  use_imds();
  unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  attempt([] { Session().credentials(); });
  aws_.route("GET /latest/meta-data/iam/security-credentials/web-server-role", [](const Received&) {
    return Reply{200, R"({"Code":"AssumeRoleUnauthorizedAccess",
                 "Message":"EC2 cannot assume the role","AccessKeyId":"imds-secret"})"};
  });
  attempt([] { Session().credentials(); });
  spdlog::set_default_logger(previous);

  EXPECT_THAT(messages, HasSubstr("AccessDenied"));
  EXPECT_THAT(messages, HasSubstr("returned an Expiration that is not ISO 8601"));
  EXPECT_THAT(messages, HasSubstr("AssumeRoleUnauthorizedAccess: EC2 cannot assume the role"));
  EXPECT_THAT(log.str(), HasSubstr("could not refresh AWS credentials"));
  EXPECT_THAT(log.str(), HasSubstr("AWS credentials from AssumeRole of"));
  expect_no_secret(messages);
  expect_no_secret(log.str());
}

}  // namespace
}  // namespace custos::aws::test
