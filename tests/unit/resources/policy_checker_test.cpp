// cross-account's policy checker over real policy documents: Cloud Custodian's own cases
// (tests/test_iam.py CrossAccountChecker over its tests/data/iam/*.json, copied into
// tests/data/c7n-iam/) with the verdicts it asserts, and the service policies AWS writes.
#include "resources/policy_checker.h"

#include <gtest/gtest.h>

#include "jmespath/jmespath.h"
#include "resources/builtin.h"
#include "support/paths.h"

namespace custos::resources {
namespace {

Json policies(const std::string& name) {
  return Json::parse(test::read_file(test::data_path("c7n-iam/" + name + ".json")));
}

// Whether each policy of the file has a violation, in order.
std::vector<bool> verdicts(const std::string& file, CheckerConfig config) {
  PolicyChecker checker(std::move(config));
  std::vector<bool> found;
  for (const Json& policy : policies(file)) found.push_back(!checker.violations(policy).empty());
  return found;
}

TEST(PolicyChecker, NotPrincipalAllowIsAViolation) {
  Json policy = Json::parse(R"({"Statement": [
      {"Action": "SQS:ReceiveMessage", "Effect": "Deny", "Principal": "*"},
      {"Action": "SQS:SendMessage", "Effect": "Allow", "NotPrincipal": "90120"}]})");
  Json found = PolicyChecker({.allowed_accounts = {"221800032964"}}).violations(policy);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["Action"], "SQS:SendMessage");
}

TEST(PolicyChecker, SqsPolicies) {
  EXPECT_EQ(verdicts("sqs-policies", {.allowed_accounts = {"221800032964"}}),
            (std::vector<bool>{false, true, true, false, false, false, false, false}));
}

TEST(PolicyChecker, IamTrustPoliciesWithFederatedPrincipals) {
  EXPECT_EQ(verdicts("iam-policies",
                     {.allowed_accounts = {"111111111111", "cognito-identity.amazonaws.com"}}),
            (std::vector<bool>{false, true, true, false, false, true}));
}

TEST(PolicyChecker, PrincipalOrgId) {
  Json outside = Json::parse(R"({"Principal": ["*"], "Effect": "Allow",
      "Condition": {"StringEquals": {"aws:PrincipalOrgID": ["o-4pmkskbcf9"]}}})");
  Json account = Json::parse(R"({"Principal": ["619193117841"], "Effect": "Allow"})");
  PolicyChecker with_org({.allowed_orgids = {"o-4pmkskbcf9"}});
  EXPECT_FALSE(with_org.violates(outside));
  EXPECT_TRUE(with_org.violates(account));
  // Without allowed organizations an organization condition allows nothing.
  PolicyChecker none({});
  EXPECT_TRUE(none.violates(outside));
  EXPECT_TRUE(none.violates(account));
}

TEST(PolicyChecker, S3PoliciesWithVpcAndEndpointConditions) {
  EXPECT_EQ(verdicts("s3-policies", {.allowed_accounts = {"123456789012"},
                                     .allowed_vpce = {"vpce-12345678", "vpce-87654321"},
                                     .allowed_vpc = {"vpc-12345678"}}),
            (std::vector<bool>{true, false, false, true, false, true, false, true, false, true,
                               false, true, false, true}));
}

TEST(PolicyChecker, S3PoliciesWithoutAllowedVpcsAcceptEveryVpcCondition) {
  EXPECT_EQ(verdicts("s3-policies", {.allowed_accounts = {"123456789012"}}),
            (std::vector<bool>{true, false, false, true, false, true, false, false, false, false,
                               false, true, false, true}));
}

TEST(PolicyChecker, EveryConditionMustAllow) {
  EXPECT_EQ(verdicts("s3-conditions",
                     {.allowed_accounts = {"123456789012"}, .allowed_vpc = {"vpc-12345678"}}),
            (std::vector<bool>{false, true}));
}

TEST(PolicyChecker, EveryoneOnlyCountsOnlyStar) {
  EXPECT_EQ(verdicts("s3-principal", {.everyone_only = true}),
            (std::vector<bool>{true, true, false, false, false, false}));
}

TEST(PolicyChecker, S3PrincipalOrgId) {
  EXPECT_EQ(verdicts("s3-orgid", {.allowed_orgids = {"o-goodorg"}}),
            (std::vector<bool>{false, true}));
}

