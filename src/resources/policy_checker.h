// Cloud Custodian's PolicyChecker (c7n/filters/iamaccess.py): which statements of a resource's
// IAM policy let someone outside the allowed accounts in, as cross-account judges them.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/json.h"

namespace custos::resources {

struct CheckerConfig {
  std::set<std::string> allowed_accounts{};  // the account itself, whitelist, whitelist_from
  std::set<std::string> allowed_orgids{};
  std::set<std::string> allowed_vpce{};
  std::set<std::string> allowed_vpc{};
  std::vector<std::string> check_actions{};  // only statements granting one of these count
  bool everyone_only = false;                // only grants to "*" count
  // Condition keys (in any case) that make a statement acceptable whatever their values.
  std::set<std::string> whitelist_conditions{};
  // The service's own condition keys judged (lower case): kms:calleraccount, kms:viaservice,
  // kms:grantoperations, sns:endpoint, sns:protocol; any other is not understood.
  std::set<std::string> service_conditions{};
  std::set<std::string> allowed_endpoints{};  // sns:endpoint values containing one are fine
  std::set<std::string> allowed_protocols{};  // sns:protocol
};

class PolicyChecker {
 public:
  explicit PolicyChecker(CheckerConfig config);
  // The statements of `policy` (a JSON text or a document) that grant access outside the
  // allowed accounts, in order. Throws InputError when the text is not JSON.
  Json violations(const Json& policy) const;
  bool violates(const Json& statement) const;

 private:
  bool principal_outside(const Json& statement) const;
  bool grants_checked_action(const Json& statement) const;
  bool conditions_allow(const Json& statement) const;

  CheckerConfig config_;
};

// The account an ARN names, or the text itself when it is not an ARN (c7n's _account).
std::string account_in(const std::string& arn);

}  // namespace custos::resources
