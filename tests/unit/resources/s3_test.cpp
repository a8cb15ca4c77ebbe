// aws.s3 as data and its filters, judged on Cloud Custodian's recorded bucket policies (its
// placebo responses) with the verdicts Cloud Custodian's own tests expect.
#include <gtest/gtest.h>

#include "jmespath/jmespath.h"
#include "policy/describe.h"
#include "policy/event.h"
#include "policy/policy.h"
#include "resources/builtin.h"
#include "resources/statements.h"
#include "support/paths.h"

namespace custos {
namespace {

const policy::ResourceType& s3() {
  const auto* type = resources::builtin_registry().find_resource("s3");
  EXPECT_NE(type, nullptr);
  return *type;
}

const policy::DetailCall& detail(const std::string& key) {
  for (const auto& call : s3().details)
    if (call.key == key) return call;
  throw Error("no detail " + key);
}

// A recorded GetBucketPolicy answer's policy text.
std::string recorded_policy(const std::string& file) {
  Json response =
      Json::parse(test::read_file(test::data_path("responses/cloud-custodian-placebo/" + file)));
  return response["data"]["Policy"].get<std::string>();
}

Json bucket(const std::string& name, const Json& policy) {
  return {{"Name", name}, {"Policy", policy}, {"Location", {{"LocationConstraint", nullptr}}}};
}

policy::Policy compile(const std::string& filters) {
  auto source = policy::SourceDocument::parse(
      "policies:\n  - name: p\n    resource: s3\n    filters:\n" + filters, "p.yml");
  return std::move(policy::compile_policies(source, resources::builtin_registry()).at(0));
}

std::vector<Json> kept(const std::string& filters, std::vector<Json> buckets) {
  return compile(filters).filter_resources(std::move(buckets), policy::FilterContext{});
}

using Names = std::vector<std::string>;

Names names_kept(const std::string& filters, const std::vector<Json>& buckets) {
  Names names;
  for (const Json& b : kept(filters, buckets)) names.push_back(b["Name"]);
  return names;
}

TEST(S3Type, IsCloudCustodiansShape) {
  const auto& type = s3();
  EXPECT_EQ(type.name, "aws.s3");
  EXPECT_EQ(type.enumerate_operation, "ListBuckets");
  EXPECT_EQ(type.lookup, policy::ResourceType::Lookup::kEnumerate);
  ASSERT_GE(type.details.size(), 12u);
  // Location first: every later call goes to the bucket's region.
  EXPECT_EQ(type.details[0].operation, "GetBucketLocation");
  EXPECT_TRUE(type.details[0].sets_region);
  std::vector<std::string> keys;
  for (const auto& call : type.details) keys.push_back(call.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"Location", "Tags", "Policy", "Acl", "Replication",
                                            "Versioning", "Website", "Logging", "Notification",
                                            "Lifecycle", "PublicAccessBlock", "Encryption"}));
  EXPECT_EQ(detail("Tags").absent, Json::array());
  EXPECT_EQ(detail("PublicAccessBlock").absent_codes,
            std::vector<std::string>{"NoSuchPublicAccessBlockConfiguration"});
  EXPECT_EQ(detail("Encryption").absent_codes,
            std::vector<std::string>{"ServerSideEncryptionConfigurationNotFoundError"});
  auto permissions = policy::describe_permissions(type);
  EXPECT_EQ(permissions.front(), "s3:ListAllMyBuckets");
  EXPECT_NE(std::find(permissions.begin(), permissions.end(), "s3:GetBucketPublicAccessBlock"),
            permissions.end());
  EXPECT_EQ(policy::arn_of(type, {{"Name", "b"}}, {"aws-cn", "cn-north-1", "1"}),
            "arn:aws-cn:s3:::b");
}

TEST(S3Type, LocationAsCloudCustodianWritesItAndTheRegionItMeans) {
  auto select = jmespath::Expression::compile(detail("Location").select);
  EXPECT_EQ(select.search({{"LocationConstraint", "EU"}}),
            Json({{"LocationConstraint", "eu-west-1"}}));
  EXPECT_EQ(select.search({{"LocationConstraint", nullptr}}),
            Json({{"LocationConstraint", nullptr}}));
  EXPECT_EQ(select.search({{"LocationConstraint", "ap-south-1"}}),
            Json({{"LocationConstraint", "ap-south-1"}}));
  EXPECT_EQ(
      policy::region_of(s3(), {{"Location", {{"LocationConstraint", nullptr}}}}, "eu-north-1"),
      "us-east-1");
  EXPECT_EQ(policy::region_of(s3(), {{"Location", {{"LocationConstraint", "ap-south-1"}}}}, "x"),
            "ap-south-1");
}

