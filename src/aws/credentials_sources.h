// The sources the credential chain (credentials.h) picks from, one family per file:
// credentials_process.cpp, credentials_http.cpp (container and EC2 instance metadata endpoints)
// and credentials_sts.cpp (AssumeRole, AssumeRoleWithWebIdentity). Messages name the source and
// never a secret.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "aws/config.h"
#include "aws/credentials.h"
#include "core/json.h"

namespace custos::aws {

// ISO 8601 as credential sources print it: 2026-01-02T03:04:05[.123](Z|+01:00|+0100)?.
std::optional<std::chrono::system_clock::time_point> parse_iso_time(std::string_view text);

// Credentials from a JSON object with AccessKeyId, SecretAccessKey, a session token member and
// Expiration; `what` names the source in messages.
struct CredentialFields {
  const char* token = "Token";  // "SessionToken" for credential_process and STS
  bool required = true;         // token and Expiration must be there
};
Credentials credentials_from_json(const Json& document, const CredentialFields& fields,
                                  const std::string& what);

Credentials run_credential_process(const std::string& command, const std::string& what);

// The container endpoint's URL (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI on 169.254.170.2, else
// AWS_CONTAINER_CREDENTIALS_FULL_URI), nullopt when neither is set. Throws custos::InputError
// when the full URI is plain http to a host that is neither loopback nor an ECS/EKS agent.
std::optional<std::string> container_url();
// GETs `url` with AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE's or AWS_CONTAINER_AUTHORIZATION_TOKEN's
// value as Authorization (read at each fetch: agents rotate the file).
Credentials fetch_container_credentials(const std::string& url);

struct InstanceMetadata {
  std::string endpoint;  // http://169.254.169.254, or as configured
  bool v1_disabled = false;
};
// nullopt when AWS_EC2_METADATA_DISABLED is true. Endpoint: AWS_EC2_METADATA_SERVICE_ENDPOINT,
// the profile's ec2_metadata_service_endpoint, or the endpoint mode's address (IPv4 or IPv6).
std::optional<InstanceMetadata> instance_metadata(const Profile& profile);
// IMDSv2: PUT /latest/api/token, then GET /latest/meta-data/iam/security-credentials/[ROLE];
// 1 s timeout and 1 attempt as the AWS CLI. Without a token (old IMDS) falls back to v1 unless
// v1 is disabled.
Credentials fetch_instance_metadata_credentials(const InstanceMetadata& imds);

// botocore's role session name when none is configured: botocore-session-<unix time>.
std::string default_role_session_name();
// STS AssumeRole signed with `source`, through a client built from `session` (so it follows
// the session's endpoint overrides and region).
Credentials assume_role(const SessionOptions& session, const Credentials& source,
                        const Json& params, const std::string& what);
// STS AssumeRoleWithWebIdentity: unsigned, as botocore sends it.
Credentials assume_role_with_web_identity(const SessionOptions& session, const Json& params,
                                          const std::string& what);

}  // namespace custos::aws
