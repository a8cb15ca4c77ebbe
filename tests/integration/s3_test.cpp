// aws.s3 over real HTTP against moto: buckets read in their own regions, the GuardDuty S3
// finding and a CloudTrail PutBucketPolicy answered, and every bucket action proven three
// ways (dry run, run, second run), each end state read back with the AWS CLI.
#include <gtest/gtest.h>

#include <algorithm>

#include "integration/action_check.h"
#include "integration/findings.h"
#include "support/aws_cli.h"
#include "support/fault_proxy.h"
#include "support/paths.h"

namespace custos::test {
namespace {

const char* const kAllUsers = "http://acs.amazonaws.com/groups/global/AllUsers";

class S3BucketTest : public ActionTest {
 protected:
  void make_bucket(const std::string& name, const std::string& region = "us-east-1") const {
    std::vector<std::string> args = {"s3api", "create-bucket", "--bucket", name};
    if (region != "us-east-1") {
      args.insert(args.end(), {"--region", region, "--create-bucket-configuration",
                               "LocationConstraint=" + region});
    }
    aws_cli(args);
  }
  void put_policy(const std::string& bucket, const Json& statements) const {
    Json document = {{"Version", "2012-10-17"}, {"Statement", statements}};
    aws_cli({"s3api", "put-bucket-policy", "--bucket", bucket, "--policy", document.dump()});
  }
  void put_object(const std::string& bucket, const std::string& key) const {
    write("object.txt", "evidence of " + key);
    aws_cli(
        {"s3api", "put-object", "--bucket", bucket, "--key", key, "--body", path("object.txt")});
  }

