// cross-account over real HTTP against moto, for each type whose ResourceType says where its
// access is: the AWS CLI makes one resource shared with another account and one private, and
// the filter must select exactly the shared one (and none once that account is whitelisted).
#include <gtest/gtest.h>

#include <functional>

#include "integration/fixture.h"
#include "integration/param_names.h"
#include "resources/builtin.h"
#include "support/fault_proxy.h"
#include "support/paths.h"

namespace custos::test {
namespace {

const char* const kOther = "222222222222";  // the account resources are shared with
const char* const kSelf = "123456789012";   // moto's account

// A policy document granting `principal` the service's `action` on everything.
std::string grant(const std::string& principal, const std::string& action) {
  return Json{{"Version", "2012-10-17"},
              {"Statement",
               {{{"Sid", "grant"},
                 {"Effect", "Allow"},
                 {"Principal", {{"AWS", principal}}},
                 {"Action", action},
                 {"Resource", "*"}}}}}
      .dump();
}
std::string root(const std::string& account) { return "arn:aws:iam::" + account + ":root"; }

// The AWS CLI against the emulator (IntegrationTest::aws_cli).
using Cli = std::function<Json(const std::vector<std::string>&)>;

struct SharedRow {
  std::string type;
  // Makes a resource named `name`, shared with kOther when `shared`; returns its id as custos
  // lists it.
  std::function<std::string(const Cli& aws, const std::string& name, bool shared)> make;
  std::string annotation = "CrossAccountViolations";
};

std::vector<SharedRow> shared_rows() {
  return {
      {"sqs",
       [](const Cli& aws, const std::string& name, bool shared) {
         std::string url = aws({"sqs", "create-queue", "--queue-name", name})["QueueUrl"];
         std::string policy = grant(root(shared ? kOther : kSelf), "sqs:SendMessage");
         aws({"sqs", "set-queue-attributes", "--queue-url", url, "--attributes",
              Json{{"Policy", policy}}.dump()});
         return url;
       }},
      // The private topic keeps the policy SNS writes (everyone, narrowed by AWS:SourceOwner).
      {"sns",
       [](const Cli& aws, const std::string& name, bool shared) {
         std::string arn = aws({"sns", "create-topic", "--name", name})["TopicArn"];
         if (shared)
           aws({"sns", "set-topic-attributes", "--topic-arn", arn, "--attribute-name", "Policy",
                "--attribute-value", grant(root(kOther), "SNS:Publish")});
         return arn;
       }},
      {"s3",
       [](const Cli& aws, const std::string& name, bool shared) {
         aws({"s3api", "create-bucket", "--bucket", name});
         if (shared)
           aws({"s3api", "put-bucket-policy", "--bucket", name, "--policy",
                grant(kOther, "s3:GetObject")});
         return name;
       }},
      // The private key keeps KMS's default policy (the account's root).
      {"kms-key",
       [](const Cli& aws, const std::string& name, bool shared) {
         std::vector<std::string> args = {"kms", "create-key", "--description", name};
         if (shared) {
           args.push_back("--policy");
           args.push_back(grant(root(kOther), "kms:Decrypt"));
         }
         return aws(args)["KeyMetadata"]["KeyId"].get<std::string>();
       }},
      // The private function has no policy at all (GetPolicy answers not found).
      {"lambda",
       [](const Cli& aws, const std::string& name, bool shared) {
         std::string role =
             aws({"iam", "create-role", "--role-name", name, "--assume-role-policy-document",
                  R"({"Statement": [{"Effect": "Allow", "Principal": {"Service":
                        "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})"})["Role"]["Arn"];
         // The code (an empty zip archive, base64) goes in --cli-input-json: the CLI refuses
         // ZipFile in --code.
         aws({"lambda", "create-function", "--cli-input-json",
              Json{{"FunctionName", name},
                   {"Runtime", "python3.12"},
                   {"Role", role},
                   {"Handler", "index.handler"},
                   {"Code", {{"ZipFile", "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="}}}}
                  .dump()});
         if (shared)
           aws({"lambda", "add-permission", "--function-name", name, "--statement-id", "other",
                "--action", "lambda:InvokeFunction", "--principal", kOther});
         return name;
       }},
      {"ecr",
       [](const Cli& aws, const std::string& name, bool shared) {
         aws({"ecr", "create-repository", "--repository-name", name});
         if (shared)
           aws({"ecr", "set-repository-policy", "--repository-name", name, "--policy-text",
                grant(root(kOther), "ecr:BatchGetImage")});
         return name;
       }},
      {"ssm-document",
       [](const Cli& aws, const std::string& name, bool shared) {
         aws({"ssm", "create-document", "--name", name, "--document-type", "Command", "--content",
              R"({"schemaVersion": "2.2", "description": "d", "mainSteps": [{"action":
                    "aws:runShellScript", "name": "run", "inputs": {"runCommand": ["true"]}}]})"});
         if (shared)
           aws({"ssm", "modify-document-permission", "--name", name, "--permission-type", "Share",
                "--account-ids-to-add", kOther});
         return name;
       },
       "c7n:CrossAccountViolations"},
  };
}

