// aws.account's settings that are not one call as data (set-s3-public-block, shared with s3's
// set-public-block; set-ebs-encryption, two calls) over real HTTP against moto: each end state
// read back with the AWS CLI, a dry run changes nothing, a second run is `unchanged`, and the
// record's undo played by the CLI restores the setting; where moto lacks a call (EC2's default
// KMS key, X-Ray's encryption), a proxy in front of it answers in the service's shape and the
// test reads what custos sent off the proxy. The account's one-call settings
// (set-password-policy, set-emr-block-public-access) are rows of CallActionTest.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "integration/action_check.h"
#include "support/aws_cli.h"
#include "support/fault_proxy.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class AccountActionTest : public ActionTest {
 protected:
  static std::string policy(const std::string& action) {
    return "policies:\n  - name: account\n    resource: aws.account\n    actions:\n      - " +
           action + "\n";
  }
  Json prove(const std::string& action, const std::function<Json()>& state,
             const std::string& dry_call,
             const std::map<std::string, std::string>& env = {}) const {
    Json records = prove_action(policy(action), "account", state, dry_call, env, {"--no-journal"});
    EXPECT_EQ(records.size(), 1u) << records.dump();
    for (const Json& record : records) EXPECT_EQ(record["resource"], "123456789012");
    return records;
  }

  // The account's S3 block lives behind s3control's {AccountId}. host prefix: custos reaches it
  // as 123456789012.localhost, the AWS CLI through moto acting as its HTTP proxy (s3_test.cpp).
  std::string control() const { return "http://localhost:" + std::to_string(emulator().port()); }
  ProcessResult control_cli(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--endpoint-url", control(), "--output", "json", "s3control"});
    auto env = emulator_env();
    env["HTTP_PROXY"] = emulator().url();
    return run_aws_cli(args, env);
  }
};

// Without a block before (with one, the record's check reads it through s3control, which the
// harness's plain AWS CLI cannot reach): the others stay off, and the undo deletes the block.
TEST_F(AccountActionTest, SetS3PublicBlockSetsTheGivenSettingAndKeepsTheOthers) {
  auto state = [&] {
    ProcessResult got = control_cli({"get-public-access-block", "--account-id", "123456789012"});
    return got.exit_code == 0 ? Json::parse(got.out)["PublicAccessBlockConfiguration"] : Json();
  };
  ASSERT_TRUE(state().is_null());
  Json records =
      prove("{type: set-s3-public-block, RestrictPublicBuckets: true}", state,
            "s3control PutPublicAccessBlock", {{"AWS_ENDPOINT_URL_S3_CONTROL", control()}});
  EXPECT_EQ(state(), Json({{"BlockPublicAcls", false},
                           {"IgnorePublicAcls", false},
                           {"BlockPublicPolicy", false},
                           {"RestrictPublicBuckets", true}}));
  ASSERT_EQ(records[0]["undo"].size(), 1u) << records[0].dump();
  const Json& undo = records[0]["undo"][0];
  ASSERT_EQ(control_cli({cli_command(undo["operation"]), "--cli-input-json", undo["params"].dump()})
                .exit_code,
            0);
  EXPECT_TRUE(state().is_null()) << "the undo left " << state().dump();
}

TEST_F(AccountActionTest, SetEbsEncryptionTurnsEncryptionByDefaultOn) {
  auto state = [&] { return aws_cli({"ec2", "get-ebs-encryption-by-default"}); };
  const Json before = state();
  Json records =
      prove("{type: set-ebs-encryption, state: true}", state, "ec2 EnableEbsEncryptionByDefault");
  EXPECT_EQ(state()["EbsEncryptionByDefault"], true);
  expect_undo_restores(records, state, before);
}

