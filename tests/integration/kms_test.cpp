// aws.kms-key and aws.kms-alias over real HTTP against moto: keys described as Cloud Custodian
// describes them, a compromised key disabled on a CloudTrail call, and every key action
// proven three ways (dry run, run, second run), each end state read back with the AWS CLI.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "integration/findings.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class KmsKeyTest : public ActionTest {
 protected:
  std::string make_key(const std::string& tags = "") const {
    std::vector<std::string> args = {"kms", "create-key", "--description", "custos test key"};
    if (!tags.empty()) args.insert(args.end(), {"--tags", tags});
    return aws_cli(args)["KeyMetadata"]["KeyId"].get<std::string>();
  }
  Json metadata(const std::string& key) const {
    return aws_cli({"kms", "describe-key", "--key-id", key})["KeyMetadata"];
  }
  std::string key_state(const std::string& key) const { return metadata(key)["KeyState"]; }
  Json rotation(const std::string& key) const {
    return aws_cli({"kms", "get-key-rotation-status", "--key-id", key})["KeyRotationEnabled"];
  }
  Json tags(const std::string& key) const {
    return aws_cli({"kms", "list-resource-tags", "--key-id", key})["Tags"];
  }
};

std::string key_policy(const std::string& name, const std::string& key,
                       const std::string& actions) {
  return "policies:\n  - name: " + name +
         "\n    resource: kms-key\n    filters:\n      - KeyId: " + key + "\n    actions:\n" +
         actions;
}

