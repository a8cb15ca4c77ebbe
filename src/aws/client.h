// The one way custos talks to AWS: call(service, operation, params) with boto3-shaped JSON in
// and out, serialized from botocore's service model, signed with SigV4, sent over HTTP.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "aws/config.h"
#include "core/error.h"
#include "core/json.h"

namespace custos::aws {

// AWS answered with an error: code (e.g. "InvalidInstanceID.NotFound"), message, status, id.
class AwsError : public Error {
 public:
  AwsError(std::string service, std::string operation, std::string code, std::string message,
           int http_status, std::string request_id);
  const std::string& service() const { return service_; }
  const std::string& operation() const { return operation_; }
  const std::string& code() const { return code_; }
  const std::string& aws_message() const { return aws_message_; }
  int http_status() const { return http_status_; }
  const std::string& request_id() const { return request_id_; }

 private:
  std::string service_, operation_, code_, aws_message_;
  int http_status_;
  std::string request_id_;
};

class Client {
 public:
  explicit Client(std::shared_ptr<const Session> session);

  // `service` is botocore's service name ("ec2", "iam", "sts"), `operation` the API name
  // ("DescribeInstances"). Throws AwsError when AWS refuses, custos::Error when unreachable,
  // custos::InputError when params do not fit the operation's input shape.
  Json call(std::string_view service, std::string_view operation,
            const Json& params = Json::object()) const;

  const Session& session() const { return *session_; }

 private:
  std::shared_ptr<const Session> session_;
};

}  // namespace custos::aws