// moto 5.2.1 lacks EC2's default KMS key calls: a proxy in front of it answers them in EC2's
// shape (botocore's model: kmsKeyId), and what custos asked for is read off the proxy.
TEST_F(AccountActionTest, SetEbsEncryptionWithAKeySetsTheKeyAndRemembersTheOldOne) {
  FaultProxy proxy(emulator().url());
  auto ec2_answer = [](const std::string& operation, const std::string& key) {
    FaultProxy::Reply reply;
    reply.body = "<" + operation +
                 "Response xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
                 "<requestId>c7n-recorded</requestId><kmsKeyId>" +
                 key + "</kmsKeyId></" + operation + "Response>";
    return reply;
  };
  proxy.answer_action("GetEbsDefaultKmsKeyId",
                      ec2_answer("GetEbsDefaultKmsKeyId", "alias/aws/ebs"));
  proxy.answer_action("ModifyEbsDefaultKmsKeyId",
                      ec2_answer("ModifyEbsDefaultKmsKeyId", "alias/custos-ebs"));
  auto modifications = [&] {
    std::vector<std::string> bodies;
    for (const auto& arrival : proxy.arrivals())
      if (arrival.body.find("Action=ModifyEbsDefaultKmsKeyId") != std::string::npos)
        bodies.push_back(arrival.body);
    return bodies;
  };
  auto encrypted = [&] {
    return aws_cli({"ec2", "get-ebs-encryption-by-default"})["EbsEncryptionByDefault"];
  };
  write("key.yml", policy("{type: set-ebs-encryption, state: true, key: alias/custos-ebs}"));
  const std::map<std::string, std::string> via_proxy = {{"AWS_ENDPOINT_URL", proxy.url()}};

  auto dry =
      custos({"run", "--no-journal", "--dryrun", "-s", path("out"), path("key.yml")}, via_proxy);
  ASSERT_EQ(dry.exit_code, 0) << dry.out << dry.err;
  EXPECT_NE(dry.out.find("would call ec2 ModifyEbsDefaultKmsKeyId"), std::string::npos) << dry.out;
  EXPECT_TRUE(modifications().empty());
  EXPECT_EQ(encrypted(), false);

  auto run = custos({"run", "--no-journal", "-s", path("out"), path("key.yml")}, via_proxy);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  ASSERT_EQ(modifications().size(), 1u);
  EXPECT_NE(modifications()[0].find("KmsKeyId=alias%2Fcustos-ebs"), std::string::npos)
      << modifications()[0];
  EXPECT_EQ(encrypted(), true);
  Json record = actions_of("account")[0];
  EXPECT_EQ(record["outcome"], "changed");
  EXPECT_EQ(record["before"]["KmsKeyId"], "alias/aws/ebs");
  // The undo puts the old key back and turns encryption by default off again.
  ASSERT_EQ(record["undo"].size(), 2u) << record.dump();
  EXPECT_EQ(record["undo"][0]["operation"], "ModifyEbsDefaultKmsKeyId");
  EXPECT_EQ(record["undo"][0]["params"]["KmsKeyId"], "alias/aws/ebs");
  EXPECT_EQ(record["undo"][1]["operation"], "DisableEbsEncryptionByDefault");
  aws_call(record["undo"][1]);
  EXPECT_EQ(encrypted(), false);
}

