// aws.s3's intelligent-tiering filter and set-intelligent-tiering action over real HTTP. moto
// 5.2 has no S3 Intelligent-Tiering configurations: a proxy in front of it keeps them (the
// ?intelligent-tiering requests, answered in S3's XML) and sends everything else to moto, and
// the AWS CLI, pointed at the proxy, is the independent client that reads them back.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "integration/action_check.h"
#include "jmespath/jmespath.h"
#include "support/aws_cli.h"
#include "support/fault_proxy.h"
#include "support/paths.h"

namespace custos::test {
namespace {

// The ?intelligent-tiering subresource of S3's REST API, kept per bucket and Id as the XML
// each configuration was put with.
class TieringStore {
 public:
  std::optional<FaultProxy::Reply> answer(const FaultProxy::Arrival& arrival) {
    std::string target = arrival.target;
    std::size_t query_at = target.find('?');
    if (query_at == std::string::npos ||
        target.find("intelligent-tiering", query_at) == std::string::npos)
      return std::nullopt;
    std::string bucket = target.substr(1, target.find_first_of("/?", 1) - 1);
    std::string id;
    if (std::size_t at = target.find("id=", query_at); at != std::string::npos)
      id = target.substr(at + 3, target.find('&', at) - at - 3);
    std::lock_guard lock(mutex_);
    auto& configurations = buckets_[bucket];
    if (arrival.method == "PUT") {
      configurations[id] = without_declaration(arrival.body);
      return reply(200, "");
    }
    if (arrival.method == "DELETE") {
      if (!configurations.erase(id)) return missing();
      return reply(204, "");
    }
    if (!id.empty()) {
      auto found = configurations.find(id);
      return found == configurations.end() ? missing() : reply(200, found->second);
    }
    std::string list =
        "<ListBucketIntelligentTieringConfigurationsOutput "
        "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><IsTruncated>false</IsTruncated>";
    for (const auto& [unused, xml] : configurations) list += xml;
    return reply(200, list + "</ListBucketIntelligentTieringConfigurationsOutput>");
  }

 private:
  static std::string without_declaration(std::string xml) {
    if (xml.starts_with("<?xml")) xml.erase(0, xml.find("?>") + 2);
    return xml;
  }
  static FaultProxy::Reply reply(int status, std::string body) {
    FaultProxy::Reply reply;
    reply.status = status;
    reply.body = std::move(body);
    reply.content_type = "application/xml";
    return reply;
  }
  static FaultProxy::Reply missing() {
    return reply(404,
                 "<Error><Code>NoSuchConfiguration</Code><Message>The specified configuration "
                 "does not exist.</Message></Error>");
  }

  std::mutex mutex_;
  std::map<std::string, std::map<std::string, std::string>> buckets_;
};

class S3IntelligentTieringTest : public ActionTest {
 protected:
  void SetUp() override {
    ActionTest::SetUp();
    proxy_ = std::make_unique<FaultProxy>(emulator().url());
    proxy_->answer_with(
        [store = store_](const FaultProxy::Arrival& arrival) { return store->answer(arrival); });
    aws_cli({"s3api", "create-bucket", "--bucket", kBucket});
    put("test-config", R"({"Id": "test-config", "Status": "Enabled",
                           "Tierings": [{"Days": 100, "AccessTier": "ARCHIVE_ACCESS"}]})");
  }

