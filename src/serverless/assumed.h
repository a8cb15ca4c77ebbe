// Sessions in other accounts, one per role: STS AssumeRole with the caller's own credentials,
// assumed when first used and again near expiry; sessions in other regions derived from one
// (with_region) share its credentials.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "aws/config.h"

namespace custos::serverless {

class AssumedRoles {
 public:
  // A session acting as `role_arn`, assumed with `source`'s credentials and configured as
  // `options` (endpoints, region). Thread-safe.
  std::shared_ptr<const aws::Session> session(std::shared_ptr<const aws::Session> source,
                                              const aws::SessionOptions& options,
                                              const std::string& role_arn,
                                              const std::string& external_id = {});

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const aws::Session>> sessions_;
};

}  // namespace custos::serverless