// moto 5.2.1 lacks X-Ray's encryption settings: a proxy answers them in X-Ray's shape (botocore's
// model), holding the setting `current`, and what custos sent is read off the proxy.
TEST_F(AccountActionTest, SetXrayEncryptSendsTheKeyAndIsUnchangedWhenItIsInPlace) {
  auto run_with = [&](const Json& current, const std::string& key) {
    auto proxy = std::make_unique<FaultProxy>(emulator().url());
    FaultProxy::Reply put, get;
    put.content_type = get.content_type = "application/json";
    put.body = Json{{"EncryptionConfig", {{"Type", "KMS"}, {"Status", "UPDATING"}}}}.dump();
    get.body = Json{{"EncryptionConfig", current}}.dump();
    proxy->answer_path("/PutEncryptionConfig", put);  // first: it contains the other's path
    proxy->answer_path("/EncryptionConfig", get);
    write("xray.yml", policy("{type: set-xray-encrypt, key: " + key + "}"));
    auto run = custos({"run", "--no-journal", "-s", path("out"), path("xray.yml")},
                      {{"AWS_ENDPOINT_URL", proxy->url()}});
    EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
    return proxy;
  };
  auto sent = [](const FaultProxy& proxy) {
    Json bodies = Json::array();
    for (const auto& arrival : proxy.arrivals())
      if (arrival.target.find("/PutEncryptionConfig") != std::string::npos)
        bodies.push_back(Json::parse(arrival.body));
    return bodies;
  };

  auto proxy = run_with({{"Type", "NONE"}, {"Status", "ACTIVE"}}, "alias/custos-xray");
  EXPECT_EQ(sent(*proxy), Json::array({{{"Type", "KMS"}, {"KeyId", "alias/custos-xray"}}}));
  Json record = actions_of("account")[0];
  EXPECT_EQ(record["outcome"], "changed");
  ASSERT_EQ(record["undo"].size(), 1u) << record.dump();
  EXPECT_EQ(record["undo"][0]["params"], Json({{"Type", "NONE"}}));

  proxy = run_with({{"Type", "KMS"}, {"KeyId", "alias/custos-xray"}, {"Status", "ACTIVE"}},
                   "alias/custos-xray");
  EXPECT_EQ(sent(*proxy), Json::array());
  EXPECT_EQ(actions_of("account")[0]["outcome"], "unchanged");

  proxy =
      run_with({{"Type", "KMS"}, {"KeyId", "alias/custos-xray"}, {"Status", "ACTIVE"}}, "default");
  EXPECT_EQ(sent(*proxy), Json::array({{{"Type", "NONE"}}}));
}

// xray-encrypt-key: X-Ray's setting from the proxy (moto lacks it), a key named by alias
// resolved by moto's KMS to the ARN the setting holds.
TEST_F(AccountActionTest, XrayEncryptKeyComparesTheSettingWithDefaultKmsOrAKey) {
  std::string arn = aws_cli({"kms", "create-key"})["KeyMetadata"]["Arn"];
  aws_cli({"kms", "create-alias", "--alias-name", "alias/custos-xray", "--target-key-id", arn});
  aws_cli({"kms", "create-alias", "--alias-name", "alias/other", "--target-key-id",
           aws_cli({"kms", "create-key"})["KeyMetadata"]["KeyId"]});
  auto matched = [&](const Json& setting) {
    FaultProxy proxy(emulator().url());
    FaultProxy::Reply get;
    get.content_type = "application/json";
    get.body = Json{{"EncryptionConfig", setting}}.dump();
    proxy.answer_path("/EncryptionConfig", get);
    std::string policies = "policies:\n";
    for (const char* key : {"default", "kms", "alias/custos-xray", "alias/other"})
      policies += std::string("  - name: ") + (key[0] == 'a' ? key + 6 : key) +
                  "\n    resource: aws.account\n    filters:\n      - {type: xray-encrypt-key, "
                  "key: " +
                  key + "}\n";
    write("xray.yml", policies);
    auto run = custos({"run", "--no-journal", "-s", path("out"), path("xray.yml")},
                      {{"AWS_ENDPOINT_URL", proxy.url()}});
    EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
    std::vector<std::string> names;
    for (const char* name : {"default", "kms", "custos-xray", "other"}) {
      Json found = Json::parse(read_file(path(std::string("out/") + name + "/resources.json")));
      if (found.empty()) continue;
      names.push_back(name);
      EXPECT_EQ(found[0]["c7n:XrayEncryptionConfig"]["Type"], setting["Type"]);
    }
    return names;
  };
  EXPECT_EQ(matched({{"Type", "NONE"}, {"Status", "ACTIVE"}}), std::vector<std::string>{"default"});
  EXPECT_EQ(matched({{"Type", "KMS"}, {"KeyId", arn}, {"Status", "ACTIVE"}}),
            (std::vector<std::string>{"kms", "custos-xray"}));
}

}  // namespace
}  // namespace custos::test