// Principals as "*", {"AWS": ...} strings and lists, account ids and ARNs; services aside.
TEST(PolicyChecker, PrincipalForms) {
  PolicyChecker checker({.allowed_accounts = {"111111111111"}});
  auto allow = [](const Json& principal) {
    return Json{{"Effect", "Allow"}, {"Action", "sqs:SendMessage"}, {"Principal", principal}};
  };
  EXPECT_TRUE(checker.violates(allow("*")));
  EXPECT_TRUE(checker.violates(allow({{"AWS", "*"}})));
  EXPECT_FALSE(checker.violates(allow({{"AWS", "111111111111"}})));
  EXPECT_FALSE(checker.violates(allow({{"AWS", "arn:aws:iam::111111111111:root"}})));
  EXPECT_TRUE(checker.violates(allow({{"AWS", "arn:aws:iam::222222222222:role/x"}})));
  EXPECT_TRUE(checker.violates(
      allow({{"AWS", {"arn:aws:iam::111111111111:root", "arn:aws:iam::222222222222:root"}}})));
  EXPECT_FALSE(checker.violates(allow({{"Service", "sns.amazonaws.com"}})));
  EXPECT_FALSE(checker.violates(
      allow({{"AWS", "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E1"}})));
  // A statement without a principal (a key policy's would be malformed) counts.
  EXPECT_TRUE(checker.violates({{"Effect", "Allow"}, {"Action", "*"}}));
  // Deny grants nothing.
  EXPECT_FALSE(checker.violates({{"Effect", "Deny"}, {"Principal", "*"}, {"Action", "*"}}));
}

// actions: the statement's actions are patterns over the actions checked, as c7n's fnmatch.
TEST(PolicyChecker, ActionsNarrowTheStatementsCounted) {
  PolicyChecker checker({.check_actions = {"s3:GetObject"}});
  auto allow = [](const Json& action) {
    return Json{{"Effect", "Allow"}, {"Principal", "*"}, {"Action", action}};
  };
  EXPECT_TRUE(checker.violates(allow("s3:GetObject")));
  EXPECT_TRUE(checker.violates(allow("s3:*")));
  EXPECT_TRUE(checker.violates(allow({"s3:PutObject", "s3:Get*"})));
  EXPECT_FALSE(checker.violates(allow("s3:PutObject")));
}

TEST(PolicyChecker, WhitelistedAndUnknownConditions) {
  Json statement = Json::parse(R"({"Effect": "Allow", "Principal": "*", "Action": "sqs:*",
      "Condition": {"StringLike": {"aws:userid": "AROA*"}}})");
  EXPECT_TRUE(PolicyChecker({}).violates(statement));  // no handler: not understood
  EXPECT_FALSE(PolicyChecker({.whitelist_conditions = {"aws:UserId"}}).violates(statement));
  // aws:SourceIp conditions are taken as narrowing enough, as Cloud Custodian takes them.
  EXPECT_FALSE(PolicyChecker({}).violates(Json::parse(R"({"Effect": "Allow", "Principal": "*",
      "Action": "s3:GetObject", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}})")));
  // Bool and other operators Cloud Custodian does not read leave the statement a violation.
  EXPECT_TRUE(PolicyChecker({}).violates(Json::parse(R"({"Effect": "Allow", "Principal": "*",
      "Action": "s3:GetObject", "Condition": {"Bool": {"aws:SecureTransport": "true"}}})")));
}

TEST(PolicyChecker, SourceAccountAndArnConditions) {
  PolicyChecker checker({.allowed_accounts = {"111111111111"}});
  auto with = [](const std::string& key, const Json& value) {
    return Json{{"Effect", "Allow"},
                {"Principal", {{"Service", "s3.amazonaws.com"}, {"AWS", "*"}}},
                {"Action", "sqs:SendMessage"},
                {"Condition", {{"ArnLike", {{key, value}}}}}};
  };
  EXPECT_FALSE(checker.violates(with("aws:SourceArn", "arn:aws:s3:us-east-1:111111111111:b")));
  EXPECT_TRUE(checker.violates(with("aws:SourceArn", "arn:aws:s3:us-east-1:222222222222:b")));
  EXPECT_FALSE(checker.violates(with("aws:SourceAccount", {"111111111111"})));
  EXPECT_TRUE(checker.violates(with("aws:SourceAccount", {"111111111111", "222222222222"})));
}

// The key policy KMS writes for a key used through a service: kms:CallerAccount and
// kms:ViaService are read only where the type says (aws.kms-key).
TEST(PolicyChecker, KmsServiceConditions) {
  Json statement = Json::parse(R"({"Effect": "Allow", "Principal": {"AWS": "*"},
      "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*",
      "Condition": {"StringEquals": {"kms:CallerAccount": "111111111111"}}})");
  CheckerConfig kms{.allowed_accounts = {"111111111111"},
                    .service_conditions = {"kms:calleraccount", "kms:viaservice"}};
  EXPECT_FALSE(PolicyChecker(kms).violates(statement));
  EXPECT_TRUE(PolicyChecker({.allowed_accounts = {"111111111111"}}).violates(statement));
  kms.allowed_accounts = {"333333333333"};
  EXPECT_TRUE(PolicyChecker(kms).violates(statement));
}