TEST(S3Type, LoggingKeepsTheEmptyAnswerWhenOff) {
  auto select = jmespath::Expression::compile(detail("Logging").select);
  EXPECT_EQ(select.search(Json::object()), Json::object());
  Json on = {{"LoggingEnabled", {{"TargetBucket", "logs"}, {"TargetPrefix", "b/"}}}};
  EXPECT_EQ(select.search(on), on["LoggingEnabled"]);
}

TEST(S3Type, GuardDutyS3FindingNamesEveryBucket) {
  Json finding = Json::parse(test::read_file(test::data_path(
      "events/aws-samples-gd-automated-response_finding-detail_s3_PenTest-S3-ParrotLinux.json")));
  finding["resource"]["s3BucketDetails"].push_back({{"name", "second"}});
  finding["service"]["additionalInfo"]["sample"] = false;  // as a real finding
  Json event = {
      {"source", "aws.guardduty"}, {"detail-type", "GuardDuty Finding"}, {"detail", finding}};
  auto source = policy::SourceDocument::parse(
      "policies:\n  - name: p\n    resource: aws.s3\n    mode: {type: guard-duty}\n", "p.yml");
  auto policies = policy::compile_policies(source, resources::builtin_registry());
  auto target = policy::event_target(policies.at(0), event);
  ASSERT_TRUE(target.applies) << target.reason;
  EXPECT_EQ(target.resource_ids, (std::vector<std::string>{"bucketName", "second"}));
}

// Cloud Custodian's tests/test_s3.py has-statement cases, on the policies they recorded.
TEST(HasStatement, CloudCustodiansS3Cases) {
  Json zebra = bucket("custodian-policy-test",
                      recorded_policy("test_s3_has_statement__s3.GetBucketPolicy_3.json"));
  Json star = bucket("custodian-policy-test1",
                     recorded_policy("test_s3_has_statement__s3.GetBucketPolicy_5.json"));
  Json trail = bucket("hazmat-audit-logs",
                      recorded_policy("test_s3_has_statement__s3.GetBucketPolicy_4.json"));
  Json none = bucket("cf-templates", nullptr);
  std::vector<Json> all = {zebra, star, trail, none};
  auto names = [&](const std::string& filter) { return names_kept(filter, all); };
  EXPECT_EQ(names("      - {type: has-statement, statement_ids: [Zebra]}\n"),
            (Names{"custodian-policy-test", "custodian-policy-test1"}));
  EXPECT_EQ(names("      - type: has-statement\n        statements:\n"
                  "          - {Effect: Deny, Action: 's3:PutObject', Principal: '*',"
                  " Resource: 'arn:aws:s3:::{bucket_name}/*'}\n"),
            Names{"custodian-policy-test"});
  EXPECT_EQ(names("      - type: has-statement\n        statements:\n"
                  "          - {Effect: Deny, Action: '*', Principal: '*',"
                  " Resource: 'arn:aws:s3:::{bucket_name}/*'}\n"),
            Names{"custodian-policy-test1"});
  EXPECT_EQ(names("      - type: has-statement\n        statements:\n"
                  "          - {Effect: Deny, Action: ['s3:PutObject'], PartialMatch: [Action]}\n"),
            Names{"custodian-policy-test"});
  EXPECT_EQ(names("      - type: has-statement\n        statements:\n"
                  "          - {Effect: Deny, Action: 's3:PutObject'}\n"),
            Names{"custodian-policy-test"});
  EXPECT_EQ(names("      - {type: has-statement, statement_ids: [Zebra, Missing]}\n"), Names{});
}

