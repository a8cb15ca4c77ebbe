// The one way custos talks to AWS: call(service, operation, params) with boto3-shaped JSON in
// and out, serialized from botocore's service model, signed with SigV4, sent over HTTP, retried
// as the SDKs' standard retry mode does, and paginated from botocore's paginators.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "aws/config.h"
#include "aws/retry.h"
#include "aws/sigv4.h"
#include "core/error.h"
#include "core/json.h"

namespace custos::aws {

// AWS answered with an error: code (e.g. "InvalidInstanceID.NotFound"), message, status, id,
// and how many attempts were made before giving up.
class AwsError : public Error {
 public:
  AwsError(std::string service, std::string operation, std::string code, std::string message,
           int http_status, std::string request_id, int attempts = 1);
  const std::string& service() const { return service_; }
  const std::string& operation() const { return operation_; }
  const std::string& code() const { return code_; }
  const std::string& aws_message() const { return aws_message_; }
  int http_status() const { return http_status_; }
  const std::string& request_id() const { return request_id_; }
  int attempts() const { return attempts_; }

 private:
  std::string service_, operation_, code_, aws_message_;
  int http_status_;
  std::string request_id_;
  int attempts_;
};

class ServiceModel;

// What Client signs a call to `model`'s service with: the credential scope of the endpoint and
// the model's signing name, S3's way of signing for S3 (tests compare it with botocore's).
SigningParams signing_params(const ServiceModel& model, const Endpoint& endpoint,
                             const Credentials& credentials,
                             std::chrono::system_clock::time_point time);

class Client {
 public:
  // Retries up to the session's max_attempts() with botocore's backoff.
  explicit Client(std::shared_ptr<const Session> session);
  Client(std::shared_ptr<const Session> session, RetryPolicy policy);

  // `service` is botocore's service name ("ec2", "iam", "sts"), `operation` the API name
  // ("DescribeInstances"). Throws AwsError when AWS refuses, custos::Error when unreachable
  // (both after retrying what can be retried), custos::InputError when params do not fit the
  // operation's input shape.
  Json call(std::string_view service, std::string_view operation,
            const Json& params = Json::object()) const;
  // The same, for an operation whose output payload is a blob (S3 GetObject): its bytes are
  // moved into `payload` as they came, not base64-encoded into the answer, so a large object is
  // held once rather than four times. Throws InputError for another kind of operation.
  Json call(std::string_view service, std::string_view operation, const Json& params,
            std::string& payload) const;

  // Calls `operation` page after page, passing each page's next token into the next request,
  // until the last page or until `on_page` returns false. An operation without a paginator is
  // called once. `on_page` may move what it keeps out of the page: the next token is read first.
  void paginate(std::string_view service, std::string_view operation, const Json& params,
                const std::function<bool(Json& page)>& on_page) const;

  // Every page merged as botocore's build_full_result (what `aws` prints when it paginates).
  Json call_all(std::string_view service, std::string_view operation,
                const Json& params = Json::object()) const;

  // What a dry run does with a call that would change something: it receives the call, already
  // checked against the operation's input shape, and returns the response to pretend.
  using MutationSink =
      std::function<Json(std::string_view service, std::string_view operation, const Json& params)>;
  // A copy of this client that still sends read-only calls (Describe*, List*, Get*, Head*,
  // Lookup*, Search*) but hands every other call to `sink` instead of AWS.
  Client dry_run(MutationSink sink) const;
  static bool is_read_only(std::string_view operation);
  // A call that changed something (or tried to), as AWS answered it: for the incident journal.
  struct MutatingCall {
    std::string service, operation, region;
    Json params;
    std::string request_id;
    std::string error_code;  // empty when AWS accepted it
  };
  using CallObserver = std::function<void(const MutatingCall&)>;
  // A copy that tells `observer` of every call it sends that is not read-only, once answered
  // (copies made from it, in_region ones included, tell it too).
  Client observed(CallObserver observer) const;

  // A request custos makes outside AWS's APIs (a webhook's POST), as {service, operation,
  // params}: `send` makes it and returns the answer, except on a dry-run copy, which hands it to
  // the sink instead; observers hear of it as of a mutating call.
  Json external(std::string_view service, std::string_view operation, const Json& params,
                const std::function<Json()>& send) const;

  // A copy acting in `region` (Session::with_region): same credentials, retry quota and dry
  // run, so nothing a dry run reaches in any region can change anything.
  Client in_region(const std::string& region) const;
  // A copy that sends X-Amzn-Trace-Id: `trace_id` with every request (as the SDKs do inside a
  // traced Lambda invocation), so that X-Ray links the calls to the invocation; copies made
  // from it send it too.
  Client traced(std::string trace_id) const;
  // A copy that sends requests unsigned, as botocore's UNSIGNED signature version does: for
  // calls whose proof is in their parameters (AssumeRoleWithWebIdentity's token), made before
  // any credentials exist.
  Client unsigned_requests() const;

  const Session& session() const { return *session_; }
  const RetryPolicy& retry_policy() const { return policy_; }

 private:
  Json call_with(std::string_view service, std::string_view operation, const Json& params,
                 std::string* payload) const;
  void tell(std::string_view service, std::string_view operation, const Json& params,
            std::string request_id, std::string error_code) const;

  struct Shared;  // retry quota and clock offset, shared by copies of this client
  std::shared_ptr<const Session> session_;
  RetryPolicy policy_;
  std::shared_ptr<Shared> shared_;
  std::shared_ptr<const MutationSink> dry_run_;   // set on dry-run copies
  std::shared_ptr<const CallObserver> observer_;  // set on observed copies
  std::shared_ptr<const std::string> trace_;      // set on traced copies
  bool signs_ = true;
};

}  // namespace custos::aws
