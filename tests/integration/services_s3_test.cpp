// S3 (rest-xml) through custos's client against moto, each result checked against botocore's
// parse of the same bytes (ServicesTest), and `custos call` against the AWS CLI.
#include "aws/protocol_codec.h"
#include "integration/services_support.h"

namespace custos::test {
namespace {

class S3Test : public ServicesTest {
 protected:
  void put_objects(const std::string& bucket, const std::vector<std::string>& keys) {
    for (const auto& key : keys) {
      call("s3", "PutObject", {{"Bucket", bucket}, {"Key", key}, {"Body", "data of " + key}});
    }
  }
};

const std::vector<std::string> kKeys = {"a.txt", "dir/b c.txt", "dir/ü+é&=.txt", "z%20.log",
                                        "zz/nested/key"};

TEST_F(S3Test, ListObjectsV2PagesWithContinuationTokensAndDecodesKeys) {
  call("s3", "CreateBucket", {{"Bucket", "logs-bucket"}});
  put_objects("logs-bucket", kKeys);
  std::vector<std::string> seen;
  Json params = {{"Bucket", "logs-bucket"}, {"MaxKeys", 2}};
  for (int page = 0; page < 10; ++page) {
    const Json result = call("s3", "ListObjectsV2", params);
    for (const auto& object : result.value("Contents", Json::array()))
      seen.push_back(object["Key"]);
    if (!result.value("IsTruncated", false)) break;
    ASSERT_TRUE(result.contains("NextContinuationToken"));
    params["ContinuationToken"] = result["NextContinuationToken"];
  }
  EXPECT_EQ(seen, kKeys);
  EXPECT_GE(recorded_calls(), 3u + kKeys.size());
}

TEST_F(S3Test, ListObjectsV1WithDelimiterAndMarker) {
  call("s3", "CreateBucket", {{"Bucket", "tree"}});
  put_objects("tree", kKeys);
  const Json top = call("s3", "ListObjects", {{"Bucket", "tree"}, {"Delimiter", "/"}});
  ASSERT_EQ(top["CommonPrefixes"].size(), 2u);
  EXPECT_EQ(top["CommonPrefixes"][0]["Prefix"], "dir/");
  const Json rest = call("s3", "ListObjects", {{"Bucket", "tree"}, {"Marker", "dir/b c.txt"}});
  ASSERT_FALSE(rest["Contents"].empty());
  EXPECT_EQ(rest["Contents"][0]["Key"], "dir/ü+é&=.txt");
  const Json raw = call("s3", "ListObjects", {{"Bucket", "tree"}, {"EncodingType", "url"}});
  EXPECT_EQ(raw["Contents"].size(), kKeys.size());
}

TEST_F(S3Test, BucketPolicyRoundTrip) {
  call("s3", "CreateBucket", {{"Bucket", "policy-bucket"}});
  const Json missing = call("s3", "GetBucketPolicy", {{"Bucket", "policy-bucket"}}, true);
  EXPECT_EQ(missing["Error"]["Code"], "NoSuchBucketPolicy");
  const std::string policy =
      R"({"Version":"2012-10-17","Statement":[{"Sid":"deny-http","Effect":"Deny","Principal":"*",)"
      R"("Action":"s3:*","Resource":"arn:aws:s3:::policy-bucket/*",)"
      R"("Condition":{"Bool":{"aws:SecureTransport":"false"}}}]})";
  call("s3", "PutBucketPolicy", {{"Bucket", "policy-bucket"}, {"Policy", policy}});
  const Json got = call("s3", "GetBucketPolicy", {{"Bucket", "policy-bucket"}});
  EXPECT_EQ(Json::parse(got["Policy"].get<std::string>()), Json::parse(policy));
}

TEST_F(S3Test, GetBucketLocationReadsTheBareLocationConstraint) {
  call("s3", "CreateBucket", {{"Bucket", "east"}});
  call("s3", "CreateBucket",
       {{"Bucket", "west"}, {"CreateBucketConfiguration", {{"LocationConstraint", "eu-west-1"}}}});
  EXPECT_EQ(call("s3", "GetBucketLocation", {{"Bucket", "west"}})["LocationConstraint"],
            "eu-west-1");
  EXPECT_TRUE(
      call("s3", "GetBucketLocation", {{"Bucket", "east"}})["LocationConstraint"].is_null());
}

TEST_F(S3Test, PublicAccessBlockRoundTrip) {
  call("s3", "CreateBucket", {{"Bucket", "locked"}});
  const Json block = {{"BlockPublicAcls", true},
                      {"IgnorePublicAcls", true},
                      {"BlockPublicPolicy", false},
                      {"RestrictPublicBuckets", true}};
  call("s3", "PutPublicAccessBlock",
       {{"Bucket", "locked"}, {"PublicAccessBlockConfiguration", block}});
  EXPECT_EQ(call("s3", "GetPublicAccessBlock", {{"Bucket", "locked"}}),
            Json({{"PublicAccessBlockConfiguration", block}}));
  const Json head = call("s3", "HeadBucket", {{"Bucket", "nowhere"}}, true);
  EXPECT_EQ(head["Error"]["Code"], "404");
}

// A blob payload handed over raw is the object's bytes exactly, with the answer's other
// members; the usual call carries the same bytes base64-encoded.
TEST_F(S3Test, GetObjectHandsItsPayloadOverRaw) {
  std::string bytes;
  for (int i = 0; i < 4096 * 256; ++i) bytes += static_cast<char>(i % 251);
  write("object.bin", bytes);
  aws_cli({"s3api", "create-bucket", "--bucket", "raw-bucket"});
  aws_cli({"s3api", "put-object", "--bucket", "raw-bucket", "--key", "object.bin", "--body",
           path("object.bin")});
  const Json params = {{"Bucket", "raw-bucket"}, {"Key", "object.bin"}};
  std::string payload;
  Json answer = client().call("s3", "GetObject", params, payload);
  EXPECT_TRUE(payload == bytes) << payload.size() << " bytes, not the " << bytes.size() << " sent";
  EXPECT_EQ(answer["ContentLength"], bytes.size());
  EXPECT_FALSE(answer.contains("Body"));
  EXPECT_TRUE(aws::codec::base64_decode(
                  client().call("s3", "GetObject", params)["Body"].get<std::string>()) == bytes);
  EXPECT_THROW(client().call("s3", "ListBuckets", Json::object(), payload), InputError);
}

TEST_F(S3Test, CustosCallPrintsWhatTheAwsCliPrints) {
  call("s3", "CreateBucket",
       {{"Bucket", "cli-bucket"},
        {"CreateBucketConfiguration", {{"LocationConstraint", "eu-west-1"}}}});
  put_objects("cli-bucket", kKeys);
  // The CLI paginates list-objects-v2 and prints botocore's full result, as --paginate does.
  EXPECT_EQ(
      normalized(custos_call("s3", "ListObjectsV2", {{"Bucket", "cli-bucket"}}, {"--paginate"})),
      normalized(aws_cli({"s3api", "list-objects-v2", "--bucket", "cli-bucket"})));
  EXPECT_EQ(normalized(custos_call("s3", "ListObjectsV2",
                                   {{"Bucket", "cli-bucket"}, {"MaxKeys", 2}}, {"--paginate"})),
            normalized(aws_cli(
                {"s3api", "list-objects-v2", "--bucket", "cli-bucket", "--page-size", "2"})));
  EXPECT_EQ(custos_call("s3", "GetBucketLocation", {{"Bucket", "cli-bucket"}}),
            aws_cli({"s3api", "get-bucket-location", "--bucket", "cli-bucket"}));
}

}  // namespace
}  // namespace custos::test