TEST(HasStatement, RecordsTheMatchedStatementsForRemoveStatements) {
  Json zebra = bucket("custodian-policy-test",
                      recorded_policy("test_s3_has_statement__s3.GetBucketPolicy_3.json"));
  auto result = kept(
      "      - type: has-statement\n        statements:\n"
      "          - {Effect: Deny, Principal: 'arn:aws:iam::644160558196:root', Action: "
      "'S3:PutObject'}\n",
      {zebra});
  ASSERT_EQ(result.size(), 1u);
  Json matched = result[0][resources::kMatchedStatements];
  ASSERT_EQ(matched.size(), 1u);
  EXPECT_EQ(matched[0]["Principal"], "arn:aws:iam::644160558196:root");
  EXPECT_EQ(resources::matched_statements(result[0]), matched);
}

TEST(HasStatement, FillsInTheBucketsNameAndRegion) {
  Json policy = {
      {"Statement", {{{"Effect", "Deny"}, {"Resource", "arn:aws:s3:::logs-eu-west-1"}}}}};
  Json abroad = {{"Name", "logs"},
                 {"Location", {{"LocationConstraint", "eu-west-1"}}},
                 {"Policy", policy.dump()}};
  Json home = abroad;
  home["Location"]["LocationConstraint"] = nullptr;
  EXPECT_EQ(names_kept("      - type: has-statement\n        statements:\n"
                       "          - {Effect: Deny, Resource: "
                       "'arn:aws:s3:::{bucket_name}-{bucket_region}'}\n",
                       {abroad, home}),
            Names{"logs"});
}

// Cloud Custodian's tests/test_policy.py PolicyStatementTest: condition keys ignore case.
TEST(HasStatement, ConditionKeysIgnoreCase) {
  Json resource_statements = {{{"Effect", "Allow"},
                               {"Condition",
                                {{"Bool",
                                  {{"aws:SECURETRANSPORT", "true"},
                                   {"elasticfilesystem:ACCESSEDVIAMOUNTTARGET", "true"}}}}}}};
  resources::StatementRequirement exact(
      {}, Json::array({{{"Effect", "Allow"},
                        {"Condition",
                         {{"Bool",
                           {{"aws:SecureTransport", "true"},
                            {"elasticfilesystem:AccessedViaMountTarget", "true"}}}}}}}));
  EXPECT_TRUE(exact.satisfied_by(resource_statements, policy::Variables()));
  resources::StatementRequirement partial(
      {},
      Json::array({{{"Effect", "Allow"},
                    {"Condition", {{"StringNotLike", {{"aws:sourcearn", "arn:aws:s3:::example"}}}}},
                    {"PartialMatch", "Condition"}}}));
  Json other = {{{"Effect", "Allow"},
                 {"Condition", {{"StringNotLike", {{"AWS:SourceArn", "arn:aws:s3:::example"}}}}}}};
  EXPECT_TRUE(partial.satisfied_by(other, policy::Variables()));
}

// Cloud Custodian's tests/test_efs.py partial-match cases, on the file system policy it recorded.
TEST(HasStatement, CloudCustodiansPartialMatchCases) {
  Json response = Json::parse(test::read_file(test::data_path(
      "responses/cloud-custodian-placebo/"
      "test_efs_has_statement_partial__elasticfilesystem.DescribeFileSystemPolicy_1.json")));
  Json statements = Json::parse(response["data"]["Policy"].get<std::string>())["Statement"];
  policy::Variables vars;
  vars.set("account_id", "644160558196");
  vars.set("fs_arn",
           "arn:aws:elasticfilesystem:us-west-1:644160558196:file-system/fs-0371f35245f586545");
  auto holds = [&](const Json& required) {
    return resources::StatementRequirement({}, Json::array({required}))
        .satisfied_by(statements, vars)
        .has_value();
  };
  EXPECT_TRUE(
      holds({{"Effect", "Allow"},
             {"Action",
              {"elasticFilesystem:clientRootAccess", "elasticfilesystem:clientMount",
               "elasticfilesystem:*"}},
             {"Principal",
              {{"AWS",
                {"arn:aws:iam::{account_id}:root", "arn:aws:iam::{account_id}:user/test-policy"}}}},
             {"Resource", "{fs_arn}"},
             {"PartialMatch", {"Action", "Principal", "Resource"}}}));
  EXPECT_TRUE(holds({{"Effect", "Allow"},
                     {"Action", {"elasticfilesystem:clientRootAccess"}},
                     {"PartialMatch", {"Action"}}}));
  EXPECT_TRUE(holds(
      {{"Effect", "Allow"}, {"Action", {"elasticFilesystem:*"}}, {"PartialMatch", {"Action"}}}));
  EXPECT_FALSE(holds({{"Effect", "Allow"},
                      {"Action", {"elasticfilesystem:DeleteTags"}},
                      {"PartialMatch", {"Action"}}}));
  EXPECT_TRUE(holds({{"Effect", "Allow"},
                     {"Principal", {{"AWS", "arn:aws:iam::{account_id}:user/test-policy"}}},
                     {"PartialMatch", {"Principal"}}}));
  EXPECT_TRUE(holds({{"Effect", "Allow"},
                     {"Principal", {{"AWS", {"arn:aws:iam::{account_id}:user/test-policy"}}}},
                     {"PartialMatch", {"Principal"}}}));
  EXPECT_TRUE(
      holds({{"Effect", "Allow"},
             {"Principal",
              {{"AWS",
                {"arn:aws:iam::{account_id}:user/test-policy", "arn:aws:iam::{account_id}:root"}}}},
             {"PartialMatch", {"Principal"}}}));
  // Without PartialMatch the actions must be the same set.
  EXPECT_FALSE(holds({{"Effect", "Allow"}, {"Action", {"elasticfilesystem:clientRootAccess"}}}));
}

