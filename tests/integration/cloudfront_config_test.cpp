// disable, set-attributes, set-protocols and mismatch-s3-origin on aws.distribution over real HTTP
// against moto, Cloud Custodian's examples unchanged: the configuration read back with the AWS CLI,
// written with its ETag, left alone when already so, and put back by the undo. moto 5.2.1 has no
// streaming distributions: a proxy keeps one (its configuration and ETag, in CloudFront's XML) for
// their test.
#include <gtest/gtest.h>

#include <memory>
#include <mutex>

#include "integration/action_check.h"
#include "support/aws_cli.h"
#include "support/fault_proxy.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class CloudFrontConfigTest : public ActionTest {
 protected:
  void SetUp() override {
    ActionTest::SetUp();
    Json config = Json::parse(R"({"CallerReference": "custos", "Comment": "web", "Enabled": true,
      "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": "example.s3.amazonaws.com",
                                           "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
      "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "redirect-to-https",
        "MinTTL": 0, "ForwardedValues": {"QueryString": false, "Cookies": {"Forward": "none"}},
        "TrustedSigners": {"Enabled": false, "Quantity": 0}},
      "CacheBehaviors": {"Quantity": 1, "Items": [{"PathPattern": "/img/*", "TargetOriginId": "o",
        "ViewerProtocolPolicy": "allow-all", "MinTTL": 0,
        "ForwardedValues": {"QueryString": false, "Cookies": {"Forward": "none"}},
        "TrustedSigners": {"Enabled": false, "Quantity": 0}}]}})");
    id_ = aws_cli({"cloudfront", "create-distribution", "--distribution-config",
                   config.dump()})["Distribution"]["Id"];
  }

  Json config() const {
    return aws_cli({"cloudfront", "get-distribution-config", "--id", id_})["DistributionConfig"];
  }
  std::string example(const std::string& name) const {
    return read_file(data_path("policies/c7n/distribution/" + name + ".yml"));
  }
  // `policy` with its filter on the behaviours' ViewerProtocolPolicy replaced by one on the
  // distribution's Id: moto 5.2.1 lists distributions without their behaviours.
  std::string found_by_id(std::string policy) const {
    const std::string filter = R"(      - type: value
        key: CacheBehaviors.Items[].ViewerProtocolPolicy
        value: allow-all
        op: contains
)";
    const std::size_t at = policy.find(filter);
    EXPECT_NE(at, std::string::npos) << policy;
    if (at != std::string::npos) policy.replace(at, filter.size(), "      - Id: " + id_ + "\n");
    return policy;
  }

  std::string id_;
};

// Cloud Custodian's distribution-delete: a distribution serving plain HTTP is disabled. moto
// 5.2.1 lists distributions without their behaviours, so the policy finds it by its Id.
TEST_F(CloudFrontConfigTest, ADistributionServingPlainHttpIsDisabled) {
  auto enabled = [&] { return config()["Enabled"]; };
  const std::string policy = found_by_id(example("cloudfront-589-distribution-delete"));
  Json records =
      prove_action(policy, "distribution-delete", enabled, "cloudfront UpdateDistribution");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["resource"], id_);
  EXPECT_EQ(enabled(), false);
  expect_undo_restores(records, enabled, true);
}

// Cloud Custodian's enforce-distribution-logging: logging on, the rest of the configuration
// as it was (the origin, the behaviours); the comment and Enabled as the attributes say.
TEST_F(CloudFrontConfigTest, LoggingIsTurnedOnAndTheRestKept) {
  const Json before = config();
  auto logging = [&] {
    Json now = config();
    return Json::array({now["Logging"].value("Enabled", false), now["Logging"].value("Bucket", ""),
                        now["Comment"]});
  };
  Json records =
      prove_action(example("cloudfront-799-enforce-distribution-logging"),
                   "enforce-distribution-logging", logging, "cloudfront UpdateDistribution");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(logging(), Json::parse(R"([true, "test-enable-logging-c7n.s3.amazonaws.com", ""])"));
  Json after = config();
  EXPECT_EQ(after["Origins"], before["Origins"]);
  EXPECT_EQ(after["CacheBehaviors"], before["CacheBehaviors"]);
  EXPECT_EQ(after["DefaultCacheBehavior"], before["DefaultCacheBehavior"]);
  expect_undo_restores(records, logging,
                       Json::array({before["Logging"].value("Enabled", false),
                                    before["Logging"].value("Bucket", ""), "web"}));
}

