// aws.kms-key and aws.kms-alias as data: Cloud Custodian's names, what their detail calls keep,
// and the options their actions check before anything runs.
#include <gtest/gtest.h>

#include "jmespath/jmespath.h"
#include "policy/describe.h"
#include "policy/policy.h"
#include "resources/builtin.h"

namespace custos {
namespace {

const policy::Registry& registry() { return resources::builtin_registry(); }

TEST(KmsTypes, NamesAndAliases) {
  const auto* key = registry().find_resource("kms-key");
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(key->name, "aws.kms-key");
  EXPECT_EQ(key->id_field, "KeyId");
  EXPECT_EQ(key->lookup, policy::ResourceType::Lookup::kFromId);
  const auto* alias = registry().find_resource("kms");
  ASSERT_NE(alias, nullptr);
  EXPECT_EQ(alias->name, "aws.kms-alias");
  EXPECT_EQ(registry().find_resource("aws.kms"), alias);
  EXPECT_EQ(registry().find_resource("kms-alias"), alias);
  EXPECT_EQ(policy::arn_of(*key, {{"KeyId", "k"}, {"Arn", "arn:aws:kms:eu-west-1:1:key/k"}}, {}),
            "arn:aws:kms:eu-west-1:1:key/k");
}

TEST(KmsTypes, KeyDetailsKeepWhatCloudCustodianMerges) {
  const auto& details = registry().find_resource("kms-key")->details;
  ASSERT_EQ(details.size(), 3u);
  EXPECT_EQ(details[0].operation, "DescribeKey");
  EXPECT_TRUE(details[0].required);
  EXPECT_TRUE(details[0].key.empty());  // KeyMetadata merged into the key
  auto tags = jmespath::Expression::compile(details[1].select);
  EXPECT_EQ(tags.search({{"Tags", {{{"TagKey", "env"}, {"TagValue", "prod"}}}}}),
            Json::parse(R"([{"Key": "env", "Value": "prod"}])"));
  EXPECT_EQ(tags.search({{"Tags", Json::array()}}), Json::array());
  auto aliases = jmespath::Expression::compile(details[2].select);
  EXPECT_EQ(
      aliases.search(Json::parse(R"({"Aliases": [{"AliasName": "alias/a", "TargetKeyId": "k"}]})")),
      Json::array({"alias/a"}));
  EXPECT_TRUE(details[2].omit_empty);
}

TEST(KmsTypes, AliasesWithoutAKeyAreLeftOutAsCloudCustodianDoes) {
  const auto* alias = registry().find_resource("kms");
  Json page = Json::parse(R"({"Aliases": [
      {"AliasName": "alias/app", "AliasArn": "arn:aws:kms:us-east-1:1:alias/app", "TargetKeyId": "k"},
      {"AliasName": "alias/aws/rds", "AliasArn": "arn:aws:kms:us-east-1:1:alias/aws/rds"}]})");
  Json kept = jmespath::Expression::compile(alias->result_path).search(page);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0]["AliasName"], "alias/app");
}

policy::Policy compile(const std::string& actions) {
  auto source = policy::SourceDocument::parse(
      "policies:\n  - name: p\n    resource: kms-key\n    actions:\n" + actions, "p.yml");
  return std::move(policy::compile_policies(source, registry()).at(0));
}

TEST(KmsKeyActions, CompileWithCloudCustodiansOptions) {
  auto p = compile(
      "      - disable\n      - enable\n      - {type: schedule-deletion, days: 7}\n"
      "      - cancel-deletion\n      - {type: set-rotation, state: false}\n"
      "      - {type: tag, key: incident, value: open}\n      - {type: remove-tag, tags: [a]}\n"
      "      - {type: mark-for-op, op: disable, days: 1}\n");
  EXPECT_EQ(p.actions.size(), 8u);
  for (const char* days : {"6", "31", "7.5"}) {
    try {
      compile(std::string("      - {type: schedule-deletion, days: ") + days + "}\n");
      FAIL() << "days " << days << " compiled";
    } catch (const policy::PolicyError& e) {
      EXPECT_NE(std::string(e.what()).find("p.yml:5:"), std::string::npos) << e.what();
    }
  }
}

TEST(KeyRotationStatus, JudgesTheAnswerKeptOnTheKey) {
  auto source = policy::SourceDocument::parse(
      "policies:\n  - name: p\n    resource: kms-key\n    filters:\n"
      "      - {type: key-rotation-status, key: KeyRotationEnabled, value: false}\n",
      "p.yml");
  auto policies = policy::compile_policies(source, registry());
  Json off = {{"KeyId", "a"}, {"KeyRotationEnabled", {{"KeyRotationEnabled", false}}}};
  Json on = {{"KeyId", "b"}, {"KeyRotationEnabled", {{"KeyRotationEnabled", true}}}};
  auto kept = policies.at(0).filter_resources({off, on}, policy::FilterContext{});
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0]["KeyId"], "a");
  auto permissions = policy::permissions_of(policies[0].filters);
  EXPECT_EQ(permissions, std::vector<std::string>{"kms:GetKeyRotationStatus"});
}

}  // namespace
}  // namespace custos