TEST(MissingStatement, NoPolicyOrAMissingSid) {
  Json zebra = bucket("z", recorded_policy("test_s3_has_statement__s3.GetBucketPolicy_3.json"));
  Json none = bucket("n", nullptr);
  for (const char* name : {"missing-statement", "missing-policy-statement"}) {
    std::string type = name;
    EXPECT_EQ(kept("      - {type: " + type + ", statement_ids: [Zebra]}\n", {zebra, none}).size(),
              1u);
    EXPECT_EQ(kept("      - {type: " + type + ", statement_ids: [Other]}\n", {zebra, none}).size(),
              2u);
  }
}

TEST(NoEncryptionStatement, BucketsWhosePolicyDoesNotDenyUnencryptedUploads) {
  Json deny = {
      {"Sid", "RequireEncryption"},
      {"Effect", "Deny"},
      {"Principal", "*"},
      {"Action", "s3:PutObject"},
      {"Resource", "arn:aws:s3:::enc/*"},
      {"Condition",
       {{"StringNotEquals", {{"s3:x-amz-server-side-encryption", {"AES256", "aws:kms"}}}}}}};
  Json allow = deny;
  allow["Effect"] = "Allow";  // Cloud Custodian's test policy: the wrong effect
  Json document = {{"Version", "2012-10-17"}, {"Statement", {deny}}};
  Json other = {{"Version", "2012-10-17"}, {"Statement", {allow}}};
  EXPECT_EQ(names_kept("      - no-encryption-statement\n",
                       {bucket("enc", document.dump()), bucket("allow", other.dump()),
                        bucket("none", nullptr)}),
            (Names{"allow", "none"}));
}

TEST(Ownership, TheObjectOwnershipSettingOrNone) {
  auto owned = [](const std::string& name, const Json& controls) {
    return Json{{"Name", name}, {"c7n:ownership", controls}};
  };
  std::vector<Json> buckets = {
      owned("enforced", {{"Rules", {{{"ObjectOwnership", "BucketOwnerEnforced"}}}}}),
      owned("writer", {{"Rules", {{{"ObjectOwnership", "ObjectWriter"}}}}}),
      owned("none", nullptr)};
  EXPECT_EQ(names_kept("      - {type: ownership, value: BucketOwnerEnforced}\n", buckets),
            Names{"enforced"});
  EXPECT_EQ(names_kept("      - {type: ownership, op: in, value: [BucketOwnerEnforced, "
                       "ObjectWriter]}\n",
                       buckets),
            (Names{"enforced", "writer"}));
  EXPECT_EQ(names_kept("      - {type: ownership, value: empty}\n", buckets), Names{"none"});
  EXPECT_THROW(compile("      - {type: ownership, value: Owner}\n"), policy::PolicyError);
  EXPECT_THROW(compile("      - {type: ownership, key: Rules, value: empty}\n"),
               policy::PolicyError);
}

