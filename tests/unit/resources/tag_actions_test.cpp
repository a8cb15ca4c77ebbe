// The tag actions (tag, remove-tag, rename-tag, mark-for-op and their aliases) against Cloud
// Custodian's c7n/tags.py: the API calls they make (caught by a dry-run client, so nothing is
// sent), their batches, and the records that let an incident be undone.
#include "resources/tag_actions.h"

#include <gtest/gtest.h>

#include <string>

#include "aws/client.h"
#include "policy/core_filters.h"
#include "policy/mark_for_op.h"
#include "policy/policy.h"
#include "policy/vars.h"
#include "resources/builtin.h"

namespace custos::resources {
namespace {

using policy::ActionRecord;

struct Call {
  std::string operation;
  Json params;
};

// A registry with a type tagged through the Resource Groups Tagging API, besides aws.ec2.
const policy::Registry& tagging_api_registry() {
  static const policy::Registry registry = [] {
    policy::Registry r;
    policy::register_core_filters(r);
    policy::ResourceType queue;
    queue.name = "test.queue";
    queue.service = "sqs";
    queue.id_field = "QueueUrl";
    queue.tagging.api = policy::ResourceType::Tagging::Api::kResourceGroups;
    queue.arn_field = "QueueArn";
    r.add_resource(queue);
    register_tag_actions(r, "test.queue");
    return r;
  }();
  return registry;
}

class TagActionsTest : public ::testing::Test {
 protected:
  // Runs the policy's actions on `resources`; every mutating call lands in calls_.
  std::vector<ActionRecord> run(const std::string& resource, const std::string& actions,
                                const std::vector<Json>& resources,
                                const policy::Registry& registry = builtin_registry()) {
    auto source = policy::SourceDocument::parse(
        "policies:\n  - name: p\n    resource: " + resource + "\n    actions:\n" + actions,
        "f.yml");
    auto policies = policy::compile_policies(source, registry);
    aws::SessionOptions options;
    options.region = "eu-west-1";
    options.endpoint_url = "http://127.0.0.1:9";  // never reached: every call here mutates
    options.credentials = aws::Credentials{};
    options.credentials->access_key_id = options.credentials->secret_access_key = "testing";
    aws::Client client =
        aws::Client(std::make_shared<const aws::Session>(options))
            .dry_run([this](std::string_view, std::string_view operation, const Json& params) {
              calls_.push_back({std::string(operation), params});
              return respond_(params);
            });
    policy::AccountId account([] { return std::string("123456789012"); });
    policy::ActionContext context{.client = client,
                                  .policy_name = "p",
                                  .resource_type = policies.at(0).resource,
                                  .account = &account};
    std::vector<ActionRecord> records;
    for (const auto& [name, action] : policies.at(0).actions)
      for (auto& record : action->process(resources, context)) records.push_back(record);
    return records;
  }

  std::string compile_error(const std::string& actions) {
    try {
      run("aws.ec2", actions, {});
    } catch (const policy::PolicyError& e) {
      return e.what();
    }
    return "";
  }

  static Json instance(const std::string& id, const Json& tags = Json::object()) {
    Json list = Json::array();
    for (const auto& [key, value] : tags.items()) list.push_back({{"Key", key}, {"Value", value}});
    return {{"InstanceId", id}, {"Tags", list}};
  }