// Cloud Custodian's distribution-set-ssl: https-only on the default behaviour and every cache
// behaviour, the origins as they were. moto 5.2.1 lists distributions without their
// behaviours, so the policy finds it by its Id.
TEST_F(CloudFrontConfigTest, EveryBehaviourIsSetToHttpsOnly) {
  const Json before = config();
  auto viewer = [&] {
    Json now = config();
    Json policies = Json::array({now["DefaultCacheBehavior"]["ViewerProtocolPolicy"]});
    for (const Json& item : now["CacheBehaviors"].value("Items", Json::array()))
      policies.push_back(item["ViewerProtocolPolicy"]);
    return policies;
  };
  const std::string policy = found_by_id(example("cloudfront-682-distribution-set-ssl"));
  Json records =
      prove_action(policy, "distribution-set-ssl", viewer, "cloudfront UpdateDistribution");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(viewer(), Json::parse(R"(["https-only", "https-only"])"));
  EXPECT_EQ(config()["Origins"], before["Origins"]);
  expect_undo_restores(records, viewer, Json::parse(R"(["redirect-to-https", "allow-all"])"));
}

// Cloud Custodian's mismatch-s3-origin: with check_custom_origins, a custom origin on an S3
// website domain whose bucket is not this account's, until the bucket is created.
TEST_F(CloudFrontConfigTest, AnS3OriginWhoseBucketIsNotOursIsFound) {
  Json custom = Json::parse(R"({"CallerReference": "custos-web", "Comment": "site",
    "Enabled": true,
    "Origins": {"Quantity": 1, "Items": [{"Id": "w", "OriginPath": "",
      "DomainName": "logs.s3-website-us-east-1.amazonaws.com",
      "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                             "OriginProtocolPolicy": "http-only"}}]},
    "DefaultCacheBehavior": {"TargetOriginId": "w", "ViewerProtocolPolicy": "allow-all",
      "MinTTL": 0, "ForwardedValues": {"QueryString": false, "Cookies": {"Forward": "none"}},
      "TrustedSigners": {"Enabled": false, "Quantity": 0}}})");
  std::string site = aws_cli({"cloudfront", "create-distribution", "--distribution-config",
                              custom.dump()})["Distribution"]["Id"];
  const std::string yaml = example("cloudfront-329-mismatch-s3-origin");
  auto found = [&] {
    Json by_id = Json::object();
    for (const Json& d : matched_by(yaml, "mismatch-s3-origin"))
      by_id[d["Id"].get<std::string>()] = d["c7n:mismatched-s3-origin"];
    return by_id;
  };
  // moto 5.2.1 leaves S3OriginConfig out of the configuration it answers with, so the
  // fixture's S3 origin (example.s3.amazonaws.com) is no origin of either kind here.
  EXPECT_EQ(found(), (Json{{site, {"logs"}}}));
  aws_cli({"s3api", "create-bucket", "--bucket", "logs"});
  EXPECT_EQ(found(), Json::object());
}

// One streaming distribution, SD1, as CloudFront's REST API serves it: listed, its
// configuration read with an ETag and replaced by a PUT that must name the current ETag.
class StreamingStore {
 public:
  std::optional<FaultProxy::Reply> answer(const FaultProxy::Arrival& arrival) {
    const std::string& target = arrival.target;
    std::lock_guard lock(mutex_);
    if (target.find("/tagging") != std::string::npos &&
        target.find("streaming-distribution") != std::string::npos)
      return reply("<Tags xmlns=\"" + std::string(kNamespace) + "\"><Items/></Tags>");
    if (target.starts_with("/2020-05-31/streaming-distribution/SD1/config")) {
      if (arrival.method == "PUT") {
        auto match = arrival.headers.find("If-Match");
        if (match == arrival.headers.end() || match->second != etag())
          return reply(
              "<ErrorResponse><Error><Code>PreconditionFailed</Code><Message>stale"
              "</Message></Error></ErrorResponse>",
              412);
        config_ = arrival.body.substr(arrival.body.find("<StreamingDistributionConfig"));
        ++version_;
        return reply("<StreamingDistribution xmlns=\"" + std::string(kNamespace) +
                     "\"><Id>SD1</Id><ARN>" + kArn + "</ARN><Status>InProgress</Status>" +
                     "<DomainName>s1.cloudfront.net</DomainName>" + without_namespace(config_) +
                     "</StreamingDistribution>");
      }
      return reply(config_);
    }
    if (target.starts_with("/2020-05-31/streaming-distribution"))
      return reply("<StreamingDistributionList xmlns=\"" + std::string(kNamespace) +
                   "\"><Marker></Marker><MaxItems>100</MaxItems><IsTruncated>false</IsTruncated>"
                   "<Quantity>1</Quantity><Items><StreamingDistributionSummary><Id>SD1</Id><ARN>" +
                   kArn +
                   "</ARN><Status>Deployed</Status><DomainName>s1.cloudfront.net</DomainName>"
                   "<Comment>media</Comment><Enabled>true</Enabled></StreamingDistributionSummary>"
                   "</Items></StreamingDistributionList>");
    return std::nullopt;
  }

 private:
  static constexpr const char* kNamespace = "http://cloudfront.amazonaws.com/doc/2020-05-31/";
  static constexpr const char* kArn = "arn:aws:cloudfront::123456789012:streaming-distribution/SD1";
  std::string etag() const { return "E" + std::to_string(version_); }
  FaultProxy::Reply reply(std::string body, int status = 200) const {
    FaultProxy::Reply reply;
    reply.status = status;
    reply.body = std::move(body);
    reply.headers["ETag"] = etag();
    return reply;
  }
  static std::string without_namespace(std::string xml) {
    std::size_t at = xml.find(" xmlns=");
    if (at != std::string::npos) xml.erase(at, xml.find('>', at) - at);
    return xml;
  }

  std::mutex mutex_;
  int version_ = 1;
  std::string config_ =
      "<StreamingDistributionConfig xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\">"
      "<CallerReference>media</CallerReference><S3Origin><DomainName>media.s3.amazonaws.com"
      "</DomainName><OriginAccessIdentity></OriginAccessIdentity></S3Origin><Aliases><Quantity>0"
      "</Quantity></Aliases><Comment>media</Comment><Logging><Enabled>false</Enabled><Bucket>"
      "</Bucket><Prefix></Prefix></Logging><TrustedSigners><Enabled>false</Enabled><Quantity>0"
      "</Quantity></TrustedSigners><PriceClass>PriceClass_All</PriceClass><Enabled>true"
      "</Enabled></StreamingDistributionConfig>";
};

// Cloud Custodian's enforce-streaming-distribution-logging and streaming-distribution-delete,
// on SD1 (a listing has no Logging or S3Origin, so the policies name it by its Id): logging
// replaced whole, then the distribution disabled, each undone through the ETag.
TEST_F(CloudFrontConfigTest, AStreamingDistributionLogsAndIsDisabled) {
  auto store = std::make_shared<StreamingStore>();
  FaultProxy proxy(emulator().url());
  proxy.answer_with([store](const FaultProxy::Arrival& arrival) { return store->answer(arrival); });
  const std::map<std::string, std::string> env = {{"AWS_ENDPOINT_URL", proxy.url()}};
  auto config = [&] {
    ProcessResult read = run_aws_cli({"cloudfront", "get-streaming-distribution-config", "--id",
                                      "SD1", "--endpoint-url", proxy.url()},
                                     emulator_env());
    EXPECT_EQ(read.exit_code, 0) << read.err;
    return Json::parse(read.out)["StreamingDistributionConfig"];
  };
  auto logging = [&] { return config()["Logging"]; };
  std::string policy =
      read_file(data_path("policies/c7n/streaming-distribution/"
                          "cloudfront-888-enforce-streaming-distribution-logging.yml"));
  const std::string filter = R"(      - type: value
        key: "Logging.Enabled"
        value: false
)";
  ASSERT_NE(policy.find(filter), std::string::npos);
  policy.replace(policy.find(filter), filter.size(), "      - Id: SD1\n");
  const Json before = logging();
  Json records = prove_action(policy, "enforce-streaming-distribution-logging", logging,
                              "cloudfront UpdateStreamingDistribution", env);
  EXPECT_EQ(logging(), Json::parse(R"({"Enabled": true, "Bucket":
      "test-enable-logging-c7n.s3.amazonaws.com", "Prefix": ""})"));
  EXPECT_EQ(config()["Comment"], "media");

  std::string disable = read_file(data_path(
      "policies/c7n/streaming-distribution/cloudfront-636-streaming-distribution-delete.yml"));
  const std::string origin = R"(      - type: value
        key: S3Origin.OriginAccessIdentity
        value: ''
)";
  ASSERT_NE(disable.find(origin), std::string::npos);
  disable.replace(disable.find(origin), origin.size(), "      - Id: SD1\n");
  Json off = prove_action(
      disable, "streaming-distribution-delete", [&] { return config()["Enabled"]; },
      "cloudfront UpdateStreamingDistribution", env);
  EXPECT_EQ(config()["Enabled"], false);

  // The undo names the ETag its change returned: the disable's undo puts Enabled back; the
  // logging's, made before it, is refused rather than overwrite the later change.
  expect_undo_restores(
      off, [&] { return config()["Enabled"]; }, true, proxy.url());
  ProcessResult stale =
      run_aws_cli({"cloudfront", "update-streaming-distribution", "--cli-input-json",
                   records[0]["undo"][0]["params"].dump(), "--endpoint-url", proxy.url()},
                  emulator_env());
  EXPECT_NE(stale.exit_code, 0) << "an undo with an old ETag overwrote a later change";
  EXPECT_NE(logging(), before);
}

}  // namespace
}  // namespace custos::test