  // The AWS CLI through the proxy.
  Json cli(std::vector<std::string> args) const {
    args.insert(args.begin(), "s3api");
    args.insert(args.end(), {"--endpoint-url", proxy_->url()});
    ProcessResult result = run_aws_cli(args, emulator_env());
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    return result.out.empty() ? Json::object() : Json::parse(result.out);
  }
  void put(const std::string& id, const std::string& configuration) const {
    cli({"put-bucket-intelligent-tiering-configuration", "--bucket", kBucket, "--id", id,
         "--intelligent-tiering-configuration", configuration});
  }
  // Each configuration's "Id Status Days...".
  Json configurations() const {
    Json summary = Json::array();
    Json list = cli({"list-bucket-intelligent-tiering-configurations", "--bucket", kBucket});
    for (const Json& config : list.value("IntelligentTieringConfigurationList", Json::array())) {
      std::string text =
          config["Id"].get<std::string>() + " " + config["Status"].get<std::string>();
      for (const Json& tier : config["Tierings"])
        text += " " + std::to_string(tier["Days"].get<int>());
      summary.push_back(text);
    }
    return summary;
  }
  ProcessResult run(const std::string& yaml) const {
    write("policy.yml", yaml);
    ProcessResult result = custos({"run", "--no-journal", "-s", path("out"), path("policy.yml")},
                                  {{"AWS_ENDPOINT_URL", proxy_->url()}});
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    return result;
  }
  bool holds(const Json& check) const {
    Json answer = cli({"list-bucket-intelligent-tiering-configurations", "--bucket", kBucket});
    return jmespath::Expression::compile(check.value("expect", "")).search(answer) == true;
  }
  void undo(const Json& record) const {
    for (const Json& step : record["undo"])
      cli({cli_command(step["operation"]), "--cli-input-json", step["params"].dump()});
  }

  static constexpr const char* kBucket = "tiered-logs";
  std::shared_ptr<TieringStore> store_ = std::make_shared<TieringStore>();
  std::unique_ptr<FaultProxy> proxy_;
};

// Cloud Custodian's s3-apply-intelligent-tiering-config: buckets without the wanted
// configuration get it; undo takes it away again.
TEST_F(S3IntelligentTieringTest, AConfigurationIsPutWhereTheFilterFindsNone) {
  std::string yaml = R"(policies:
  - name: apply
    resource: aws.s3
    filters:
      - not:
        - type: intelligent-tiering
          attrs:
            - Status: Enabled
            - Tierings:
              - Days: 149
                AccessTier: ARCHIVE_ACCESS
    actions:
      - type: set-intelligent-tiering
        Id: c7n-default
        IntelligentTieringConfiguration:
          Id: c7n-default
          Status: Enabled
          Tierings:
            - Days: 149
              AccessTier: ARCHIVE_ACCESS
)";
  run(yaml);
  EXPECT_EQ(configurations(), Json::parse(R"(["c7n-default Enabled 149",
                                              "test-config Enabled 100"])"));
  Json records = actions_of("apply");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["summary"], "added the intelligent-tiering configuration c7n-default");
  EXPECT_TRUE(holds(records[0]["check"])) << records[0];
  run(yaml);
  EXPECT_TRUE(actions_of("apply").empty());  // the bucket has it now
  undo(records[0]);
  EXPECT_EQ(configurations(), Json::parse(R"(["test-config Enabled 100"])"));
  EXPECT_FALSE(holds(records[0]["check"]));
}

// Cloud Custodian's s3-delete-intelligent-tiering-matched-configs: the configurations the
// filter matched are deleted, the others kept; undo puts them back as they were.
TEST_F(S3IntelligentTieringTest, MatchedConfigurationsAreDeleted) {
  put("keep", R"({"Id": "keep", "Status": "Disabled",
                  "Tierings": [{"Days": 180, "AccessTier": "DEEP_ARCHIVE_ACCESS"}]})");
  std::string yaml = R"(policies:
  - name: prune
    resource: aws.s3
    filters:
      - type: intelligent-tiering
        attrs:
          - Status: Enabled
          - Id: test-config
    actions:
      - type: set-intelligent-tiering
        Id: matched
        State: delete
)";
  run(yaml);
  Json found = Json::parse(read_file(path("out/prune/resources.json")));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["c7n:IntelligentTiering"].size(), 2u);
  ASSERT_EQ(found[0]["c7n:ListItemMatches"].size(), 1u);
  EXPECT_EQ(found[0]["c7n:ListItemMatches"][0]["Id"], "test-config");
  EXPECT_EQ(configurations(), Json::parse(R"(["keep Disabled 180"])"));
  Json records = actions_of("prune");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_TRUE(holds(records[0]["check"])) << records[0];
  undo(records[0]);
  EXPECT_EQ(configurations(), Json::parse(R"(["keep Disabled 180", "test-config Enabled 100"])"));
}

}  // namespace
}  // namespace custos::test