TEST(LockConfiguration, AValueFilterOnTheObjectLockConfiguration) {
  Json lock = Json::parse(
      R"({"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE"}}})");
  std::vector<Json> buckets = {{{"Name", "locked"}, {"c7n:ObjectLockConfiguration", lock}},
                               {{"Name", "open"}, {"c7n:ObjectLockConfiguration", nullptr}}};
  EXPECT_EQ(names_kept("      - {type: lock-configuration, key: Rule.DefaultRetention.Mode, "
                       "value: COMPLIANCE}\n",
                       buckets),
            Names{"locked"});
  EXPECT_EQ(
      names_kept("      - {type: lock-configuration, key: ObjectLockEnabled, value: absent}\n",
                 buckets),
      Names{"open"});
}

Json with_block(const std::string& name, const Json& block) {
  return {{"Name", name}, {"PublicAccessBlock", block}};
}

TEST(CheckPublicBlock, AnySettingOffOrTheGivenSettings) {
  Json all_on = {{"BlockPublicAcls", true},
                 {"IgnorePublicAcls", true},
                 {"BlockPublicPolicy", true},
                 {"RestrictPublicBuckets", true}};
  Json acls_only = {{"BlockPublicAcls", true},
                    {"IgnorePublicAcls", true},
                    {"BlockPublicPolicy", false},
                    {"RestrictPublicBuckets", false}};
  std::vector<Json> buckets = {with_block("on", all_on), with_block("acls", acls_only),
                               with_block("none", nullptr)};
  auto names = [&](const std::string& filter) { return names_kept(filter, buckets); };
  EXPECT_EQ(names("      - check-public-block\n"), (Names{"acls", "none"}));
  EXPECT_EQ(
      names("      - {type: check-public-block, BlockPublicAcls: true, BlockPublicPolicy: true}\n"),
      Names{"on"});
  EXPECT_EQ(names("      - {type: check-public-block, BlockPublicPolicy: false}\n"),
            (Names{"acls", "none"}));
  auto annotated = kept("      - check-public-block\n", buckets);
  EXPECT_EQ(annotated[0]["c7n:PublicAccessBlock"], acls_only);
  EXPECT_EQ(annotated[1]["c7n:PublicAccessBlock"]["BlockPublicAcls"], false);
}

TEST(CheckPublicBlock, NeedsAwsWhenTheDocumentHasNoBlock) {
  EXPECT_THROW(kept("      - check-public-block\n", {{{"Name", "b"}}}), Error);
}

Json with_acl(const std::string& name, const Json& grants, const Json& website = nullptr) {
  return {{"Name", name},
          {"Acl", {{"Owner", {{"ID", "o"}}}, {"Grants", grants}}},
          {"Website", website}};
}

Json grant(const std::string& uri, const std::string& permission) {
  return {{"Grantee", {{"Type", "Group"}, {"URI", uri}}}, {"Permission", permission}};
}

TEST(GlobalGrants, EveryoneAndEveryAccountWithWebsitesAside) {
  const std::string all = "http://acs.amazonaws.com/groups/global/AllUsers";
  const std::string auth = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
  const std::string logs = "http://acs.amazonaws.com/groups/s3/LogDelivery";
  std::vector<Json> buckets = {with_acl("public-read", Json::array({grant(all, "READ")})),
                               with_acl("site", Json::array({grant(all, "READ")}),
                                        {{"IndexDocument", {{"Suffix", "index.html"}}}}),
                               with_acl("auth-write", Json::array({grant(auth, "WRITE")})),
                               with_acl("logs", Json::array({grant(logs, "WRITE")})),
                               {{"Name", "no-acl"}, {"Acl", nullptr}}};
  auto names = [&](const std::string& filter) { return names_kept(filter, buckets); };
  EXPECT_EQ(names("      - global-grants\n"), (Names{"public-read", "auth-write"}));
  EXPECT_EQ(names("      - {type: global-grants, allow_website: false}\n"),
            (Names{"public-read", "site", "auth-write"}));
  EXPECT_EQ(names("      - {type: global-grants, permissions: [WRITE]}\n"), Names{"auth-write"});
  auto annotated = kept("      - global-grants\n", buckets);
  EXPECT_EQ(annotated[0]["GlobalPermissions"], Json::array({"READ"}));
}

}  // namespace
}  // namespace custos
