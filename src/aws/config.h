// Where custos's AWS settings come from, as the AWS CLI resolves them: flags, environment
// (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL[_<SERVICE>], ...) and ~/.aws/config|credentials.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace custos::aws {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
  std::optional<std::chrono::system_clock::time_point> expiration;
  // Where they came from, for messages: "environment", "shared credentials file
  // ~/.aws/credentials, profile dev", "AssumeRole of arn:aws:iam::...:role/x for profile 'dev'"
  std::string source;
};

// Values given on the command line; empty means "not given".
struct SessionOptions {
  std::string profile;
  std::string region;
  std::string endpoint_url;
  // Given explicitly (e.g. a local emulator's dummy keys): used before any other source.
  std::optional<Credentials> credentials;
  // Asked for credentials when first needed and again near their expiry, before any other
  // source: a role assumed in another account (a GuardDuty member, an org run's account).
  std::function<Credentials()> credential_source;
  // --cli-connect-timeout / --cli-read-timeout, in seconds, as the AWS CLI spells them.
  std::optional<double> connect_timeout{};
  std::optional<double> read_timeout{};
  // --allow-insecure-endpoint: accept a plain http:// endpoint that is not on this machine.
  bool allow_insecure_endpoint = false;
};

// How long a call waits: to connect, and for the next byte of the answer.
struct Timeouts {
  std::chrono::milliseconds connect{10'000};
  std::chrono::milliseconds read{60'000};
};

struct Endpoint {
  std::string url;             // scheme://host[:port][/path], no trailing slash
  std::string signing_region;  // e.g. us-east-1 for IAM whatever the session's region
};

// One resolved configuration: profile, region, credentials and endpoints. Thread-safe to share.
class Session {
 public:
  // Reads the environment and the shared files; throws custos::InputError when a named
  // profile does not exist or a file is malformed (naming file and line).
  explicit Session(SessionOptions options = {});

  // The same profile, credentials (one cache, refreshed once) and endpoint settings, in
  // another region: how a run reaches a bucket or an account's resources outside its own.
  // Throws custos::InputError when `region` is not a region name.
  std::shared_ptr<const Session> with_region(const std::string& region) const;

  const std::string& profile() const;
  // Throws custos::InputError "no AWS region: pass --region, set AWS_REGION, or ..." if unset.
  const std::string& region() const;
  // SessionOptions::credentials if given, else from the first source configured in the AWS
  // CLI's order (aws/credentials.h). Temporary keys come again from the same source when less
  // than 15 minutes remain (one caller fetches, the others keep the current keys unless less
  // than 10 minutes remain). Throws custos::Error naming the source that failed and why, or
  // listing the sources tried when none has credentials; messages never contain a secret.
  Credentials credentials() const;
  // `service_id` is the model's serviceId ("EC2", "IAM"); `endpoint_prefix` its endpointPrefix.
  // Throws custos::InputError when a configured endpoint URL is malformed.
  Endpoint endpoint(std::string_view service_id, std::string_view endpoint_prefix) const;
  // Attempts per call, the first included: AWS_MAX_ATTEMPTS, else the profile's max_attempts,
  // else 3. Throws custos::InputError when the value is not a whole number of at least 1.
  int max_attempts() const;
  // The flags, else the profile's cli_connect_timeout / cli_read_timeout (seconds), else 10 s
  // and 60 s. Read once, when the session is made: throws custos::InputError then when a value
  // is not a positive number.
  const Timeouts& timeouts() const;
  // The certificate authorities TLS trusts: AWS_CA_BUNDLE, else the profile's ca_bundle, else
  // empty (the system's). Verification is never turned off. Checked when the session is made:
  // throws custos::InputError naming the setting when the file does not exist.
  const std::string& ca_bundle() const;

 private:
  explicit Session(std::nullptr_t) {}  // state_ set by with_region
  struct State;
  std::shared_ptr<const State> state_;
};

}  // namespace custos::aws
