// The account filters that follow a setting to the KMS key it names, over real HTTP against moto:
// default-ebs-encryption's key (moto 5.2.1 lacks GetEbsDefaultKmsKeyId: a proxy answers it with
// the key the test made) and glue-security-config on aws.account and aws.glue-catalog.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "support/fault_proxy.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class AccountKeyFiltersTest : public ActionTest {
 protected:
  // A key with `alias`; its ARN.
  std::string key_with_alias(const std::string& alias) const {
    std::string arn = aws_cli({"kms", "create-key"})["KeyMetadata"]["Arn"];
    aws_cli({"kms", "create-alias", "--alias-name", alias, "--target-key-id", arn});
    return arn;
  }
  bool matches(const std::string& yaml, const std::map<std::string, std::string>& env = {}) const {
    return !matched_by(yaml, "p", env).empty();
  }
  static std::string policy(const std::string& resource, const std::string& filter) {
    return "policies:\n  - name: p\n    resource: " + resource + "\n    filters:\n      - " +
           filter + "\n";
  }
};

// The default key as GetEbsDefaultKmsKeyId names it, answered in EC2's XML.
FaultProxy::Reply default_key(const std::string& arn) {
  FaultProxy::Reply reply;
  reply.body =
      "<GetEbsDefaultKmsKeyIdResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
      "<requestId>recorded</requestId><kmsKeyId>" +
      arn + "</kmsKeyId></GetEbsDefaultKmsKeyIdResponse>";
  return reply;
}

TEST_F(AccountKeyFiltersTest, DefaultEbsEncryptionComparesTheDefaultKey) {
  const std::string team = key_with_alias("alias/team-ebs");
  FaultProxy proxy(emulator().url());
  proxy.answer_action("GetEbsDefaultKmsKeyId", default_key(team));
  const std::map<std::string, std::string> env = {{"AWS_ENDPOINT_URL", proxy.url()}};
  auto with_key = [&](const std::string& key) {
    return policy("aws.account", "{type: default-ebs-encryption, state: true, key: " + key + "}");
  };
  // Off: nothing matches state true, and the default key is not asked for.
  EXPECT_FALSE(matches(with_key("alias/team-ebs"), env));
  for (const auto& arrival : proxy.arrivals())
    EXPECT_EQ(arrival.body.find("GetEbsDefaultKmsKeyId"), std::string::npos);

  aws_cli({"ec2", "enable-ebs-encryption-by-default"});
  EXPECT_TRUE(matches(with_key("alias/team-ebs"), env));
  EXPECT_FALSE(matches(with_key("alias/aws/ebs"), env));
  EXPECT_TRUE(matches(with_key("{type: value, key: Origin, value: AWS_KMS}"), env));
  EXPECT_FALSE(matches(with_key("{type: value, key: KeyManager, value: AWS}"), env));
  EXPECT_TRUE(matches(policy("aws.account", "{type: default-ebs-encryption, state: true}"), env));

  // Cloud Custodian's examples, unchanged, where AWS's own key is the default.
  proxy.answer_action("GetEbsDefaultKmsKeyId",
                      default_key("arn:aws:kms:us-east-1:123456789012:alias/aws/ebs"));
  for (const char* example : {"check-default-ebs-encryption", "check-ebs-encryption-key-origin"}) {
    write("example.yml",
          read_file(data_path(std::string("policies/c7n/account/") + example + ".yml")));
    ProcessResult run = custos({"run", "--no-journal", "-s", path("out"), path("example.yml")},
                               {{"AWS_ENDPOINT_URL", proxy.url()}});
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
    EXPECT_EQ(
        Json::parse(read_file(path(std::string("out/") + example + "/resources.json"))).size(), 1u)
        << example;
  }
}

TEST_F(AccountKeyFiltersTest, GlueSecurityConfigOnTheAccountAndTheCatalog) {
  // AWS's own Glue key, named by its alias (moto makes it when it is first described).
  const std::string glue = "alias/aws/glue";
  const std::string other = key_with_alias("alias/other");
  auto encrypt_with = [&](const std::string& key) {
    Json settings = {
        {"EncryptionAtRest", {{"CatalogEncryptionMode", "SSE-KMS"}, {"SseAwsKmsKeyId", key}}},
        {"ConnectionPasswordEncryption", {{"ReturnConnectionPasswordEncrypted", true}}}};
    aws_cli({"glue", "put-data-catalog-encryption-settings", "--data-catalog-encryption-settings",
             settings.dump()});
  };
  const std::string example =
      policy("aws.account", "{type: glue-security-config, SseAwsKmsKeyId: alias/aws/glue}");
  EXPECT_FALSE(matches(example)) << "nothing is encrypted yet";

  encrypt_with(glue);
  Json matched = matched_by(example, "p");
  ASSERT_EQ(matched.size(), 1u);
  EXPECT_EQ(matched[0]["c7n:glue-security-config"],
            Json::parse(R"({"CatalogEncryptionMode": "SSE-KMS", "SseAwsKmsKeyId": "alias/aws/glue",
                            "ReturnConnectionPasswordEncrypted": true})"));
  EXPECT_TRUE(matches(policy("aws.glue-catalog",
                             "{type: glue-security-config, SseAwsKmsKeyId: alias/aws/glue, "
                             "CatalogEncryptionMode: SSE-KMS, ReturnConnectionPasswordEncrypted: "
                             "true}")));
  EXPECT_FALSE(matches(policy("aws.account",
                              "{type: glue-security-config, ReturnConnectionPasswordEncrypted: "
                              "false}")));

  encrypt_with(other);  // another key: the alias no longer describes it
  EXPECT_FALSE(matches(example));
  EXPECT_TRUE(matches(
      policy("aws.glue-catalog", "{type: glue-security-config, SseAwsKmsKeyId: '" + other + "'}")));
}

}  // namespace
}  // namespace custos::test