  std::vector<Call> calls_;
  std::function<Json(const Json&)> respond_ = [](const Json&) { return Json::object(); };
};

TEST_F(TagActionsTest, TagSetsKeyAndValueInBatchesOf25) {
  std::vector<Json> fleet;
  for (int i = 0; i < 30; ++i)
    fleet.push_back(instance("i-" + std::to_string(i), {{"owner", "old"}}));
  auto records = run("aws.ec2", "      - {type: tag, key: owner, value: security}\n", fleet);
  ASSERT_EQ(calls_.size(), 2u);
  EXPECT_EQ(calls_[0].operation, "CreateTags");
  EXPECT_EQ(calls_[0].params["Resources"].size(), 25u);
  EXPECT_EQ(calls_[1].params["Resources"].size(), 5u);
  EXPECT_EQ(calls_[0].params["Tags"], Json::parse(R"([{"Key": "owner", "Value": "security"}])"));
  ASSERT_EQ(records.size(), 30u);
  EXPECT_EQ(records[29].resource_id, "i-29");
  EXPECT_EQ(records[29].before, Json::parse(R"({"Tags": {"owner": "old"}})"));
  EXPECT_EQ(records[29].after, Json::parse(R"({"Tags": {"owner": "security"}})"));
  EXPECT_TRUE(records[29].ok());
}

TEST_F(TagActionsTest, TagTakesAMappingAndInterpolatesValues) {
  auto records = run("aws.ec2",
                     "      - type: mark\n        tags: {env: prod, cost: 100, at: '{region}'}\n"
                     "        value: 'on {now:%Y}'\n",
                     {instance("i-1")});
  ASSERT_EQ(calls_.size(), 1u);
  std::string year =
      policy::mark_date(*policy::TimeZone::find("utc"), 0, 0, std::chrono::system_clock::now())
          .substr(0, 4);
  EXPECT_EQ(
      records.at(0).after["Tags"],
      Json({{"at", "eu-west-1"}, {"cost", "100"}, {"env", "prod"}, {"maid_status", "on " + year}}));
  EXPECT_EQ(records[0].before["Tags"]["env"], nullptr);  // it had none
}

TEST_F(TagActionsTest, RemoveTagDefaultsToTheMarkTag) {
  std::vector<Json> fleet = {instance("i-1", {{"maid_status", "x: stop@2026/01/01"}}),
                             instance("i-2")};
  for (const char* name : {"remove-tag", "unmark", "untag"}) {
    calls_.clear();
    auto records = run("aws.ec2", std::string("      - ") + name + "\n", fleet);
    ASSERT_EQ(calls_.size(), 1u) << name;
    EXPECT_EQ(calls_[0].operation, "DeleteTags");
    // i-2 has nothing to remove: it is left alone, recorded as unchanged.
    EXPECT_EQ(calls_[0].params["Resources"], Json({"i-1"}));
    EXPECT_EQ(calls_[0].params["Tags"], Json::parse(R"([{"Key": "maid_status"}])"));
    EXPECT_EQ(records.at(0).outcome, policy::ActionRecord::Outcome::kUnchanged);
    EXPECT_EQ(records[0].summary, "has none of the tags to remove");
    EXPECT_EQ(records.at(1).before["Tags"]["maid_status"], "x: stop@2026/01/01");
    EXPECT_EQ(records[1].after["Tags"]["maid_status"], nullptr);
  }
}

TEST_F(TagActionsTest, RenameTagMovesEachValueAndSkipsResourcesWithoutIt) {
  Json full_tags = {{"env", "dev"}};
  for (int i = 0; i < 49; ++i) full_tags["t" + std::to_string(i)] = "x";
  std::vector<Json> fleet = {instance("i-1", {{"env", "prod"}}), instance("i-2", {{"env", "dev"}}),
                             instance("i-3"), instance("i-4", {{"env", "prod"}}),
                             instance("i-full", full_tags)};
  auto records =
      run("aws.ec2", "      - {type: rename-tag, old_key: env, new_key: environment}\n", fleet);
  // dev: create on i-2, delete env=dev from both, then create on the full one.
  ASSERT_EQ(calls_.size(), 5u);
  EXPECT_EQ(calls_[0].operation, "CreateTags");
  EXPECT_EQ(calls_[0].params["Resources"], Json({"i-2"}));
  EXPECT_EQ(calls_[1].operation, "DeleteTags");
  EXPECT_EQ(calls_[1].params["Resources"], Json({"i-2", "i-full"}));
  EXPECT_EQ(calls_[1].params["Tags"], Json::parse(R"([{"Key": "env", "Value": "dev"}])"));
  EXPECT_EQ(calls_[2].params["Resources"], Json({"i-full"}));
  EXPECT_EQ(calls_[3].params["Resources"], Json({"i-1", "i-4"}));
  EXPECT_EQ(calls_[3].params["Tags"], Json::parse(R"([{"Key": "environment", "Value": "prod"}])"));
  ASSERT_EQ(records.size(), 5u);
  EXPECT_EQ(records[0].resource_id, "i-3");
  EXPECT_EQ(records[0].summary, "left as it is: no tag env");
  auto prod = records[4];
  EXPECT_EQ(prod.resource_id, "i-4");
  EXPECT_EQ(prod.before, Json::parse(R"({"Tags": {"env": "prod", "environment": null}})"));
  EXPECT_EQ(prod.after, Json::parse(R"({"Tags": {"env": null, "environment": "prod"}})"));
}

TEST_F(TagActionsTest, MarkForOpWritesTheOpAndDate) {
  auto records =
      run("aws.ec2", "      - {type: mark-for-op, op: stop, days: 4}\n", {instance("i-1")});
  std::string date =
      policy::mark_date(*policy::TimeZone::find("utc"), 4, 0, std::chrono::system_clock::now());
  ASSERT_EQ(calls_.size(), 1u);
  EXPECT_EQ(
      calls_[0].params["Tags"],
      Json({{{"Key", "maid_status"}, {"Value", "Resource does not meet policy: stop@" + date}}}));
  EXPECT_EQ(records.at(0).summary, "marked for stop on " + date + " (tag maid_status)");

  calls_.clear();
  run("aws.ec2",
      "      - {type: mark-for-op, op: stop, tag: custodian_cleanup, msg: 'Cleanup {op} on "
      "{action_date}', hours: 1, tz: pt}\n",
      {instance("i-1")});
  std::string value = calls_.at(0).params["Tags"][0]["Value"];
  EXPECT_EQ(calls_[0].params["Tags"][0]["Key"], "custodian_cleanup");
  EXPECT_EQ(value.rfind("Cleanup stop on ", 0), 0u) << value;
  EXPECT_TRUE(value.ends_with(" PST") || value.ends_with(" PDT")) << value;
}

TEST_F(TagActionsTest, TheTaggingApiTagsByArnInBatchesOf20) {
  std::vector<Json> queues;
  for (int i = 0; i < 21; ++i)
    queues.push_back({{"QueueUrl", "https://q/" + std::to_string(i)},
                      {"QueueArn", "arn:aws:sqs:eu-west-1:1:q" + std::to_string(i)}});
  respond_ = [](const Json& params) {
    Json response = Json::object();
    for (const auto& arn : params["ResourceARNList"])
      if (arn == "arn:aws:sqs:eu-west-1:1:q3")
        response["FailedResourcesMap"][arn.get<std::string>()] = {
            {"ErrorCode", "InternalServiceException"}, {"ErrorMessage", "try later"}};
    return response;
  };
  auto records =
      run("test.queue", "      - {type: tag, tags: {env: prod}}\n", queues, tagging_api_registry());
  ASSERT_EQ(calls_.size(), 2u);
  EXPECT_EQ(calls_[0].operation, "TagResources");
  EXPECT_EQ(calls_[0].params["ResourceARNList"].size(), 20u);
  EXPECT_EQ(calls_[0].params["Tags"], Json({{"env", "prod"}}));
  EXPECT_FALSE(records.at(3).ok());
  EXPECT_EQ(records[3].error, "InternalServiceException: try later");
  EXPECT_TRUE(records[4].ok());

  calls_.clear();
  queues[0]["Tags"] = Json::parse(R"([{"Key": "env", "Value": "prod"}])");
  run("test.queue", "      - {type: remove-tag, tags: [env, team]}\n", {queues[0]},
      tagging_api_registry());
  ASSERT_EQ(calls_.size(), 1u);
  EXPECT_EQ(calls_[0].operation, "UntagResources");
  EXPECT_EQ(calls_[0].params["TagKeys"], Json({"env", "team"}));
}

// Route 53 tags a zone, named by its bare id, with one call for both ways (AddTags /
// RemoveTagKeys, with ResourceType);
// CloudTrail removes tags named as [{Key}], in the trail's home region.
TEST_F(TagActionsTest, ServicesOwnTaggingCallsTakeTheirOwnShapes) {
  Json zone = {{"Id", "/hostedzone/Z1"},
               {"c7n:ConfigHostedZoneId", "Z1"},
               {"Tags", Json::parse(R"([{"Key": "env", "Value": "a"}])")}};
  auto records = run("aws.hostedzone", "      - {type: tag, key: env, value: b}\n", {zone});
  ASSERT_EQ(calls_.size(), 1u);
  EXPECT_EQ(calls_[0].operation, "ChangeTagsForResource");
  EXPECT_EQ(calls_[0].params, Json::parse(R"({"ResourceType": "hostedzone",
      "ResourceId": "Z1", "AddTags": [{"Key": "env", "Value": "b"}]})"));
  EXPECT_EQ(records[0].undo[0]["params"]["AddTags"],
            Json::parse(R"([{"Key": "env", "Value": "a"}])"));

  calls_.clear();
  Json trail = {{"TrailARN", "arn:aws:cloudtrail:us-west-2:123456789012:trail/t"},
                {"HomeRegion", "us-west-2"},
                {"Tags", Json::parse(R"([{"Key": "env", "Value": "a"}])")}};
  records = run("aws.cloudtrail", "      - {type: remove-tag, tags: [env]}\n", {trail});
  ASSERT_EQ(calls_.size(), 1u);
  EXPECT_EQ(calls_[0].operation, "RemoveTags");
  EXPECT_EQ(calls_[0].params, Json::parse(R"({"ResourceId":
      "arn:aws:cloudtrail:us-west-2:123456789012:trail/t", "TagsList": [{"Key": "env"}]})"));
  const Json& undo = records[0].undo[0];
  EXPECT_EQ(undo["operation"], "AddTags");
  EXPECT_EQ(undo["region"], "us-west-2");
  EXPECT_EQ(undo["params"]["TagsList"], Json::parse(R"([{"Key": "env", "Value": "a"}])"));
}

TEST_F(TagActionsTest, NothingToDoMakesNoCall) {
  EXPECT_TRUE(run("aws.ec2", "      - {type: tag, key: a, value: b}\n", {}).empty());
  // Already tagged so: recorded as unchanged, nothing called.
  auto records =
      run("aws.ec2", "      - {type: tag, key: a, value: b}\n", {instance("i-1", {{"a", "b"}})});
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].outcome, policy::ActionRecord::Outcome::kUnchanged);
  EXPECT_EQ(records[0].summary, "already tagged a=b");
  EXPECT_TRUE(calls_.empty());
  EXPECT_TRUE(calls_.empty());
}

