// AWS Signature Version 4: signs requests with an Authorization header, or presigns URLs,
// byte-for-byte as botocore does (checked against the AWS and aws-c-auth test suites).
#pragma once

#include <chrono>
#include <string>

#include "aws/http.h"

namespace custos::aws {

struct SigningParams {
  std::string access_key_id, secret_access_key, session_token;  // token empty: none
  std::string region, service;                                  // credential scope
  std::chrono::system_clock::time_point time;
  bool normalize_path = true;        // false for S3: sign the path exactly as sent
  bool payload_hash_header = false;  // S3: send the payload hash as x-amz-content-sha256
  bool unsigned_payload = false;     // sign "UNSIGNED-PAYLOAD" instead of the body's hash
};

// The intermediate results, for tests and debugging (no secret key; the canonical request
// holds the session token when there is one).
struct SigningSteps {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;  // lower-case hex
};

// request.url must be absolute and percent-encoded as sent. Adds Host (when missing), X-Amz-Date,
// X-Amz-Security-Token (with a token), X-Amz-Content-SHA256 (when asked) and Authorization,
// replacing earlier values (retries). Throws custos::Error when the URL is not absolute or the
// credentials/scope are empty; messages never contain the secret.
void sign_request(HttpRequest& request, const SigningParams& params, SigningSteps* steps = nullptr);

// Returns request.url with the query-string signature (X-Amz-Algorithm ... X-Amz-Signature)
// appended. The request's headers are signed too, so whoever uses the URL must send them.
std::string presign_url(const HttpRequest& request, const SigningParams& params,
                        std::chrono::seconds expires, SigningSteps* steps = nullptr);

}  // namespace custos::aws
