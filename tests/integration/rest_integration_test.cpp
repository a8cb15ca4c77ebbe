// rest-method, update-method, rest-integration, update-integration and delete-integration on
// an API made in moto: the GET method sends to a Lambda function (type AWS), the POST one is a
// mock, both open to anyone; the AWS CLI reads each end state back and plays the records' undo.
#include <gtest/gtest.h>

#include <map>
#include <optional>

#include "integration/action_check.h"
#include "support/fault_proxy.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class RestIntegrationTest : public ActionTest {
 protected:
  void SetUp() override {
    ActionTest::SetUp();
    api_ = aws_cli({"apigateway", "create-rest-api", "--name", "custos-api"})["id"];
    std::string root =
        aws_cli({"apigateway", "get-resources", "--rest-api-id", api_})["items"][0]["id"];
    resource_ = aws_cli({"apigateway", "create-resource", "--rest-api-id", api_, "--parent-id",
                         root, "--path-part", "orders"})["id"];
    for (const char* method : {"GET", "POST"})
      aws_cli({"apigateway", "put-method", "--rest-api-id", api_, "--resource-id", resource_,
               "--http-method", method, "--authorization-type", "NONE"});
    aws_cli({"apigateway", "put-integration", "--rest-api-id", api_, "--resource-id", resource_,
             "--http-method", "GET", "--type", "AWS", "--integration-http-method", "POST", "--uri",
             kUri});
    aws_cli({"apigateway", "put-integration", "--rest-api-id", api_, "--resource-id", resource_,
             "--http-method", "POST", "--type", "MOCK"});
  }
  Json integration(const std::string& method) const {
    ProcessResult got = aws_try({"apigateway", "get-integration", "--rest-api-id", api_,
                                 "--resource-id", resource_, "--http-method", method});
    // moto answers 200 with no body for a method whose integration was deleted.
    return got.exit_code == 0 && !got.out.empty() ? Json::parse(got.out) : Json();
  }
  std::string policy(const std::string& action) const {
    return "policies:\n  - name: integrations\n    resource: rest-resource\n    filters:\n"
           "      - path: /orders\n      - {type: rest-integration, key: type, value: AWS}\n" +
           (action.empty() ? "" : "    actions:\n      - " + action + "\n");
  }

  static constexpr const char* kUri =
      "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
      "arn:aws:lambda:us-east-1:123456789012:function:intruder/invocations";
  std::string api_, resource_;
};

TEST_F(RestIntegrationTest, FindsTheMethodsSendingToAwsAndKeepsThem) {
  run_policy(policy(""), {"--no-journal"});
  Json found = Json::parse(read_file(path("out/integrations/resources.json")));
  ASSERT_EQ(found.size(), 1u);
  const Json& matched = found[0]["c7n:matched-method-integrations"];
  ASSERT_EQ(matched.size(), 1u) << matched.dump();
  EXPECT_EQ(matched[0]["resourceHttpMethod"], "GET");
  EXPECT_EQ(matched[0]["uri"], kUri);
  EXPECT_EQ(matched[0]["restApiId"], api_);
}

TEST_F(RestIntegrationTest, DeleteIntegrationRemovesTheMatchedOneAndItsUndoPutsItBack) {
  run_policy(policy("delete-integration"), {"--no-journal", "--dryrun"});
  EXPECT_FALSE(integration("GET").is_null()) << "the dry run deleted it";
  run_policy(policy("delete-integration"), {"--no-journal"});
  EXPECT_TRUE(integration("GET").is_null());
  EXPECT_EQ(integration("POST")["type"], "MOCK");  // not matched, kept
  Json records = actions_of("integrations");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["outcome"], "changed");
  ASSERT_EQ(records[0]["undo"].size(), 1u) << records[0].dump();
  aws_call(records[0]["undo"][0]);
  EXPECT_EQ(integration("GET")["type"], "AWS");
  EXPECT_EQ(integration("GET")["uri"], kUri);
}