TEST_F(TagActionsTest, RejectsBadOptions) {
  EXPECT_EQ(compile_error("      - {type: mark-for-op, op: explode}\n"),
            "f.yml:5:33: policy 'p': op 'explode' is not an action of aws.ec2 (set custom: true "
            "for an op custos does not run)");
  EXPECT_EQ(compile_error("      - {type: mark-for-op, op: explode, custom: true}\n"), "");
  EXPECT_NE(compile_error("      - {type: mark-for-op, op: stop, msg: '{op} {when}'}\n")
                .find("msg may use {op} and {action_date}, not {when}"),
            std::string::npos);
  EXPECT_NE(compile_error("      - {type: mark-for-op, op: stop, days: -1}\n")
                .find("'days' must be at least 0"),
            std::string::npos);
  EXPECT_NE(compile_error("      - {type: tag, key: a, tag: b, value: c}\n")
                .find("give either 'key' or 'tag', not both"),
            std::string::npos);
  EXPECT_NE(compile_error("      - {type: tag, key: a}\n")
                .find("tag needs 'key' and 'value', or a 'tags' mapping"),
            std::string::npos);
  EXPECT_NE(compile_error("      - {type: tag, key: a, value: '{acount_id}'}\n")
                .find("unknown field {acount_id}"),
            std::string::npos);
  EXPECT_NE(compile_error("      - {type: remove-tag, tags: []}\n")
                .find("'tags' must be a non-empty list of tag names"),
            std::string::npos);
  EXPECT_NE(
      compile_error("      - {type: rename-tag, old_key: a}\n").find("rename-tag needs 'new_key'"),
      std::string::npos);
  EXPECT_NE(compile_error("      - {type: tag, key: a, value: b, batch_size: 5}\n")
                .find("unknown key 'batch_size'"),
            std::string::npos);
}

}  // namespace
}  // namespace custos::resources
