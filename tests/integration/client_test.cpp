// The model-driven client over real HTTP: query (STS, IAM) and ec2 protocols against moto,
// results in boto3's shape, errors with AWS's code, message, status and request id.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "integration/fixture.h"

namespace custos::test {
namespace {

class ClientTest : public IntegrationTest {};

TEST_F(ClientTest, StsGetCallerIdentityOverQueryProtocol) {
  Json identity = client().call("sts", "GetCallerIdentity");
  EXPECT_EQ(identity["Account"], "123456789012");
  EXPECT_TRUE(identity["Arn"].is_string());
}

TEST_F(ClientTest, IamRoleRoundTripMatchesTheAwsCli) {
  auto aws = client();
  aws.call("iam", "CreateRole",
           {{"RoleName", "probe"},
            {"Path", "/custos/"},
            {"AssumeRolePolicyDocument", R"({"Version":"2012-10-17","Statement":[]})"},
            {"Tags", Json::array({{{"Key", "owner"}, {"Value", "secops"}}})}});
  Json ours = aws.call("iam", "GetRole", {{"RoleName", "probe"}})["Role"];
  Json theirs = aws_cli({"iam", "get-role", "--role-name", "probe"})["Role"];
  EXPECT_EQ(ours["Arn"], theirs["Arn"]);
  EXPECT_EQ(ours["Path"], "/custos/");
  EXPECT_EQ(ours["Tags"], theirs["Tags"]);
  EXPECT_EQ(ours["RoleId"], theirs["RoleId"]);
}

// One client shared by many threads (as a Lambda handling a burst of findings does): every
// call succeeds with its own result, and the AWS CLI sees each change.
TEST_F(ClientTest, OneClientIsSafeToShareAcrossThreads) {
  const aws::Client shared = client();
  constexpr int kThreads = 8, kRolesEach = 5;
  std::atomic<int> created{0};
  std::vector<std::string> failures(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        for (int i = 0; i < kRolesEach; ++i) {
          std::string name = "shared-" + std::to_string(t) + "-" + std::to_string(i);
          shared.call("iam", "CreateRole",
                      {{"RoleName", name},
                       {"AssumeRolePolicyDocument", R"({"Version":"2012-10-17","Statement":[]})"}});
          Json role = shared.call("iam", "GetRole", {{"RoleName", name}});
          if (role["Role"]["RoleName"] != name) throw Error("GetRole answered for another role");
          ++created;
        }
      } catch (const std::exception& e) {
        failures[t] = e.what();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& failure : failures) EXPECT_EQ(failure, "");
  EXPECT_EQ(created.load(), kThreads * kRolesEach);
  Json roles = aws_cli({"iam", "list-roles"})["Roles"];
  int listed = 0;
  for (const Json& role : roles)
    listed += role["RoleName"].get<std::string>().starts_with("shared-");
  EXPECT_EQ(listed, kThreads * kRolesEach);
}

TEST_F(ClientTest, Ec2DescribeInstancesHasBoto3Shape) {
  std::string id = run_instance_with_profile("probe-profile");
  Json result = client().call("ec2", "DescribeInstances", {{"InstanceIds", {id}}});
  const Json& instance = result["Reservations"][0]["Instances"][0];
  EXPECT_EQ(instance["InstanceId"], id);
  EXPECT_EQ(instance["State"]["Name"], "running");
  EXPECT_EQ(instance["State"]["Code"], 16);
  EXPECT_EQ(instance["IamInstanceProfile"]["Arn"],
            "arn:aws:iam::123456789012:instance-profile/probe-profile");
  EXPECT_EQ(instance["Tags"][0]["Key"], "custodian");
  Json theirs = aws_cli({"ec2", "describe-instances", "--instance-ids", id});
  EXPECT_EQ(instance["PrivateIpAddress"],
            theirs["Reservations"][0]["Instances"][0]["PrivateIpAddress"]);
}

TEST_F(ClientTest, AwsErrorsCarryCodeMessageStatusAndRequestId) {
  try {
    client().call("ec2", "StopInstances", {{"InstanceIds", {"i-0000000000000dead"}}});
    FAIL() << "stopping a missing instance must fail";
  } catch (const aws::AwsError& e) {
    EXPECT_EQ(e.code(), "InvalidInstanceID.NotFound");
    EXPECT_EQ(e.http_status(), 400);
    EXPECT_FALSE(e.request_id().empty());
    EXPECT_NE(std::string(e.what()).find("i-0000000000000dead"), std::string::npos);
  }
  try {
    client().call("iam", "GetRole", {{"RoleName", "nobody"}});
    FAIL() << "a missing role must fail";
  } catch (const aws::AwsError& e) {
    EXPECT_EQ(e.code(), "NoSuchEntity");
    EXPECT_EQ(e.http_status(), 404);
  }
}

TEST_F(ClientTest, UnknownOperationAndBadParamsAreInputErrors) {
  EXPECT_THROW(client().call("ec2", "DescribeInstance"), InputError);
  EXPECT_THROW(client().call("ec2", "DescribeInstances", {{"InstanceIdz", {"i-1"}}}), InputError);
}

}  // namespace
}  // namespace custos::test