// moto 5.2.1 fails UpdateIntegration (HTTP 500): a proxy answers the GET method's integration
// path (GetIntegration and UpdateIntegration both answer an Integration) and what custos sent
// is read off it.
TEST_F(RestIntegrationTest, UpdateIntegrationPatchesTheMatchedOneAndCanUndoAReplace) {
  FaultProxy proxy(emulator().url());
  FaultProxy::Reply reply;
  reply.content_type = "application/json";
  reply.body =
      Json{{"type", "AWS"}, {"httpMethod", "POST"}, {"uri", kUri}, {"timeoutInMillis", 29000}}
          .dump();
  proxy.answer_path("/resources/" + resource_ + "/methods/GET/integration", reply);
  const std::string patch = "[{op: replace, path: /timeoutInMillis, value: '3000'}]";
  run_policy(policy("{type: update-integration, patch: " + patch + "}"), {"--no-journal"},
             {{"AWS_ENDPOINT_URL", proxy.url()}});
  Json sent = Json::array();
  for (const auto& arrival : proxy.arrivals())
    if (arrival.method == "PATCH") sent.push_back(Json::parse(arrival.body));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]["patchOperations"],
            Json::parse(R"([{"op": "replace", "path": "/timeoutInMillis", "value": "3000"}])"));
  Json records = actions_of("integrations");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["outcome"], "changed");
  ASSERT_EQ(records[0]["undo"].size(), 1u) << records[0].dump();
  EXPECT_EQ(records[0]["undo"][0]["operation"], "UpdateIntegration");
  EXPECT_EQ(records[0]["undo"][0]["params"]["patchOperations"][0]["value"], "29000");
  EXPECT_EQ(records[0]["undo"][0]["params"]["httpMethod"], "GET");
}

// Cloud Custodian's enforce-iam-permissions-on-api: methods anyone may call are made to ask for
// IAM signatures. moto 5.2 has no UpdateMethod: a proxy answers it and keeps what custos sent;
// the methods themselves (GetMethod) are moto's.
TEST_F(RestIntegrationTest, UpdateMethodRequiresIamOnMethodsOpenToAnyone) {
  FaultProxy proxy(emulator().url());
  proxy.answer_with([](const FaultProxy::Arrival& arrival) -> std::optional<FaultProxy::Reply> {
    if (arrival.method != "PATCH" || arrival.target.find("/methods/") == std::string::npos)
      return std::nullopt;
    return FaultProxy::Reply{200, R"({"authorizationType": "AWS_IAM"})", "application/json", {}};
  });
  auto patches = [&] {
    Json sent = Json::array();
    for (const auto& arrival : proxy.arrivals())
      if (arrival.method == "PATCH")
        sent.push_back({{"target", arrival.target}, {"body", Json::parse(arrival.body)}});
    return sent;
  };
  write("policy.yml", R"(policies:
  - name: open-methods
    resource: rest-resource
    filters:
      - path: /orders
      - {type: rest-method, key: authorizationType, value: NONE, op: eq}
    actions:
      - type: update-method
        patch:
          - {op: replace, path: /authorizationType, value: AWS_IAM}
)");
  const std::map<std::string, std::string> via_proxy = {{"AWS_ENDPOINT_URL", proxy.url()}};
  ProcessResult dry =
      custos({"run", "--no-journal", "--dryrun", "-s", path("out"), path("policy.yml")}, via_proxy);
  ASSERT_EQ(dry.exit_code, 0) << dry.out << dry.err;
  EXPECT_TRUE(patches().empty());
  ProcessResult run =
      custos({"run", "--no-journal", "-s", path("out"), path("policy.yml")}, via_proxy);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  Json sent = patches();
  ASSERT_EQ(sent.size(), 2u) << sent;
  for (const Json& patch : sent) {
    EXPECT_NE(patch["target"].get<std::string>().find("/restapis/" + api_ + "/resources/" +
                                                      resource_ + "/methods/"),
              std::string::npos)
        << patch;
    EXPECT_EQ(patch["body"]["patchOperations"][0]["value"], "AWS_IAM");
  }
  Json record = actions_of("open-methods")[0];
  EXPECT_EQ(record["before"]["methods"].size(), 2u);
  EXPECT_EQ(record["undo"][0]["operation"], "UpdateMethod");
  EXPECT_EQ(record["undo"][0]["params"]["patchOperations"][0]["value"], "NONE");
}

}  // namespace
}  // namespace custos::test
