// check-secure-transport on EFS against moto: a file system without a policy, one whose policy
// denies requests without TLS, and one whose policy allows everything.
#include <gtest/gtest.h>

#include <algorithm>

#include "integration/action_check.h"

namespace custos::test {
namespace {

class SecureTransportTest : public ActionTest {};

std::string policy_with(const std::string& statement) {
  return R"({"Version": "2012-10-17", "Statement": [)" + statement + "]}";
}

// Cloud Custodian's efs-securetransport-check-policy.
TEST_F(SecureTransportTest, FileSystemsWhosePolicyDoesNotInsistOnTls) {
  std::map<std::string, std::string> ids;
  for (const char* token : {"bare", "strict", "open"})
    ids[token] = aws_cli({"efs", "create-file-system", "--creation-token", token})["FileSystemId"];
  aws_cli({"efs", "put-file-system-policy", "--file-system-id", ids["strict"], "--policy",
           policy_with(R"({"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "*",
               "Condition": {"Bool": {"aws:SecureTransport": "false"}}})")});
  aws_cli({"efs", "put-file-system-policy", "--file-system-id", ids["open"], "--policy",
           policy_with(R"({"Effect": "Allow", "Principal": {"AWS": "*"},
               "Action": "elasticfilesystem:ClientMount"})")});
  Json names = Json::array();
  for (const Json& system : matched_by(R"(policies:
  - name: plain
    resource: efs
    filters:
      - check-secure-transport
)",
                                       "plain"))
    names.push_back(system["FileSystemId"]);
  std::sort(names.begin(), names.end());
  Json expected = Json::array({ids["bare"], ids["open"]});
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(names, expected);
}

}  // namespace
}  // namespace custos::test
