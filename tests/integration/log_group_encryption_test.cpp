// set-encryption on log groups. moto 5.2.1 has no AssociateKmsKey or DisassociateKmsKey, so a
// proxy in front of it answers those two as AWS does and records them; the key, created in
// moto, is named by alias and sent as its ARN; each record's undo is the opposite call.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "support/fault_proxy.h"

namespace custos::test {
namespace {

class LogGroupEncryptionTest : public ActionTest {
 protected:
  // The bodies of the calls named `operation` that reached the proxy.
  static std::vector<Json> sent(const FaultProxy& proxy, const std::string& operation) {
    std::vector<Json> bodies;
    for (const auto& arrival : proxy.arrivals())
      for (const auto& [header, value] : arrival.headers)
        if (value == "Logs_20140328." + operation) bodies.push_back(Json::parse(arrival.body));
    return bodies;
  }
};

TEST_F(LogGroupEncryptionTest, AGroupIsEncryptedWithTheAliasesKeyAndAnotherDecrypted) {
  Json key = aws_cli({"kms", "create-key", "--description", "logs"})["KeyMetadata"];
  aws_cli(
      {"kms", "create-alias", "--alias-name", "alias/logs-key", "--target-key-id", key["KeyId"]});
  aws_cli({"logs", "create-log-group", "--log-group-name", "app"});
  aws_cli({"logs", "create-log-group", "--log-group-name", "vault", "--kms-key-id", key["Arn"]});
  FaultProxy proxy(emulator().url());
  for (const char* operation : {"AssociateKmsKey", "DisassociateKmsKey"})
    proxy.answer_action(operation, {200, "{}", "application/x-amz-json-1.1", {}});
  run_policy(R"(policies:
  - name: encrypt
    resource: log-group
    filters: [{logGroupName: app}]
    actions: [{type: set-encryption, kms-key: alias/logs-key}]
  - name: decrypt
    resource: log-group
    filters: [{logGroupName: vault}]
    actions: [{type: set-encryption, state: false}]
)",
             {}, {{"AWS_ENDPOINT_URL", proxy.url()}});
  std::vector<Json> associated = sent(proxy, "AssociateKmsKey");
  ASSERT_EQ(associated.size(), 1u);
  EXPECT_EQ(associated[0], Json({{"logGroupName", "app"}, {"kmsKeyId", key["Arn"]}}));
  std::vector<Json> disassociated = sent(proxy, "DisassociateKmsKey");
  ASSERT_EQ(disassociated.size(), 1u);
  EXPECT_EQ(disassociated[0], Json({{"logGroupName", "vault"}}));

  Json encrypted = actions_of("encrypt")[0], decrypted = actions_of("decrypt")[0];
  EXPECT_EQ(encrypted["outcome"], "changed");
  EXPECT_EQ(encrypted["undo"][0]["operation"], "DisassociateKmsKey");
  EXPECT_EQ(decrypted["undo"][0]["operation"], "AssociateKmsKey");
  EXPECT_EQ(decrypted["undo"][0]["params"]["kmsKeyId"], key["Arn"]);
  // moto applied neither call: neither check holds, each reading for the state it promises.
  EXPECT_FALSE(check_holds(encrypted["check"]));
  EXPECT_FALSE(check_holds(decrypted["check"]));
}

}  // namespace
}  // namespace custos::test
