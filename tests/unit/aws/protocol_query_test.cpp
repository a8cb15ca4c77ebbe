// ec2 and query protocols with the real EC2, IAM and STS models: requests, results, errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "aws/protocol.h"
#include "core/error.h"

namespace custos::aws {
namespace {

using ::testing::HasSubstr;

std::string form_field(const std::string& body, const std::string& key) {
  const std::string needle = key + "=";
  for (std::size_t start = 0; start < body.size();) {
    auto end = body.find('&', start);
    if (end == std::string::npos) end = body.size();
    if (body.compare(start, needle.size(), needle) == 0) {
      return body.substr(start + needle.size(), end - start - needle.size());
    }
    start = end + 1;
  }
  return "<absent>";
}

TEST(Ec2Protocol, SerializesDescribeInstances) {
  const auto ec2 = ServiceModel::load("ec2");
  const HttpRequest r =
      serialize_request(*ec2, ec2->operation("DescribeInstances"),
                        {{"InstanceIds", {"i-1", "i-2"}},
                         {"Filters", {{{"Name", "tag:Env"}, {"Values", {"prod dev"}}}}},
                         {"MaxResults", 5}},
                        "https://ec2.us-east-1.amazonaws.com");
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://ec2.us-east-1.amazonaws.com/");
  EXPECT_EQ(form_field(r.body, "Action"), "DescribeInstances");
  EXPECT_EQ(form_field(r.body, "Version"), "2016-11-15");
  EXPECT_EQ(form_field(r.body, "InstanceId.1"), "i-1");
  EXPECT_EQ(form_field(r.body, "InstanceId.2"), "i-2");
  EXPECT_EQ(form_field(r.body, "Filter.1.Name"), "tag%3AEnv");
  EXPECT_EQ(form_field(r.body, "Filter.1.Value.1"), "prod%20dev");
  EXPECT_EQ(form_field(r.body, "MaxResults"), "5");
}

TEST(Ec2Protocol, FillsIdempotencyTokensAndFormatsBooleans) {
  const auto ec2 = ServiceModel::load("ec2");
  const HttpRequest r = serialize_request(
      *ec2, ec2->operation("RunInstances"),
      {{"ImageId", "ami-1"}, {"MinCount", 1}, {"MaxCount", 1}, {"DisableApiTermination", true}},
      "https://ec2.amazonaws.com");
  EXPECT_EQ(form_field(r.body, "DisableApiTermination"), "true");
  EXPECT_EQ(form_field(r.body, "ClientToken").size(), 36u);
}

TEST(Ec2Protocol, RejectsParamsThatDoNotFitTheShape) {
  const auto ec2 = ServiceModel::load("ec2");
  const Operation& op = ec2->operation("DescribeInstances");
  try {
    serialize_request(*ec2, op, {{"InstanceId", {"i-1"}}}, "https://ec2.amazonaws.com");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("unknown parameter InstanceId"));
    EXPECT_THAT(e.what(), HasSubstr("InstanceIds"));
  }
  EXPECT_THROW(serialize_request(*ec2, op, {{"MaxResults", "5"}}, "https://ec2.amazonaws.com"),
               InputError);
  EXPECT_THROW(
      serialize_request(*ec2, op, {{"Filters", {{{"Nme", "x"}}}}}, "https://ec2.amazonaws.com"),
      InputError);
}

TEST(Ec2Protocol, ParsesErrors) {
  const auto ec2 = ServiceModel::load("ec2");
  HttpResponse response;
  response.status = 400;
  response.body =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error>"
      "<Code>InvalidInstanceID.NotFound</Code><Message>The instance ID 'i-1' does not exist"
      "</Message></Error></Errors><RequestID>req-123</RequestID></Response>";
  const ErrorInfo error = parse_error(*ec2, response);
  EXPECT_EQ(error.code, "InvalidInstanceID.NotFound");
  EXPECT_EQ(error.message, "The instance ID 'i-1' does not exist");
  EXPECT_EQ(error.request_id, "req-123");
}

TEST(QueryProtocol, SerializesIamListsAndTimestampsAsIso8601) {
  const auto iam = ServiceModel::load("iam");
  const HttpRequest r = serialize_request(
      *iam, iam->operation("TagRole"),
      {{"RoleName", "r"}, {"Tags", {{{"Key", "k"}, {"Value", "v"}}}}}, "https://iam.amazonaws.com");
  EXPECT_EQ(form_field(r.body, "Tags.member.1.Key"), "k");
  EXPECT_EQ(form_field(r.body, "Tags.member.1.Value"), "v");
  EXPECT_EQ(form_field(r.body, "Version"), "2010-05-08");

  const auto cloudwatch = ServiceModel::load("cloudwatch");
  const HttpRequest stats =
      serialize_request(*cloudwatch, cloudwatch->operation("GetMetricStatistics"),
                        {{"Namespace", "AWS/EC2"},
                         {"MetricName", "CPUUtilization"},
                         {"StartTime", 1422172800},
                         {"EndTime", "2015-01-25T09:00:00+01:00"},
                         {"Period", 60},
                         {"Statistics", {"Average"}}},
                        "https://monitoring.amazonaws.com");
  EXPECT_EQ(form_field(stats.body, "StartTime"), "2015-01-25T08%3A00%3A00Z");
  EXPECT_EQ(form_field(stats.body, "EndTime"), "2015-01-25T08%3A00%3A00Z");
  EXPECT_EQ(form_field(stats.body, "Statistics.member.1"), "Average");
}

TEST(QueryProtocol, UnwrapsResultsAndPrintsTimestampsLikeTheCli) {
  const auto sts = ServiceModel::load("sts");
  HttpResponse response;
  response.status = 200;
  response.body =
      "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
      "<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/alice</Arn>"
      "<UserId>AIDA</UserId><Account>123456789012</Account></GetCallerIdentityResult>"
      "<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>"
      "</GetCallerIdentityResponse>";
  EXPECT_EQ(parse_response(*sts, sts->operation("GetCallerIdentity"), response),
            (Json{{"Arn", "arn:aws:iam::123456789012:user/alice"},
                  {"UserId", "AIDA"},
                  {"Account", "123456789012"}}));

  const auto iam = ServiceModel::load("iam");
  response.body =
      "<GetUserResponse><GetUserResult><User><UserName>bob</UserName>"
      "<CreateDate>2012-05-09T16:27:03.250Z</CreateDate></User></GetUserResult>"
      "</GetUserResponse>";
  const Json user = parse_response(*iam, iam->operation("GetUser"), response)["User"];
  EXPECT_EQ(user["CreateDate"], "2012-05-09T16:27:03.250000+00:00");
}

TEST(QueryProtocol, ParsesErrorsAndGenericFailures) {
  const auto iam = ServiceModel::load("iam");
  HttpResponse response;
  response.status = 404;
  response.body =
      "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error>"
      "<Type>Sender</Type><Code>NoSuchEntity</Code><Message>The role with name x cannot be "
      "found.</Message></Error><RequestId>abc</RequestId></ErrorResponse>";
  ErrorInfo error = parse_error(*iam, response);
  EXPECT_EQ(error.code, "NoSuchEntity");
  EXPECT_EQ(error.message, "The role with name x cannot be found.");
  EXPECT_EQ(error.request_id, "abc");

  response.status = 503;
  response.body = "<html><body>Service Unavailable</body></html>";
  response.headers = {{"x-amzn-requestid", "gen-1"}};
  error = parse_error(*iam, response);
  EXPECT_EQ(error.code, "503");
  EXPECT_EQ(error.request_id, "gen-1");
}

}  // namespace
}  // namespace custos::aws
