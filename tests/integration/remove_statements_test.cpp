// remove-statements on the types whose data says how to write their policy back
// (src/resources/remove_statements.cpp), over real HTTP against moto: each row gives a resource
// a policy with the account's own statement and one for another account; `cross-account` then
// `remove-statements: matched` must leave only the account's own (read back with the AWS CLI),
// a dry run must change nothing, and the record's undo, played by the CLI, must put the other
// statement back.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <sstream>

#include "integration/action_check.h"
#include "integration/type_rows.h"
#include "jmespath/jmespath.h"
#include "resources/builtin.h"

namespace custos::test {
namespace {

struct PolicyRow {
  std::string type;
  std::string action;        // the IAM action both statements allow ("sqs:SendMessage")
  std::vector<Call> create;  // empty: the type's row (type_rows.h)
  std::string id{};          // JMESPath over `create`'s answers; empty: the row's
  // Set the policy: "$POLICY" in their params stands for the policy's text.
  std::vector<Call> set_policy{};
  std::string read{};  // the AWS CLI command that reads the policy ({id}: the resource's id)
  std::string text{};  // JMESPath to the policy's text in its answer
  bool undoes = true;  // the service can write a whole policy back
};

// Two statements: the account's own and one for account 999999999999.
std::string policy_text(const std::string& action) {
  auto statement = [&](const char* sid, const char* account) {
    return Json{{"Sid", sid},
                {"Effect", "Allow"},
                {"Principal", {{"AWS", std::string("arn:aws:iam::") + account + ":root"}}},
                {"Action", action},
                {"Resource", "*"}};
  };
  return Json{
      {"Version", "2012-10-17"},
      {"Statement", {statement("Own", "123456789012"), statement("Outside", "999999999999")}}}
      .dump();
}

std::vector<PolicyRow> policy_rows() {
  return {
      {"sqs",
       "sqs:SendMessage",
       {},
       "",
       {{"sqs", "SetQueueAttributes", R"({"QueueUrl": "=[0].QueueUrl",
         "Attributes": {"Policy": "$POLICY"}})"}},
       "sqs get-queue-attributes --queue-url {id} --attribute-names Policy",
       "Attributes.Policy"},
      {"sns",
       "sns:Publish",
       {},
       "",
       {{"sns", "SetTopicAttributes", R"({"TopicArn": "=[0].TopicArn",
         "AttributeName": "Policy", "AttributeValue": "$POLICY"})"}},
       "sns get-topic-attributes --topic-arn {id}",
       "Attributes.Policy"},
      {"kms-key",
       "kms:Decrypt",
       {{"kms", "CreateKey", "{}"}},
       "[0].KeyMetadata.KeyId",
       {{"kms", "PutKeyPolicy", R"({"KeyId": "=[0].KeyMetadata.KeyId", "PolicyName": "default",
         "Policy": "$POLICY"})"}},
       "kms get-key-policy --key-id {id} --policy-name default",
       "Policy"},
      {"ecr",
       "ecr:BatchGetImage",
       {},
       "",
       {{"ecr", "SetRepositoryPolicy", R"({"repositoryName": "=[0].repository.repositoryName",
         "policyText": "$POLICY"})"}},
       "ecr get-repository-policy --repository-name {name}",
       "policyText"},
      // Lambda removes statements by Sid (RemovePermission) and has no call that writes a whole
      // policy back: no undo.
      {"lambda",
       "lambda:InvokeFunction",
       {},
       "",
       {{"lambda", "AddPermission", R"({"FunctionName": "fn", "StatementId": "Own",
         "Action": "lambda:InvokeFunction", "Principal": "123456789012"})"},
        {"lambda", "AddPermission", R"({"FunctionName": "fn", "StatementId": "Outside",
         "Action": "lambda:InvokeFunction", "Principal": "999999999999"})"}},
       "lambda get-policy --function-name fn",
       "Policy",
       false},
  };
}

void PrintTo(const PolicyRow& row, std::ostream* out) { *out << row.type; }

std::string policy_row_name(const ::testing::TestParamInfo<PolicyRow>& info) {
  std::string name = info.param.type;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

class RemoveStatementsTest : public ActionTest, public ::testing::WithParamInterface<PolicyRow> {
 protected:
  // The Sids of the policy the AWS CLI reads.
  Json sids(const PolicyRow& row, const std::string& id, const std::string& name) const {
    std::vector<std::string> args;
    std::string word;
    for (std::istringstream words(row.read); words >> word;)
      args.push_back(word == "{id}" ? id : word == "{name}" ? name : word);
    Json text = jmespath::Expression::compile(row.text).search(aws_cli(args));
    if (!text.is_string()) return Json::array();
    return jmespath::Expression::compile("Statement[].Sid")
        .search(Json::parse(text.get<std::string>()));
  }
};

TEST_P(RemoveStatementsTest, LeavesTheAccountsOwnStatementAndItsUndoPutsTheOtherBack) {
  const PolicyRow& row = GetParam();
  aws::Client aws = client();
  const Row* type_row = row.create.empty() ? &row_of(row.type) : nullptr;
  Json answers = type_row ? create(*type_row, aws) : Json::array();
  for (const Call& call : row.create)
    answers.push_back(
        aws.call(call.service, call.operation, resolve(Json::parse(call.params), answers)));
  for (const Call& call : row.set_policy) {
    std::string params = resolve(Json::parse(call.params), answers).dump();
    std::string quoted = Json("$POLICY").dump();
    if (std::size_t at = params.find(quoted); at != std::string::npos)
      params.replace(at, quoted.size(), Json(policy_text(row.action)).dump());
    aws.call(call.service, call.operation, Json::parse(params));
  }
  std::string id = jmespath::Expression::compile(row.id.empty() ? type_row->id : row.id)
                       .search(answers)
                       .get<std::string>();
  const auto& type = *resources::builtin_registry().find_resource(row.type);
  std::string name = id.substr(id.find_last_of('/') + 1);
  std::string yaml = "policies:\n  - name: acted\n    resource: " + row.type +
                     "\n    filters:\n      - {type: value, key: " + type.id_field +
                     ", value: " + Json(id).dump() +
                     "}\n      - cross-account\n    actions:\n      - {type: remove-statements, "
                     "statement_ids: matched}\n";
  auto state = [&] { return sids(row, id, name); };
  const Json both = Json::array({"Own", "Outside"});
  ASSERT_EQ(state(), both);

  run_policy(yaml, {"--dryrun"});
  EXPECT_EQ(state(), both) << "the dry run changed something";
  run_policy(yaml);
  Json records = actions_of("acted");
  ASSERT_EQ(records.size(), 1u) << records.dump();
  EXPECT_EQ(records[0]["outcome"], "changed") << records[0].dump();
  EXPECT_EQ(state(), Json::array({"Own"}));
  run_policy(yaml);
  EXPECT_TRUE(actions_of("acted").empty()) << "cross-account still matches";
  if (row.undoes)
    expect_undo_restores(records, state, both);
  else
    EXPECT_TRUE(records[0]["undo"].is_null()) << records[0].dump();
}

INSTANTIATE_TEST_SUITE_P(Types, RemoveStatementsTest, ::testing::ValuesIn(policy_rows()),
                         policy_row_name);

}  // namespace
}  // namespace custos::test