  // What the AWS CLI reads back; null where the bucket has none.
  Json policy_of(const std::string& bucket) const {
    ProcessResult got = aws_try({"s3api", "get-bucket-policy", "--bucket", bucket});
    if (got.exit_code != 0) return nullptr;
    return Json::parse(Json::parse(got.out)["Policy"].get<std::string>());
  }
  Json public_block_of(const std::string& bucket) const {
    ProcessResult got = aws_try({"s3api", "get-public-access-block", "--bucket", bucket});
    return got.exit_code == 0 ? Json::parse(got.out)["PublicAccessBlockConfiguration"] : Json();
  }
  Json grants_of(const std::string& bucket) const {
    return aws_cli({"s3api", "get-bucket-acl", "--bucket", bucket})["Grants"];
  }
  Json keys_of(const std::string& bucket) const {
    Json keys = Json::array();
    for (const Json& object :
         aws_cli({"s3api", "list-objects-v2", "--bucket", bucket}).value("Contents", Json::array()))
      keys.push_back(object["Key"]);
    return keys;
  }
  Json tags_of(const std::string& bucket) const {
    ProcessResult got = aws_try({"s3api", "get-bucket-tagging", "--bucket", bucket});
    return got.exit_code == 0 ? Json::parse(got.out)["TagSet"] : Json::array();
  }
};

std::string named_policy(const std::string& name, const std::string& bucket,
                         const std::string& actions) {
  return "policies:\n  - name: " + name +
         "\n    resource: aws.s3\n    filters:\n      - Name: " + bucket + "\n    actions:\n" +
         actions;
}

std::string header(const FaultProxy::Arrival& arrival, const std::string& name) {
  for (const auto& [key, value] : arrival.headers)
    if (std::equal(key.begin(), key.end(), name.begin(), name.end(),
                   [](char a, char b) { return std::tolower(a) == std::tolower(b); }))
      return value;
  return "";
}

TEST_F(S3BucketTest, ReadsEachBucketThroughItsOwnRegion) {
  make_bucket("custos-home");
  make_bucket("custos-abroad", "eu-west-1");
  put_policy("custos-abroad", Json::array({{{"Sid", "Read"},
                                            {"Effect", "Allow"},
                                            {"Principal", "*"},
                                            {"Action", "s3:GetObject"},
                                            {"Resource", "arn:aws:s3:::custos-abroad/*"}}}));
  aws_cli({"s3api", "put-bucket-tagging", "--bucket", "custos-abroad", "--tagging",
           "TagSet=[{Key=owner,Value=eu-team}]"});
  FaultProxy proxy(emulator().url());
  write("p.yml", "policies:\n  - name: buckets\n    resource: s3\n");
  auto result =
      custos({"run", "-s", path("out"), path("p.yml")}, {{"AWS_ENDPOINT_URL", proxy.url()}});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;

  Json buckets = Json::parse(read_file(path("out/buckets/resources.json")));
  ASSERT_EQ(buckets.size(), 2u);
  for (const Json& bucket : buckets) {
    bool abroad = bucket["Name"] == "custos-abroad";
    EXPECT_EQ(bucket["Location"]["LocationConstraint"], abroad ? Json("eu-west-1") : Json());
    EXPECT_EQ(bucket["Tags"],
              abroad ? Json::parse(R"([{"Key": "owner", "Value": "eu-team"}])") : Json::array());
    EXPECT_EQ(bucket["Policy"].is_string(), abroad);
    EXPECT_EQ(bucket["PublicAccessBlock"], nullptr);
    EXPECT_EQ(bucket["Logging"], Json::object());
    EXPECT_TRUE(bucket["Acl"]["Grants"].is_array());
  }
  // GetBucketLocation goes through the run's region; every later call through the bucket's.
  int abroad_calls = 0;
  for (const auto& arrival : proxy.arrivals()) {
    std::string scope = header(arrival, "Authorization");
    if (!arrival.target.starts_with("/custos-abroad")) continue;
    bool location = arrival.target.find("location") != std::string::npos;
    std::string region = location ? "us-east-1" : "eu-west-1";
    EXPECT_NE(scope.find("/" + region + "/s3/aws4_request"), std::string::npos)
        << arrival.target << ": " << scope;
    abroad_calls += location ? 0 : 1;
  }
  EXPECT_GE(abroad_calls, 11);
}

TEST_F(S3BucketTest, GuardDutyFindingBlocksPublicAccessOnTheNamedBucketOnly) {
  make_bucket("custos-exposed");
  make_bucket("custos-bystander");
  write("finding.json", bucket_finding("custos-exposed").dump());
  write("policy.yml", R"(policies:
  - name: s3-finding-block
    resource: aws.s3
    mode: {type: guard-duty}
    filters:
      - check-public-block
    actions:
      - set-public-block
)");
  auto result =
      custos({"run", "-s", path("out"), "--event", path("finding.json"), path("policy.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(public_block_of("custos-exposed"), Json({{"BlockPublicAcls", true},
                                                     {"IgnorePublicAcls", true},
                                                     {"BlockPublicPolicy", true},
                                                     {"RestrictPublicBuckets", true}}));
  EXPECT_EQ(public_block_of("custos-bystander"), nullptr);
  Json records = actions_of("s3-finding-block");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["resource"], "custos-exposed");
  EXPECT_EQ(records[0]["before"]["PublicAccessBlockConfiguration"], nullptr);
  EXPECT_EQ(records[0]["undo"][0]["operation"], "DeletePublicAccessBlock");
  Json matched = Json::parse(read_file(path("out/s3-finding-block/resources.json")));
  EXPECT_EQ(matched[0]["c7n:PublicAccessBlock"]["BlockPublicAcls"], false);
}

// Someone replaced the bucket policy: the public statement comes out and the deny on
// insecure transport goes back in, whatever else the policy says staying as it is.
TEST_F(S3BucketTest, CloudTrailPutBucketPolicyReappliesTheDenyStatement) {
  make_bucket("custos-data");
  Json keep = {{"Sid", "Logs"},
               {"Effect", "Allow"},
               {"Principal", {{"AWS", "arn:aws:iam::123456789012:root"}}},
               {"Action", "s3:PutObject"},
               {"Resource", "arn:aws:s3:::custos-data/logs/*"}};
  Json open = {{"Sid", "Everyone"},
               {"Effect", "Allow"},
               {"Principal", "*"},
               {"Action", {"s3:GetObject", "s3:ListBucket"}},
               {"Resource", "arn:aws:s3:::custos-data/*"}};
  put_policy("custos-data", Json::array({keep, open}));
  write("event.json",
        cloudtrail_call("s3.amazonaws.com", "PutBucketPolicy", {{"bucketName", "custos-data"}})
            .dump());
  write("policy.yml", R"(policies:
  - name: s3-policy-changed
    resource: aws.s3
    mode:
      type: cloudtrail
      events: [PutBucketPolicy]
    filters:
      - type: has-statement
        statements:
          - {Effect: Allow, Principal: '*', Action: 's3:GetObject', PartialMatch: [Action]}
    actions:
      - type: remove-statements
        statement_ids: matched
      - type: set-statements
        statements:
          - Sid: DenyInsecureTransport
            Effect: Deny
            Principal: '*'
            Action: 's3:*'
            Resource: ['arn:aws:s3:::{bucket_name}', 'arn:aws:s3:::{bucket_name}/*']
            Condition: {Bool: {'aws:SecureTransport': 'false'}}
)");
  auto result =
      custos({"run", "-s", path("out"), "--event", path("event.json"), path("policy.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  Json statements = policy_of("custos-data")["Statement"];
  ASSERT_EQ(statements.size(), 2u) << statements.dump();
  EXPECT_EQ(statements[0], keep);
  EXPECT_EQ(statements[1]["Sid"], "DenyInsecureTransport");
  EXPECT_EQ(statements[1]["Resource"],
            Json({"arn:aws:s3:::custos-data", "arn:aws:s3:::custos-data/*"}));
  Json records = actions_of("s3-policy-changed");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0]["summary"], "removed statements Everyone from the policy of custos-data");
  EXPECT_EQ(records[1]["summary"], "set statements DenyInsecureTransport");
  // The first change's undo puts the policy back as it was.
  EXPECT_EQ(Json::parse(records[0]["undo"][0]["params"]["Policy"].get<std::string>())["Statement"],
            Json::array({keep, open}));

  // The same call again: the statement is gone, so nothing matches and nothing changes.
  result = custos({"run", "-s", path("out"), "--event", path("event.json"), path("policy.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(actions_of("s3-policy-changed"), Json::array());
  EXPECT_EQ(policy_of("custos-data")["Statement"], statements);
}

TEST_F(S3BucketTest, SetStatementsAddsByStatementIdKeepingTheRest) {
  make_bucket("custos-set");
  Json keep = {{"Sid", "Keep"},
               {"Effect", "Allow"},
               {"Principal", {{"AWS", "arn:aws:iam::123456789012:root"}}},
               {"Action", "s3:GetObject"},
               {"Resource", "arn:aws:s3:::custos-set/*"}};
  put_policy("custos-set", Json::array({keep}));
  std::string yaml = named_policy("set", "custos-set", R"(      - type: set-statements
        statements:
          - Sid: DenyOutsideAccount
            Effect: Deny
            Principal: '*'
            Action: 's3:GetObject'
            Resource: 'arn:aws:s3:::{bucket_name}/*'
            Condition: {StringNotEquals: {'aws:PrincipalAccount': '{account_id}'}}
)");
  Json records = prove_action(
      yaml, "set", [&] { return policy_of("custos-set"); }, "s3 PutBucketPolicy");
  Json statements = policy_of("custos-set")["Statement"];
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_EQ(statements[0], keep);
  EXPECT_EQ(statements[1]["Resource"], "arn:aws:s3:::custos-set/*");
  EXPECT_EQ(statements[1]["Condition"]["StringNotEquals"]["aws:PrincipalAccount"], "123456789012");
  EXPECT_EQ(records[0]["undo"][0]["operation"], "PutBucketPolicy");
}

// Cloud Custodian's s3-encryption-policy: the statement that refuses unencrypted uploads is
// added to a bucket without a policy; undo takes the policy away again.
TEST_F(S3BucketTest, EncryptionPolicyRefusesUnencryptedUploads) {
  make_bucket("custos-sse");
  Json records = prove_action(
      named_policy("sse", "custos-sse", "      - encryption-policy\n"), "sse",
      [&] { return policy_of("custos-sse"); }, "s3 PutBucketPolicy");
  Json statements = policy_of("custos-sse")["Statement"];
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_EQ(statements[0]["Sid"], "RequiredEncryptedPutObject");
  EXPECT_EQ(statements[0]["Resource"], "arn:aws:s3:::custos-sse/*");
  EXPECT_EQ(statements[0]["Condition"]["StringNotEquals"]["s3:x-amz-server-side-encryption"],
            Json::array({"AES256", "aws:kms"}));
  expect_undo_restores(
      records, [&] { return policy_of("custos-sse"); }, nullptr);
}

// Cloud Custodian's s3-apply-lifecycle: a rule added beside the bucket's own, then one removed
// with Status: absent; undo puts the rules back as they were.
TEST_F(S3BucketTest, ConfigureLifecycleSetsRulesByIdKeepingTheOthers) {
  make_bucket("custos-life");
  aws_cli({"s3api", "put-bucket-lifecycle-configuration", "--bucket", "custos-life",
           "--lifecycle-configuration",
           R"({"Rules": [{"ID": "expire-tmp", "Status": "Enabled", "Filter": {"Prefix": "tmp/"},
                          "Expiration": {"Days": 7}}]})"});
  auto rules = [&] {
    ProcessResult got =
        aws_try({"s3api", "get-bucket-lifecycle-configuration", "--bucket", "custos-life"});
    Json ids = Json::array();
    const Json answer = got.exit_code == 0 ? Json::parse(got.out) : Json::object();
    for (const Json& rule : answer.value("Rules", Json::array())) ids.push_back(rule["ID"]);
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  const Json before = rules();
  Json records =
      prove_action(named_policy("life", "custos-life", R"(      - type: configure-lifecycle
        rules:
          - ID: my-lifecycle-id
            Status: Enabled
            Prefix: foo/
            Transitions:
              - Days: 60
                StorageClass: GLACIER
)"),
                   "life", rules, "s3 PutBucketLifecycleConfiguration");
  EXPECT_EQ(rules(), Json::array({"expire-tmp", "my-lifecycle-id"}));
  expect_undo_restores(records, rules, before);

  run_policy(named_policy("absent", "custos-life", R"(      - type: configure-lifecycle
        rules:
          - {ID: expire-tmp, Status: absent}
)"));
  EXPECT_EQ(rules(), Json::array());  // no rule left: the configuration is deleted
}

TEST_F(S3BucketTest, RemoveStatementsDeletesThePolicyWhenNoneIsLeft) {
  make_bucket("custos-remove");
  put_policy("custos-remove", Json::array({{{"Sid", "Public"},
                                            {"Effect", "Allow"},
                                            {"Principal", "*"},
                                            {"Action", "s3:GetObject"},
                                            {"Resource", "arn:aws:s3:::custos-remove/*"}}}));
  std::string yaml = named_policy("remove", "custos-remove",
                                  "      - {type: remove-statements, statement_ids: [Public]}\n");
  Json records = prove_action(
      yaml, "remove", [&] { return policy_of("custos-remove"); }, "s3 DeleteBucketPolicy");
  EXPECT_EQ(policy_of("custos-remove"), nullptr);
  EXPECT_EQ(records[0]["undo"][0]["operation"], "PutBucketPolicy");
  EXPECT_EQ(records[0]["after"]["Policy"], nullptr);
}

TEST_F(S3BucketTest, SetPublicBlockSetsTheGivenSettingsAndKeepsTheOthers) {
  make_bucket("custos-block");
  aws_cli({"s3api", "put-public-access-block", "--bucket", "custos-block",
           "--public-access-block-configuration",
           "BlockPublicAcls=false,IgnorePublicAcls=true,BlockPublicPolicy=false,"
           "RestrictPublicBuckets=false"});
  std::string yaml = named_policy(
      "block", "custos-block",
      "      - {type: set-public-block, BlockPublicAcls: true, BlockPublicPolicy: true}\n");
  Json records = prove_action(
      yaml, "block", [&] { return public_block_of("custos-block"); }, "s3 PutPublicAccessBlock");
  EXPECT_EQ(public_block_of("custos-block"), Json({{"BlockPublicAcls", true},
                                                   {"IgnorePublicAcls", true},
                                                   {"BlockPublicPolicy", true},
                                                   {"RestrictPublicBuckets", false}}));
  EXPECT_EQ(records[0]["undo"][0]["params"]["PublicAccessBlockConfiguration"]["BlockPublicAcls"],
            false);
}

// The account's block lives behind s3control's {AccountId}. host prefix: custos reaches it as
// 123456789012.localhost (curl resolves *.localhost itself), and the AWS CLI, which cannot
// resolve that name, through moto acting as its HTTP proxy.
TEST_F(S3BucketTest, SetPublicBlockScopeAccountSetsTheAccountsBlock) {
  make_bucket("custos-any");
  std::string control = "http://localhost:" + std::to_string(emulator().port());
  auto account_block = [&] {
    ProcessResult got = run_aws_cli({"--endpoint-url", control, "--output", "json", "s3control",
                                     "get-public-access-block", "--account-id", "123456789012"},
                                    [&] {
                                      auto env = emulator_env();
                                      env["HTTP_PROXY"] = emulator().url();
                                      return env;
                                    }());
    return got.exit_code == 0 ? Json::parse(got.out)["PublicAccessBlockConfiguration"] : Json();
  };
  std::string yaml = named_policy("account-block", "custos-any",
                                  "      - {type: set-public-block, scope: account}\n");
  Json records =
      prove_action(yaml, "account-block", account_block, "s3control PutPublicAccessBlock",
                   {{"AWS_ENDPOINT_URL_S3_CONTROL", control}});
  EXPECT_EQ(account_block(), Json({{"BlockPublicAcls", true},
                                   {"IgnorePublicAcls", true},
                                   {"BlockPublicPolicy", true},
                                   {"RestrictPublicBuckets", true}}));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["resource"], "custos-any");  // the bucket it was set for
  EXPECT_NE(records[0]["summary"].get<std::string>().find("account 123456789012 "),
            std::string::npos);
  EXPECT_EQ(records[0]["undo"][0]["operation"], "DeletePublicAccessBlock");
  EXPECT_EQ(public_block_of("custos-any"), nullptr);  // the bucket's own is untouched
}

TEST_F(S3BucketTest, DeleteGlobalGrantsRemovesEveryonesGrantsOnly) {
  make_bucket("custos-acl");
  aws_cli({"s3api", "put-bucket-acl", "--bucket", "custos-acl", "--acl", "public-read"});
  std::string yaml = named_policy("grants", "custos-acl", "      - delete-global-grants\n");
  Json before = grants_of("custos-acl");
  Json records = prove_action(
      yaml, "grants", [&] { return grants_of("custos-acl"); }, "s3 PutBucketAcl");
  Json after = grants_of("custos-acl");
  for (const Json& grant : after) EXPECT_NE(grant["Grantee"].value("URI", ""), kAllUsers);
  EXPECT_EQ(after.size(), before.size() - 1);
  EXPECT_EQ(records[0]["before"]["Grants"].size(), before.size());
}

TEST_F(S3BucketTest, DeleteObjectsUnderAPrefixIsIrreversibleOnAnUnversionedBucket) {
  make_bucket("custos-drop");
  for (const char* key : {"upload/miner.sh", "upload/x/payload.bin", "site/index.html"})
    put_object("custos-drop", key);
  std::string yaml =
      named_policy("drop", "custos-drop", "      - {type: delete-objects, prefix: upload/}\n");
  Json records = prove_action(
      yaml, "drop", [&] { return keys_of("custos-drop"); }, "s3 DeleteObjects");
  EXPECT_EQ(keys_of("custos-drop"), Json::array({"site/index.html"}));
  EXPECT_EQ(records[0]["undo"], nullptr);
  EXPECT_NE(records[0]["summary"].get<std::string>().find("irreversible"), std::string::npos);
}

TEST_F(S3BucketTest, DeleteObjectsOnAVersionedBucketIsUndoneByItsRecord) {
  make_bucket("custos-versioned");
  aws_cli({"s3api", "put-bucket-versioning", "--bucket", "custos-versioned",
           "--versioning-configuration", "Status=Enabled"});
  for (const char* key : {"upload/a", "upload/b", "keep/c"}) put_object("custos-versioned", key);
  std::string yaml = named_policy("drop-versioned", "custos-versioned",
                                  "      - {type: delete-objects, prefix: upload/}\n");
  Json records = prove_action(
      yaml, "drop-versioned", [&] { return keys_of("custos-versioned"); }, "s3 DeleteObjects");
  EXPECT_EQ(keys_of("custos-versioned"), Json::array({"keep/c"}));
  ASSERT_EQ(records[0]["undo"].size(), 2u);
  for (const Json& call : records[0]["undo"])
    client().call(call["service"].get<std::string>(), call["operation"].get<std::string>(),
                  call["params"]);
  EXPECT_EQ(keys_of("custos-versioned"), Json::array({"keep/c", "upload/a", "upload/b"}));
}

TEST_F(S3BucketTest, ToggleVersioningOnThenSuspended) {
  make_bucket("custos-versions");
  auto status = [&] {
    return aws_cli({"s3api", "get-bucket-versioning", "--bucket", "custos-versions"})
        .value("Status", Json());
  };
  Json on =
      prove_action(named_policy("versioning-on", "custos-versions", "      - toggle-versioning\n"),
                   "versioning-on", status, "s3 PutBucketVersioning");
  EXPECT_EQ(status(), "Enabled");
  EXPECT_EQ(on[0]["undo"][0]["params"]["VersioningConfiguration"]["Status"], "Suspended");
  prove_action(named_policy("versioning-off", "custos-versions",
                            "      - {type: toggle-versioning, enabled: false}\n"),
               "versioning-off", status, "s3 PutBucketVersioning");
  EXPECT_EQ(status(), "Suspended");
}

TEST_F(S3BucketTest, SetBucketEncryptionWithAKmsKeyByAliasThenRemoveIt) {
  make_bucket("custos-encrypted");
  const std::string key_arn =
      aws_cli({"kms", "create-key", "--description", "custos s3"})["KeyMetadata"]["Arn"];
  aws_cli({"kms", "create-alias", "--alias-name", "alias/custos-s3", "--target-key-id", key_arn});
  auto encryption = [&] {
    ProcessResult got = aws_try({"s3api", "get-bucket-encryption", "--bucket", "custos-encrypted"});
    return got.exit_code == 0 ? Json::parse(got.out)["ServerSideEncryptionConfiguration"]["Rules"]
                              : Json();
  };
  const Json original = encryption();
  Json kms = prove_action(
      named_policy(
          "encrypt", "custos-encrypted",
          "      - {type: set-bucket-encryption, crypto: 'aws:kms', key: alias/custos-s3}\n"),
      "encrypt", encryption, "s3 PutBucketEncryption");
  EXPECT_EQ(encryption()[0]["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"], key_arn);
  EXPECT_EQ(encryption()[0]["BucketKeyEnabled"], true);
  expect_undo_restores(kms, encryption, original);

  prove_action(named_policy("plain", "custos-encrypted", "      - set-bucket-encryption\n"),
               "plain", encryption, "s3 PutBucketEncryption");
  EXPECT_EQ(encryption()[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"], "AES256");
  Json removed =
      prove_action(named_policy("unencrypt", "custos-encrypted",
                                "      - {type: set-bucket-encryption, enabled: false}\n"),
                   "unencrypt", encryption, "s3 DeleteBucketEncryption");
  expect_undo_restores(
      removed, encryption,
      Json::array({{{"ApplyServerSideEncryptionByDefault", {{"SSEAlgorithm", "AES256"}}},
                    {"BucketKeyEnabled", true}}}));
}

// bucket-logging and toggle-logging with Cloud Custodian's variables: {account_id}, and
// {account} the account's IAM alias; logging turned on, moved back where the policy says, and
// off, each undone by the record's call played with the AWS CLI.
TEST_F(S3BucketTest, BucketLoggingFindsWhatDoesNotLogWhereAskedAndToggleLoggingFixesIt) {
  make_bucket("logs-123456789012");
  aws_cli(
      {"s3api", "put-bucket-acl", "--bucket", "logs-123456789012", "--acl", "log-delivery-write"});
  aws_cli({"iam", "create-account-alias", "--account-alias", "custos-test"});
  make_bucket("custos-quiet");
  make_bucket("custos-astray");
  aws_cli(
      {"s3api", "put-bucket-logging", "--bucket", "custos-astray", "--bucket-logging-status",
       R"({"LoggingEnabled": {"TargetBucket": "logs-123456789012", "TargetPrefix": "elsewhere/"}})"});
  auto logging = [&](const std::string& bucket) {
    return aws_cli({"s3api", "get-bucket-logging", "--bucket", bucket})
        .value("LoggingEnabled", Json());
  };
  const std::string target =
      "target_bucket: 'logs-{account_id}', target_prefix: '{account}/{source_bucket_name}/'";
  auto found = [&](const std::string& filter) {
    write("find.yml",
          "policies:\n  - name: find\n    resource: aws.s3\n    filters:\n"
          "      - {type: value, key: Name, op: in, value: [custos-quiet, custos-astray]}\n"
          "      - " +
              filter + "\n");
    auto run = custos({"run", "--no-journal", "-s", path("out"), path("find.yml")});
    EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
    std::vector<std::string> names;
    for (const Json& bucket : Json::parse(read_file(path("out/find/resources.json"))))
      names.push_back(bucket["Name"]);
    std::sort(names.begin(), names.end());
    return names;
  };
  using Names = std::vector<std::string>;
  EXPECT_EQ(found("{type: bucket-logging, op: disabled}"), Names{"custos-quiet"});
  EXPECT_EQ(found("{type: bucket-logging, op: enabled}"), Names{"custos-astray"});
  EXPECT_EQ(found("{type: bucket-logging, op: not-equal, " + target + "}"),
            (Names{"custos-astray", "custos-quiet"}));

  Json moved = prove_action(
      named_policy("log-here", "custos-astray", "      - {type: toggle-logging, " + target + "}\n"),
      "log-here", [&] { return logging("custos-astray"); }, "s3 PutBucketLogging");
  EXPECT_EQ(logging("custos-astray"), Json({{"TargetBucket", "logs-123456789012"},
                                            {"TargetPrefix", "custos-test/custos-astray/"}}));
  prove_action(
      named_policy("log-here", "custos-quiet", "      - {type: toggle-logging, " + target + "}\n"),
      "log-here", [&] { return logging("custos-quiet"); }, "s3 PutBucketLogging");
  EXPECT_EQ(found("{type: bucket-logging, op: equal, " + target + "}"),
            (Names{"custos-astray", "custos-quiet"}));
  expect_undo_restores(
      moved, [&] { return logging("custos-astray"); },
      Json({{"TargetBucket", "logs-123456789012"}, {"TargetPrefix", "elsewhere/"}}));

  Json off = prove_action(
      named_policy("log-off", "custos-quiet", "      - {type: toggle-logging, enabled: false}\n"),
      "log-off", [&] { return logging("custos-quiet"); }, "s3 PutBucketLogging");
  EXPECT_TRUE(logging("custos-quiet").is_null());
  expect_undo_restores(
      off, [&] { return logging("custos-quiet"); },
      Json({{"TargetBucket", "logs-123456789012"}, {"TargetPrefix", "custos-test/custos-quiet/"}}));
}

// Cloud Custodian's documented examples, unchanged, against buckets that do and do not fit.
TEST_F(S3BucketTest, CloudCustodiansOwnershipLockAndVersioningExamples) {
  make_bucket("custos-enforced");
  aws_cli({"s3api", "put-bucket-ownership-controls", "--bucket", "custos-enforced",
           "--ownership-controls", "Rules=[{ObjectOwnership=BucketOwnerEnforced}]"});
  aws_cli(
      {"s3api", "create-bucket", "--bucket", "custos-locked", "--object-lock-enabled-for-bucket"});
  aws_cli(
      {"s3api", "put-object-lock-configuration", "--bucket", "custos-locked",
       "--object-lock-configuration",
       R"({"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 1}}})"});
  auto matched = [&](const std::string& example) {
    write("p.yml", read_file(data_path("policies/c7n/s3/" + example + ".yml")));
    auto result = custos({"run", "-s", path("out"), path("p.yml")});
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    std::vector<std::string> names;
    for (const Json& bucket : Json::parse(read_file(path("out/" + example + "/resources.json"))))
      names.push_back(bucket["Name"]);
    std::sort(names.begin(), names.end());
    return names;
  };
  using Names = std::vector<std::string>;
  EXPECT_EQ(matched("s3-bucket-acls-disabled"), Names{"custos-enforced"});
  EXPECT_EQ(matched("s3-bucket-no-ownership-controls"), Names{"custos-locked"});
  EXPECT_EQ(matched("lock-configuration-compliance"), Names{"custos-locked"});
  EXPECT_EQ(matched("s3-enable-versioning"), Names{"custos-enforced"});
  EXPECT_EQ(aws_cli({"s3api", "get-bucket-versioning", "--bucket", "custos-enforced"})["Status"],
            "Enabled");
}

// Cloud Custodian's s3-bucket-encryption-KMS, unchanged: the buckets whose default KMS key is
// the alias's key, however the rule names it (key ARN, key id, alias name), and no other.
TEST_F(S3BucketTest, BucketEncryptionKeyMatchesTheAliasesKeyByAnyOfItsNames) {
  const Json key = aws_cli({"kms", "create-key", "--description", "custos s3"})["KeyMetadata"];
  aws_cli({"kms", "create-alias", "--alias-name", "alias/some/alias/key", "--target-key-id",
           key["KeyId"]});
  const std::string other =
      aws_cli({"kms", "create-key", "--description", "another"})["KeyMetadata"]["Arn"];
  auto encrypt = [&](const std::string& bucket, const std::string& rule) {
    make_bucket(bucket);
    aws_cli({"s3api", "put-bucket-encryption", "--bucket", bucket,
             "--server-side-encryption-configuration",
             R"({"Rules": [{"ApplyServerSideEncryptionByDefault": )" + rule + "}]}"});
  };
  auto kms = [](const std::string& master) {
    return R"({"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": ")" + master + R"("})";
  };
  encrypt("custos-by-arn", kms(key["Arn"]));
  encrypt("custos-by-id", kms(key["KeyId"]));
  encrypt("custos-by-alias", kms("alias/some/alias/key"));
  encrypt("custos-other-key", kms(other));
  encrypt("custos-aws-managed", R"({"SSEAlgorithm": "aws:kms"})");
  encrypt("custos-aes", R"({"SSEAlgorithm": "AES256"})");
  make_bucket("custos-plain");
  Json matched = matched_by(read_file(data_path("policies/c7n/s3/s3-bucket-encryption-kms.yml")),
                            "s3-bucket-encryption-KMS");
  std::vector<std::string> names;
  for (const Json& bucket : matched) names.push_back(bucket["Name"]);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"custos-by-alias", "custos-by-arn", "custos-by-id"}));

  // A key KMS does not know matches no bucket.
  Json none = matched_by(R"(policies:
  - name: unknown-key
    resource: s3
    filters:
      - {type: bucket-encryption, crypto: "aws:kms", key: alias/no-such-key}
)",
                         "unknown-key");
  EXPECT_TRUE(none.empty()) << none.dump();
}

TEST_F(S3BucketTest, TagRemoveTagAndMarkForOpOnABucket) {
  make_bucket("custos-tags");
  aws_cli({"s3api", "put-bucket-tagging", "--bucket", "custos-tags", "--tagging",
           "TagSet=[{Key=owner,Value=web}]"});
  auto tags = [&] { return tags_of("custos-tags"); };
  prove_action(
      named_policy("tag", "custos-tags", "      - {type: tag, key: incident, value: open}\n"),
      "tag", tags, "s3 PutBucketTagging");
  EXPECT_EQ(tags_of("custos-tags").size(), 2u);
  prove_action(named_policy("untag", "custos-tags", "      - {type: remove-tag, tags: [owner]}\n"),
               "untag", tags, "s3 PutBucketTagging");
  EXPECT_EQ(tags_of("custos-tags"), Json::parse(R"([{"Key": "incident", "Value": "open"}])"));
  prove_action(named_policy("mark", "custos-tags",
                            "      - {type: mark-for-op, op: delete-objects, days: 1}\n"),
               "mark", tags, "s3 PutBucketTagging");
  EXPECT_EQ(tags_of("custos-tags").size(), 2u);
}

}  // namespace
}  // namespace custos::test
