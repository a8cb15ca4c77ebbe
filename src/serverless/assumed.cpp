#include "serverless/assumed.h"

#include "aws/credentials_sources.h"

namespace custos::serverless {

std::shared_ptr<const aws::Session> AssumedRoles::session(
    std::shared_ptr<const aws::Session> source, const aws::SessionOptions& options,
    const std::string& role_arn, const std::string& external_id) {
  std::lock_guard lock(mutex_);
  auto& found = sessions_[role_arn + "\n" + external_id];
  if (found) return found;
  aws::SessionOptions assumed = options;
  assumed.credentials.reset();
  assumed.region = source->region();
  Json params = {{"RoleArn", role_arn}, {"RoleSessionName", "custos"}};
  if (!external_id.empty()) params["ExternalId"] = external_id;
  aws::SessionOptions sts = assumed;
  assumed.credential_source = [source, sts, params, role_arn] {
    return aws::assume_role(sts, source->credentials(), params, "AssumeRole of " + role_arn);
  };
  found = std::make_shared<const aws::Session>(assumed);
  return found;
}

}  // namespace custos::serverless
