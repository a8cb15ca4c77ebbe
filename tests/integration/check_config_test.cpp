// aws.account's check-config over real HTTP against moto: the account is flagged until AWS
// Config has a delivery channel and a recorder of every resource type, global ones included,
// that is recording; Cloud Custodian's example unchanged.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class CheckConfigTest : public ActionTest {
 protected:
  bool flagged(const std::string& yaml, const std::string& policy) const {
    return matched_by(yaml, policy).size() == 1;
  }
  void record(bool all_supported, bool global) const {
    aws_cli({"configservice", "put-configuration-recorder", "--configuration-recorder",
             "name=default,roleARN=arn:aws:iam::123456789012:role/config", "--recording-group",
             std::string("allSupported=") + (all_supported ? "true" : "false") +
                 ",includeGlobalResourceTypes=" + (global ? "true" : "false") +
                 (all_supported ? "" : ",resourceTypes=AWS::EC2::Instance")});
  }
};

TEST_F(CheckConfigTest, TheAccountIsFlaggedUntilConfigRecordsEverythingAndDelivers) {
  const std::string example =
      read_file(data_path("policies/c7n/account/account-check-config-services.yml"));
  const std::string policy = "account-check-config-services";
  EXPECT_TRUE(flagged(example, policy));  // no recorder, no channel
  record(false, false);
  aws_cli({"s3api", "create-bucket", "--bucket", "config-history"});
  aws_cli({"configservice", "put-delivery-channel", "--delivery-channel",
           "name=default,s3BucketName=config-history"});
  aws_cli({"configservice", "start-configuration-recorder", "--configuration-recorder-name",
           "default"});
  EXPECT_TRUE(flagged(example, policy));  // recording EC2 instances only
  const std::string any_recorder =
      "policies:\n  - name: p\n    resource: aws.account\n    filters:\n      - check-config\n";
  EXPECT_FALSE(flagged(any_recorder, "p"));
  record(true, true);
  EXPECT_FALSE(flagged(example, policy));
  Json account = matched_by(
      "policies:\n  - name: q\n    resource: aws.account\n    filters:\n"
      "      - {type: check-config, running: true}\n      - {not: [check-config]}\n",
      "q");
  EXPECT_TRUE(account.empty());
  aws_cli(
      {"configservice", "stop-configuration-recorder", "--configuration-recorder-name", "default"});
  EXPECT_TRUE(flagged(example, policy));  // not running
  EXPECT_FALSE(
      flagged("policies:\n  - name: r\n    resource: aws.account\n    filters:\n"
              "      - {type: check-config, running: false, all-resources: true}\n",
              "r"));
}

}  // namespace
}  // namespace custos::test