// SNS's default topic policy grants everyone, narrowed by AWS:SourceOwner; sns:Endpoint and
// sns:Protocol are judged against the allowed endpoints and protocols.
TEST(PolicyChecker, SnsServiceConditions) {
  Json default_policy = Json::parse(R"({"Effect": "Allow", "Principal": {"AWS": "*"},
      "Action": ["SNS:Publish", "SNS:Subscribe"], "Resource": "arn:aws:sns:us-east-1:111111111111:t",
      "Condition": {"StringEquals": {"AWS:SourceOwner": "111111111111"}}})");
  CheckerConfig sns{.allowed_accounts = {"111111111111"},
                    .service_conditions = {"sns:endpoint", "sns:protocol"}};
  EXPECT_FALSE(PolicyChecker(sns).violates(default_policy));
  Json endpoint = Json::parse(R"({"Effect": "Allow", "Principal": "*", "Action": "SNS:Subscribe",
      "Condition": {"StringLike": {"SNS:Endpoint": "https://hooks.example.com/*"}}})");
  EXPECT_TRUE(PolicyChecker(sns).violates(endpoint));
  sns.allowed_endpoints = {"hooks.example.com"};
  EXPECT_FALSE(PolicyChecker(sns).violates(endpoint));
  Json protocol = Json::parse(R"({"Effect": "Allow", "Principal": "*", "Action": "SNS:Subscribe",
      "Condition": {"StringEquals": {"SNS:Protocol": ["https", "email"]}}})");
  sns.allowed_protocols = {"https"};
  EXPECT_TRUE(PolicyChecker(sns).violates(protocol));
  sns.allowed_protocols = {"https", "email"};
  EXPECT_FALSE(PolicyChecker(sns).violates(protocol));
}

TEST(PolicyChecker, AccountOfAnArn) {
  EXPECT_EQ(account_in("arn:aws:iam::123456789012:root"), "123456789012");
  EXPECT_EQ(account_in("arn:aws:sns:us-east-1:123456789012:topic:x"), "123456789012");
  EXPECT_EQ(account_in("123456789012"), "123456789012");
  EXPECT_EQ(account_in("vpce-1234"), "vpce-1234");
}

// The sharing types' selections turn AWS's answers (as botocore gives them) into accounts.
TEST(CrossAccountData, SharedWithSelections) {
  const auto& registry = builtin_registry();
  auto select = [&](const std::string& type, const std::string& answer) {
    const auto& access = *registry.find_resource(type)->access;
    return jmespath::Expression::compile(access.call.select).search(Json::parse(answer));
  };
  EXPECT_EQ(select("aws.ami", R"({"ImageId": "ami-1", "LaunchPermissions": [{"Group": "all"},
      {"UserId": "222222222222"}, {"OrganizationArn": "arn:aws:organizations::1:organization/o-1"}]})"),
            Json::parse(R"(["all", "222222222222", "arn:aws:organizations::1:organization/o-1"])"));
  EXPECT_EQ(select("aws.ebs-snapshot", R"({"CreateVolumePermissions": []})"), Json::array());
  EXPECT_EQ(select("aws.rds-snapshot", R"({"DBSnapshotAttributesResult": {
      "DBSnapshotIdentifier": "s", "DBSnapshotAttributes": [
      {"AttributeName": "restore", "AttributeValues": ["all", "222222222222"]}]}})"),
            Json::parse(R"(["all", "222222222222"])"));
  EXPECT_EQ(select("aws.ssm-document", R"({"AccountIds": ["222222222222"],
      "AccountSharingInfoList": [{"AccountId": "222222222222", "SharedDocumentVersion": "$DEFAULT"}]})"),
            Json::parse(R"(["222222222222"])"));
  for (const char* type : {"aws.s3", "aws.sqs", "aws.sns", "aws.kms-key", "aws.lambda", "aws.ecr",
                           "aws.glacier", "aws.elasticsearch", "aws.ami", "aws.ebs-snapshot",
                           "aws.rds-snapshot", "aws.rds-cluster-snapshot", "aws.redshift-snapshot",
                           "aws.catalog-portfolio", "aws.ssm-document"})
    EXPECT_NE(registry.find_filter(type, "cross-account"), nullptr) << type;
}

}  // namespace
}  // namespace custos::resources
