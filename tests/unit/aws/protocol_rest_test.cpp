// rest-xml (S3), json (KMS) and rest-json (Lambda) with the real models: the bindings custos
// relies on beyond the conformance suites.
#include <gtest/gtest.h>

#include <algorithm>

#include "aws/protocol.h"
#include "aws/protocol_codec.h"
#include "core/error.h"

namespace custos::aws {
namespace {

TEST(RestXmlProtocol, BindsGreedyKeysHeadersAndQuery) {
  const auto s3 = ServiceModel::load("s3");
  const HttpRequest r = serialize_request(*s3, s3->operation("GetObject"),
                                          {{"Bucket", "my-bucket"},
                                           {"Key", "logs/2024/a b+c.txt"},
                                           {"VersionId", "v1"},
                                           {"IfModifiedSince", "2015-01-25T08:00:00Z"}},
                                          "https://s3.us-east-1.amazonaws.com");
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.url,
            "https://my-bucket.s3.us-east-1.amazonaws.com/logs/2024/a%20b%2Bc.txt?versionId=v1");
  const std::string* since = codec::find_header(r.headers, "If-Modified-Since");
  ASSERT_NE(since, nullptr);
  EXPECT_EQ(*since, "Sun, 25 Jan 2015 08:00:00 GMT");
  EXPECT_THROW(serialize_request(*s3, s3->operation("GetObject"), {{"Bucket", "b"}},
                                 "https://s3.amazonaws.com"),
               InputError);
}

// An operation's host prefix (MWAA's "api.") goes before a host name, never before an IP
// address, which it would turn into no host at all (an emulator at 127.0.0.1).
TEST(RestJsonProtocol, PrefixesHostNamesButNotIpAddresses) {
  const auto mwaa = ServiceModel::load("mwaa");
  const auto url = [&](const std::string& endpoint) {
    return serialize_request(*mwaa, mwaa->operation("ListEnvironments"), Json::object(), endpoint)
        .url;
  };
  EXPECT_EQ(url("https://airflow.us-east-1.amazonaws.com"),
            "https://api.airflow.us-east-1.amazonaws.com/environments");
  EXPECT_EQ(url("http://localhost:5000"), "http://api.localhost:5000/environments");
  EXPECT_EQ(url("http://127.0.0.1:5000"), "http://127.0.0.1:5000/environments");
  EXPECT_EQ(url("http://[::1]:5000/"), "http://[::1]:5000/environments");
}

// botocore's addressing: virtual-hosted on AWS's own endpoints when the bucket is one DNS label,
// else the bucket leads the path.
TEST(RestXmlProtocol, AddressesS3BucketsByHostOrByPath) {
  const auto s3 = ServiceModel::load("s3");
  const auto url = [&](const std::string& operation, const Json& params,
                       const std::string& endpoint) {
    return serialize_request(*s3, s3->operation(operation), params, endpoint).url;
  };
  EXPECT_EQ(url("GetBucketPolicy", {{"Bucket", "logs-1"}}, "https://s3.eu-west-1.amazonaws.com"),
            "https://logs-1.s3.eu-west-1.amazonaws.com/?policy");
  EXPECT_EQ(url("ListObjectsV2", {{"Bucket", "logs-1"}, {"EncodingType", "url"}},
                "https://s3.amazonaws.com"),
            "https://logs-1.s3.amazonaws.com/?list-type=2&encoding-type=url");
  EXPECT_EQ(url("GetBucketPolicy", {{"Bucket", "my.dotted.bucket"}}, "https://s3.amazonaws.com"),
            "https://s3.amazonaws.com/my.dotted.bucket?policy");
  EXPECT_EQ(url("GetBucketPolicy", {{"Bucket", "Upper_Case"}}, "https://s3.amazonaws.com"),
            "https://s3.amazonaws.com/Upper_Case?policy");
  EXPECT_EQ(url("GetObject", {{"Bucket", "logs-1"}, {"Key", "k"}}, "http://127.0.0.1:5000"),
            "http://127.0.0.1:5000/logs-1/k");
  EXPECT_EQ(url("ListBuckets", Json::object(), "https://s3.amazonaws.com"),
            "https://s3.amazonaws.com/");
}

TEST(RestXmlProtocol, S3ListingsAskForUrlEncodingAndDecodeWhatTheyAskedFor) {
  const auto s3 = ServiceModel::load("s3");
  const Operation& op = s3->operation("ListObjectsV2");
  const HttpRequest r = serialize_request(*s3, op, {{"Bucket", "b"}}, "http://127.0.0.1:1");
  EXPECT_EQ(r.url, "http://127.0.0.1:1/b?list-type=2&encoding-type=url");
  const HttpResponse response{
      200,
      {},
      "<ListBucketResult><Name>b</Name><Prefix>a%2Fb+c</Prefix><EncodingType>url</EncodingType>"
      "<Contents><Key>a%2Fb+c%C3%BC%2B.txt</Key></Contents></ListBucketResult>"};
  const Json decoded = parse_response(*s3, op, response, {{"Bucket", "b"}});
  EXPECT_EQ(decoded["Contents"][0]["Key"], "a/b cü+.txt");
  EXPECT_EQ(decoded["Prefix"], "a/b c");
  const Json asked = parse_response(*s3, op, response, {{"Bucket", "b"}, {"EncodingType", "url"}});
  EXPECT_EQ(asked["Contents"][0]["Key"], "a%2Fb+c%C3%BC%2B.txt");
}

TEST(RestXmlProtocol, GetBucketLocationReadsTheBareBody) {
  const auto s3 = ServiceModel::load("s3");
  const Operation& op = s3->operation("GetBucketLocation");
  const std::string ns = "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";
  HttpResponse response{200, {}, "<LocationConstraint " + ns + ">eu-west-1</LocationConstraint>"};
  EXPECT_EQ(parse_response(*s3, op, response), (Json{{"LocationConstraint", "eu-west-1"}}));
  response.body = "<LocationConstraint " + ns + "/>";
  EXPECT_EQ(parse_response(*s3, op, response), (Json{{"LocationConstraint", nullptr}}));
}

TEST(RestXmlProtocol, S3RegionErrorsNameTheRegion) {
  const auto s3 = ServiceModel::load("s3");
  const ErrorInfo head = parse_error(*s3, {301, {{"x-amz-bucket-region", "eu-west-1"}}, ""});
  EXPECT_EQ(head.code, "301");
  EXPECT_EQ(head.message,
            "Moved Permanently; the bucket is in region eu-west-1: call it with that region "
            "(--region eu-west-1 or AWS_REGION=eu-west-1)");
  const ErrorInfo malformed = parse_error(
      *s3, {400,
            {},
            "<Error><Code>AuthorizationHeaderMalformed</Code><Message>the region 'us-east-1' is "
            "wrong; expecting 'ap-south-1'</Message><Region>ap-south-1</Region></Error>"});
  EXPECT_EQ(malformed.code, "AuthorizationHeaderMalformed");
  EXPECT_NE(malformed.message.find("; the bucket is in region ap-south-1"), std::string::npos);
  const ErrorInfo missing = parse_error(*s3, {404, {}, ""});
  EXPECT_EQ(missing.code, "404");
  EXPECT_EQ(missing.message, "Not Found");
}

TEST(RestXmlProtocol, SerializesXmlPayloadsInModelOrder) {
  const auto s3 = ServiceModel::load("s3");
  const HttpRequest r = serialize_request(
      *s3, s3->operation("PutBucketTagging"),
      {{"Bucket", "b"}, {"Tagging", {{"TagSet", {{{"Value", "v"}, {"Key", "k"}}}}}}},
      "https://s3.amazonaws.com");
  EXPECT_EQ(r.method, "PUT");
  EXPECT_EQ(r.url, "https://s3.amazonaws.com/b?tagging");
  EXPECT_EQ(r.body,
            "<Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TagSet><Tag><Key>k</Key>"
            "<Value>v</Value></Tag></TagSet></Tagging>");
}

// Operations whose model requires a body checksum (DeleteObjects) carry Content-MD5, as S3
// refuses them otherwise; others (GetObject) do not.
TEST(RestXmlProtocol, SendsContentMd5WhereTheModelRequiresAChecksum) {
  const auto s3 = ServiceModel::load("s3");
  const HttpRequest r = serialize_request(
      *s3, s3->operation("DeleteObjects"),
      {{"Bucket", "b"}, {"Delete", {{"Objects", {{{"Key", "a.txt"}}}}, {"Quiet", true}}}},
      "https://s3.amazonaws.com");
  EXPECT_EQ(r.body,
            "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Object><Key>a.txt</Key>"
            "</Object><Quiet>true</Quiet></Delete>");
  auto md5 = std::find_if(r.headers.begin(), r.headers.end(),
                          [](const auto& header) { return header.first == "Content-MD5"; });
  ASSERT_NE(md5, r.headers.end());
  EXPECT_EQ(md5->second, "qV1NHoXYuUUU2A6KAWgpyw==");  // Python's base64(md5(body))
  const HttpRequest get = serialize_request(
      *s3, s3->operation("GetObject"), {{"Bucket", "b"}, {"Key", "k"}}, "https://s3.amazonaws.com");
  for (const auto& [name, value] : get.headers) EXPECT_NE(name, "Content-MD5");
}

TEST(RestXmlProtocol, ParsesS3ErrorsAndHeaders) {
  const auto s3 = ServiceModel::load("s3");
  HttpResponse response;
  response.status = 404;
  response.headers = {{"x-amz-request-id", "4442587FB7D0A2F9"}};
  response.body =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchBucket</Code>"
      "<Message>The specified bucket does not exist</Message><BucketName>nope</BucketName>"
      "<RequestId>4442587FB7D0A2F9</RequestId></Error>";
  const ErrorInfo error = parse_error(*s3, response);
  EXPECT_EQ(error.code, "NoSuchBucket");
  EXPECT_EQ(error.message, "The specified bucket does not exist");
  EXPECT_EQ(error.request_id, "4442587FB7D0A2F9");

  response = HttpResponse{200,
                          {{"content-length", "11"},
                           {"last-modified", "Wed, 12 Oct 2009 17:50:00 GMT"},
                           {"x-amz-meta-owner", "alice"}},
                          ""};
  const Json head = parse_response(*s3, s3->operation("HeadObject"), response);
  EXPECT_EQ(head["ContentLength"], 11);
  EXPECT_EQ(head["LastModified"], "2009-10-12T17:50:00+00:00");
  EXPECT_EQ(head["Metadata"], (Json{{"owner", "alice"}}));
}

TEST(JsonProtocol, SerializesTargetAndParsesErrors) {
  const auto kms = ServiceModel::load("kms");
  const HttpRequest r = serialize_request(*kms, kms->operation("DescribeKey"),
                                          {{"KeyId", "alias/x"}}, "https://kms.amazonaws.com");
  EXPECT_EQ(*codec::find_header(r.headers, "X-Amz-Target"), "TrentService.DescribeKey");
  EXPECT_EQ(*codec::find_header(r.headers, "Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(Json::parse(r.body), (Json{{"KeyId", "alias/x"}}));

  HttpResponse response{400,
                        {{"x-amzn-requestid", "req-9"}},
                        R"({"__type":"com.amazonaws.kms#NotFoundException","message":"gone"})"};
  const ErrorInfo error = parse_error(*kms, response);
  EXPECT_EQ(error.code, "NotFoundException");
  EXPECT_EQ(error.message, "gone");
  EXPECT_EQ(error.request_id, "req-9");

  response = HttpResponse{
      200, {}, R"({"KeyMetadata":{"KeyId":"k1","CreationDate":1.4788042E9,"Enabled":true}})"};
  const Json parsed = parse_response(*kms, kms->operation("DescribeKey"), response);
  EXPECT_EQ(parsed["KeyMetadata"]["CreationDate"], "2016-11-10T18:56:40+00:00");
  EXPECT_EQ(parsed["KeyMetadata"]["Enabled"], true);
}

TEST(RestJsonProtocol, BindsUriAndQueryAndReadsErrorTypeHeader) {
  const auto lambda = ServiceModel::load("lambda");
  const HttpRequest r =
      serialize_request(*lambda, lambda->operation("ListFunctions"), {{"MaxItems", 10}},
                        "https://lambda.us-east-1.amazonaws.com");
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.url, "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/?MaxItems=10");

  const HttpResponse response{404,
                              {{"x-amzn-errortype", "ResourceNotFoundException:http://internal"}},
                              R"({"Type":"User","Message":"Function not found"})"};
  const ErrorInfo error = parse_error(*lambda, response);
  EXPECT_EQ(error.code, "ResourceNotFoundException");
  EXPECT_EQ(error.message, "Function not found");
}

}  // namespace
}  // namespace custos::aws
