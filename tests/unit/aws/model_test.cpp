// ServiceModel over botocore's installed models: loading, caching, shape resolution, errors.
#include "aws/model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include "core/error.h"

namespace custos::aws {
namespace {

using ::testing::HasSubstr;

TEST(ServiceModel, LoadsTheNewestEc2Model) {
  const auto model = ServiceModel::load("ec2");
  EXPECT_EQ(model->service_name(), "ec2");
  EXPECT_EQ(model->metadata().protocol, "ec2");
  EXPECT_EQ(model->metadata().api_version, "2016-11-15");
  EXPECT_EQ(model->metadata().service_id, "EC2");
  EXPECT_EQ(model->metadata().endpoint_prefix, "ec2");
}

TEST(ServiceModel, CachesPerService) {
  EXPECT_EQ(ServiceModel::load("sts").get(), ServiceModel::load("sts").get());
  EXPECT_NE(ServiceModel::load("sts").get(), ServiceModel::load("iam").get());
}

TEST(ServiceModel, ResolvesShapesAndReferenceTraits) {
  const auto model = ServiceModel::load("ec2");
  const Operation& op = model->operation("DescribeInstances");
  ASSERT_NE(op.input.shape, nullptr);
  ASSERT_NE(op.output.shape, nullptr);
  const ShapeRef* filters = op.input.shape->find_member("Filters");
  ASSERT_NE(filters, nullptr);
  EXPECT_EQ(filters->shape->type, "list");
  EXPECT_EQ(filters->location_name, "Filter");
  EXPECT_EQ(filters->shape->member.shape->type, "structure");
  const ShapeRef* reservations = op.output.shape->find_member("Reservations");
  ASSERT_NE(reservations, nullptr);
  EXPECT_EQ(reservations->location_name, "reservationSet");
  EXPECT_EQ(model->find_shape("Instance")->find_member("LaunchTime")->shape->type, "timestamp");
}

// S3's conditional writes (2024) postdate Debian's botocore 1.29; the S3 incident journal's
// claims need If-None-Match on PutObject.
TEST(ServiceModel, PutObjectTakesIfNoneMatchAsNewerBotocoreModelsIt) {
  const Shape& input = *ServiceModel::load("s3")->operation("PutObject").input.shape;
  const ShapeRef* condition = input.find_member("IfNoneMatch");
  ASSERT_NE(condition, nullptr);
  EXPECT_EQ(condition->location, "header");
  EXPECT_EQ(condition->location_name, "If-None-Match");
  EXPECT_EQ(condition->shape->type, "string");
  EXPECT_EQ(std::count_if(input.members.begin(), input.members.end(),
                          [](const auto& m) { return m.first == "IfNoneMatch"; }),
            1);
}

TEST(ServiceModel, ReadsQueryResultWrappersAndJsonMetadata) {
  EXPECT_EQ(ServiceModel::load("iam")->operation("ListRoles").result_wrapper, "ListRolesResult");
  const auto kms = ServiceModel::load("kms");
  EXPECT_EQ(kms->metadata().protocol, "json");
  EXPECT_EQ(kms->metadata().target_prefix, "TrentService");
  EXPECT_EQ(kms->metadata().json_version, "1.1");
}

TEST(ServiceModel, ReadsRestBindings) {
  const auto s3 = ServiceModel::load("s3");
  const Operation& op = s3->operation("GetObject");
  EXPECT_EQ(op.http_method, "GET");
  EXPECT_EQ(op.request_uri, "/{Bucket}/{Key+}");
  EXPECT_EQ(op.input.shape->find_member("Bucket")->location, "uri");
  EXPECT_EQ(op.input.shape->find_member("IfMatch")->location_name, "If-Match");
}

TEST(ServiceModel, UnknownOperationSuggestsCloseNames) {
  const auto model = ServiceModel::load("ec2");
  EXPECT_EQ(model->find_operation("DescribeInstance"), nullptr);
  try {
    model->operation("DescribeInstance");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("ec2 has no operation 'DescribeInstance'"));
    EXPECT_THAT(e.what(), HasSubstr("did you mean DescribeInstances"));
  }
}

TEST(ServiceModel, UnknownServiceSuggestsCloseNames) {
  try {
    ServiceModel::load("ec3");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("unknown AWS service 'ec3'"));
    EXPECT_THAT(e.what(), HasSubstr("ec2"));
  }
  EXPECT_THROW(ServiceModel::load("../ec2"), InputError);
}

TEST(ServiceModel, ParsesInlineModelsAndRejectsDanglingReferences) {
  const auto model = ServiceModel::parse("demo", R"({
    "metadata": {"protocol": "query", "apiVersion": "2020-01-01"},
    "operations": {"Go": {"name": "Go", "input": {"shape": "In"}}},
    "shapes": {"In": {"type": "structure", "members": {
      "When": {"shape": "T", "timestampFormat": "unixTimestamp"}}},
      "T": {"type": "timestamp", "timestampFormat": "iso8601"}}})");
  const ShapeRef* when = model->operation("Go").input.shape->find_member("When");
  EXPECT_EQ(when->timestamp_format, "unixtimestamp");
  EXPECT_EQ(model->find_shape("T")->timestamp_format, "iso8601");
  // Shapes are built when first used: a dangling reference is reported then, naming it.
  const auto dangling = ServiceModel::parse("demo", R"({"shapes": {"A": {"type": "list",
                 "member": {"shape": "Missing"}}}})");
  try {
    dangling->find_shape("A");
    ADD_FAILURE() << "a reference to a missing shape was accepted";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), testing::HasSubstr("A.member refers to missing shape 'Missing'"));
  }
  EXPECT_THROW(ServiceModel::parse("demo", "{not json"), Error);
}

TEST(ServiceModel, ReadsTheRetryableTrait) {
  const auto model = ServiceModel::load("identitystore");
  const Shape* internal = model->find_shape("InternalServerException");
  ASSERT_NE(internal, nullptr);
  EXPECT_TRUE(internal->retryable);
  EXPECT_FALSE(internal->retryable_throttling);
  EXPECT_TRUE(model->find_shape("ThrottlingException")->retryable_throttling);
  EXPECT_FALSE(model->find_shape("ValidationException")->retryable);
}

TEST(ServiceModel, SaysItsDataFolder) {
  const auto ec2 = ServiceModel::load("ec2");
  EXPECT_EQ(ec2->data_folder(), botocore_data_dir() + "/ec2/2016-11-15");
  EXPECT_EQ(ServiceModel::parse("demo", R"({"metadata": {}})")->data_folder(), "");
}

TEST(ServiceModel, DataDirFollowsTheEnvironment) {
  const std::string saved = botocore_data_dir();
  ::setenv("CUSTOS_BOTOCORE_DATA", "/nonexistent/botocore", 1);
  EXPECT_EQ(botocore_data_dir(), "/nonexistent/botocore");
  ::unsetenv("CUSTOS_BOTOCORE_DATA");
  EXPECT_EQ(botocore_data_dir(), saved);
}

}  // namespace
}  // namespace custos::aws