TEST_F(KmsKeyTest, KeysAndAliasesAsCloudCustodianDescribesThem) {
  std::string key = make_key("TagKey=env,TagValue=prod");
  aws_cli({"kms", "create-alias", "--alias-name", "alias/payments", "--target-key-id", key});
  std::string plain = make_key();
  write("p.yml", R"(policies:
  - name: keys
    resource: kms-key
  - name: aliases
    resource: kms
    filters:
      - AliasName: alias/payments
)");
  auto result = custos({"run", "-s", path("out"), path("p.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  Json keys = Json::parse(read_file(path("out/keys/resources.json")));
  ASSERT_EQ(keys.size(), 2u);
  for (const Json& described : keys) {
    bool tagged = described["KeyId"] == key;
    EXPECT_EQ(described["KeyState"], "Enabled");
    EXPECT_EQ(described["Arn"], metadata(described["KeyId"])["Arn"]);
    EXPECT_EQ(described["Tags"],
              tagged ? Json::parse(R"([{"Key": "env", "Value": "prod"}])") : Json::array());
    EXPECT_EQ(described.value("AliasNames", Json()),
              tagged ? Json::array({"alias/payments"}) : Json());
  }
  EXPECT_EQ(keys[0]["KeyId"] == plain || keys[1]["KeyId"] == plain, true);
  Json aliases = Json::parse(read_file(path("out/aliases/resources.json")));
  ASSERT_EQ(aliases.size(), 1u);
  EXPECT_EQ(aliases[0]["TargetKeyId"], key);
}

// A key's policy was changed by someone who should not have: the key is disabled and tagged,
// the event naming the key by its ARN; another key is left as it is.
TEST_F(KmsKeyTest, CloudTrailPutKeyPolicyDisablesTheKey) {
  std::string key = make_key();
  std::string other = make_key();
  std::string arn = metadata(key)["Arn"];
  write("event.json", cloudtrail_call("kms.amazonaws.com", "PutKeyPolicy",
                                      {{"keyId", arn}, {"policyName", "default"}})
                          .dump());
  write("policy.yml", R"(policies:
  - name: kms-key-policy-changed
    resource: aws.kms-key
    mode:
      type: cloudtrail
      events: [PutKeyPolicy]
    filters:
      - KeyManager: CUSTOMER
    actions:
      - disable
      - {type: tag, key: custos-incident, value: key-policy-changed}
)");
  auto result =
      custos({"run", "-s", path("out"), "--event", path("event.json"), path("policy.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(key_state(key), "Disabled");
  EXPECT_EQ(tags(key),
            Json::parse(R"([{"TagKey": "custos-incident", "TagValue": "key-policy-changed"}])"));
  EXPECT_EQ(key_state(other), "Enabled");
  Json records = actions_of("kms-key-policy-changed");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0]["summary"], "key state Enabled -> Disabled");
  EXPECT_EQ(records[0]["undo"][0]["operation"], "EnableKey");
}

// An alias event names the alias by name (or ARN): custos finds it among the listed aliases.
TEST_F(KmsKeyTest, AnAliasEventFindsTheAliasByNameOrArn) {
  std::string key = make_key();
  aws_cli({"kms", "create-alias", "--alias-name", "alias/exfil", "--target-key-id", key});
  aws_cli({"kms", "create-alias", "--alias-name", "alias/other", "--target-key-id", key});
  write("policy.yml", R"(policies:
  - name: alias-created
    resource: kms
    mode:
      type: cloudtrail
      events:
        - {source: kms.amazonaws.com, event: CreateAlias, ids: requestParameters.aliasName}
)");
  for (const std::string named :
       {"alias/exfil", "arn:aws:kms:us-east-1:123456789012:alias/exfil"}) {
    write("event.json", cloudtrail_call("kms.amazonaws.com", "CreateAlias",
                                        {{"aliasName", named}, {"targetKeyId", key}})
                            .dump());
    auto result =
        custos({"run", "-s", path("out"), "--event", path("event.json"), path("policy.yml")});
    ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
    Json found = Json::parse(read_file(path("out/alias-created/resources.json")));
    ASSERT_EQ(found.size(), 1u) << named;
    EXPECT_EQ(found[0]["AliasName"], "alias/exfil");
  }
}

TEST_F(KmsKeyTest, PullModeDisablesTheKeysTaggedCompromised) {
  std::string flagged = make_key("TagKey=compromised,TagValue=yes");
  std::string other = make_key();
  std::string yaml = R"(policies:
  - name: disable-compromised
    resource: kms-key
    filters:
      - "tag:compromised": present
    actions:
      - disable
)";
  prove_action(
      yaml, "disable-compromised", [&] { return Json(key_state(flagged)); }, "kms DisableKey");
  EXPECT_EQ(key_state(flagged), "Disabled");
  EXPECT_EQ(key_state(other), "Enabled");
}

TEST_F(KmsKeyTest, EnableUndoesDisable) {
  std::string key = make_key();
  aws_cli({"kms", "disable-key", "--key-id", key});
  Json records = prove_action(
      key_policy("enable", key, "      - enable\n"), "enable", [&] { return Json(key_state(key)); },
      "kms EnableKey");
  EXPECT_EQ(key_state(key), "Enabled");
  EXPECT_EQ(records[0]["undo"][0]["operation"], "DisableKey");
}

TEST_F(KmsKeyTest, ScheduleDeletionThenCancelDeletion) {
  std::string key = make_key();
  auto state = [&] {
    Json m = metadata(key);
    return Json{{"KeyState", m["KeyState"]}, {"DeletionDate", m.value("DeletionDate", Json())}};
  };
  Json scheduled =
      prove_action(key_policy("schedule", key, "      - {type: schedule-deletion, days: 7}\n"),
                   "schedule", state, "kms ScheduleKeyDeletion");
  EXPECT_EQ(key_state(key), "PendingDeletion");
  EXPECT_EQ(scheduled[0]["after"]["PendingWindowInDays"], 7);
  // Undo cancels, then enables the key it found enabled.
  EXPECT_EQ(scheduled[0]["undo"].size(), 2u);
  EXPECT_EQ(scheduled[0]["undo"][1]["operation"], "EnableKey");

  Json cancelled = prove_action(key_policy("cancel", key, "      - cancel-deletion\n"), "cancel",
                                state, "kms CancelKeyDeletion");
  EXPECT_EQ(key_state(key), "Disabled");
  EXPECT_EQ(cancelled[0]["undo"][0]["params"]["PendingWindowInDays"], 30);
}

TEST_F(KmsKeyTest, SetRotationOnAndOff) {
  std::string key = make_key();
  auto state = [&] { return rotation(key); };
  prove_action(key_policy("rotate", key, "      - {type: set-rotation, state: true}\n"), "rotate",
               state, "kms EnableKeyRotation");
  EXPECT_EQ(rotation(key), true);
  Json records =
      prove_action(key_policy("no-rotate", key, "      - {type: set-rotation, state: false}\n"),
                   "no-rotate", state, "kms DisableKeyRotation");
  EXPECT_EQ(rotation(key), false);
  EXPECT_EQ(records[0]["undo"][0]["operation"], "EnableKeyRotation");
}

// Cloud Custodian's own example (kms.py, KmsKeyRotation), unchanged.
TEST_F(KmsKeyTest, CloudCustodiansEnableRotationExampleTurnsItOnWhereOff) {
  std::string off = make_key();
  std::string on = make_key();
  aws_cli({"kms", "enable-key-rotation", "--key-id", on});
  write("p.yml", read_file(data_path("policies/c7n/kms/enable-cmk-rotation.yml")));
  auto result = custos({"run", "-s", path("out"), path("p.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  Json matched = Json::parse(read_file(path("out/enable-cmk-rotation/resources.json")));
  ASSERT_EQ(matched.size(), 1u);
  EXPECT_EQ(matched[0]["KeyId"], off);
  EXPECT_EQ(matched[0]["KeyRotationEnabled"]["KeyRotationEnabled"], false);
  EXPECT_EQ(rotation(off), true);
  EXPECT_EQ(rotation(on), true);
}

TEST_F(KmsKeyTest, TagRemoveTagAndMarkForOpOnAKey) {
  std::string key = make_key("TagKey=owner,TagValue=payments");
  auto state = [&] { return tags(key); };
  prove_action(key_policy("tag", key, "      - {type: tag, key: incident, value: open}\n"), "tag",
               state, "kms TagResource");
  prove_action(key_policy("untag", key, "      - {type: remove-tag, tags: [owner]}\n"), "untag",
               state, "kms UntagResource");
  EXPECT_EQ(tags(key), Json::parse(R"([{"TagKey": "incident", "TagValue": "open"}])"));
  prove_action(key_policy("mark", key, "      - {type: mark-for-op, op: disable, days: 1}\n"),
               "mark", state, "kms TagResource");
  EXPECT_EQ(tags(key).size(), 2u);
}

}  // namespace
}  // namespace custos::test
