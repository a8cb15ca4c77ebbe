// delete-empty on VPCs in moto: Cloud Custodian's example deletes a VPC with nothing in it
// (the AWS CLI no longer finds it) and leaves the one a subnet is in, whose DeleteVpc AWS
// refuses.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class VpcDeleteEmptyTest : public ActionTest {};

TEST_F(VpcDeleteEmptyTest, DeletesTheEmptyVpcAndKeepsTheOneInUse) {
  std::string empty = aws_cli({"ec2", "create-vpc", "--cidr-block", "10.1.0.0/16"})["Vpc"]["VpcId"];
  std::string used = aws_cli({"ec2", "create-vpc", "--cidr-block", "10.2.0.0/16"})["Vpc"]["VpcId"];
  aws_cli({"ec2", "create-subnet", "--vpc-id", used, "--cidr-block", "10.2.1.0/24"});
  std::string yaml = read_file(data_path("policies/c7n/vpc/vpc-98-aws-ec2-vpc-delete.yml"));
  // Only the empty VPC (moto's default VPC is empty too).
  yaml += "    filters:\n      - VpcId: " + empty + "\n";
  auto state = [&] {
    Json ids = Json::array();
    Json vpcs = aws_cli({"ec2", "describe-vpcs"});
    for (const Json& vpc : vpcs["Vpcs"])
      if (vpc["VpcId"] == empty || vpc["VpcId"] == used) ids.push_back(vpc["VpcId"]);
    return ids;
  };
  Json records = prove_remedy(yaml, "aws-ec2-vpc-delete", state, "ec2 DeleteVpc");
  EXPECT_EQ(state(), Json::array({used}));
  ASSERT_EQ(records.size(), 1u) << records.dump();

  // The VPC a subnet is in: AWS refuses, and the run says so without deleting it.
  std::string in_use = read_file(data_path("policies/c7n/vpc/vpc-98-aws-ec2-vpc-delete.yml")) +
                       "    filters:\n      - VpcId: " + used + "\n";
  write("in-use.yml", in_use);
  ProcessResult run = custos({"run", "-s", path("out2"), "--no-journal", path("in-use.yml")});
  EXPECT_TRUE(contains(run.out + run.err, "DependencyViolation")) << run.out << run.err;
  EXPECT_EQ(state(), Json::array({used}));
}

}  // namespace
}  // namespace custos::test