void PrintTo(const SharedRow& row, std::ostream* out) { *out << row.type; }

class CrossAccountTest : public IntegrationTest, public ::testing::WithParamInterface<SharedRow> {
 protected:
  // The ids `filter` selects of the type, and the resources custos wrote.
  Json selected(const std::string& name, const std::string& filter) {
    write(name + ".yml", "policies:\n  - name: " + name + "\n    resource: " + GetParam().type +
                             "\n    filters:\n      - " + filter + "\n");
    auto result = custos({"run", "-s", path("out"), path(name + ".yml")});
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    return Json::parse(read_file(path("out/" + name + "/resources.json")));
  }
};

TEST_P(CrossAccountTest, SelectsTheSharedResourceOnly) {
  const SharedRow& row = GetParam();
  Cli cli = [this](const std::vector<std::string>& args) { return aws_cli(args); };
  std::string shared = row.make(cli, "shared-one", true);
  row.make(cli, "private-one", false);
  const std::string& id_field = resources::builtin_registry().find_resource(row.type)->id_field;
  Json found = selected("xacct", "{type: cross-account}");
  ASSERT_EQ(found.size(), 1u) << found.dump();
  EXPECT_EQ(found[0][id_field], shared);
  const Json& violations = found[0][row.annotation];
  ASSERT_EQ(violations.size(), 1u) << found[0].dump();
  EXPECT_NE(violations.dump().find(kOther), std::string::npos) << violations.dump();
  // The other account is trusted: nothing is shared outside.
  EXPECT_EQ(
      selected("trusted", std::string("{type: cross-account, whitelist: ['") + kOther + "']}"),
      Json::array());
}

INSTANTIATE_TEST_SUITE_P(Types, CrossAccountTest, ::testing::ValuesIn(shared_rows()),
                         type_param_name<SharedRow>);

// moto 5.2.1 does not implement Glacier's vault access policies: a proxy answers the vault's
// GetVaultAccessPolicy with Cloud Custodian's recording of a real answer
// (test_cross_account_glacier: everyone may upload archives).
class GlacierRecorded : public IntegrationTest {};

TEST_F(GlacierRecorded, VaultOpenToEveryone) {
  Json recorded = Json::parse(read_file(
      data_path("responses/cloud-custodian-placebo/"
                "test_cross_account_glacier__glacier.GetVaultAccessPolicy_1.json")))["data"];
  aws_cli({"glacier", "create-vault", "--account-id", "-", "--vault-name", "c7n-cross-check"});
  FaultProxy proxy(emulator().url());
  FaultProxy::Reply policy;
  policy.content_type = "application/json";
  policy.body = recorded["policy"].dump();
  proxy.answer_path("/vaults/c7n-cross-check/access-policy", policy);
  auto selected = [&](const std::string& filter) {
    write("p.yml", "policies:\n  - name: vaults\n    resource: glacier\n    filters:\n      - " +
                       filter + "\n");
    auto run =
        custos({"run", "-s", path("out"), path("p.yml")}, {{"AWS_ENDPOINT_URL", proxy.url()}});
    EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
    return Json::parse(read_file(path("out/vaults/resources.json")));
  };
  Json found = selected("{type: cross-account}");
  ASSERT_EQ(found.size(), 1u) << found.dump();
  EXPECT_EQ(found[0]["VaultName"], "c7n-cross-check");
  EXPECT_EQ(found[0]["CrossAccountViolations"][0]["Action"], "glacier:UploadArchive");
  EXPECT_EQ(selected("{type: cross-account, everyone_only: true}").size(), 1u);
  // The statement grants uploads only.
  EXPECT_EQ(selected("{type: cross-account, actions: ['glacier:DeleteArchive']}"), Json::array());
}

}  // namespace
}  // namespace custos::test
