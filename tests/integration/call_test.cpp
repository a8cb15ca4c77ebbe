// `custos call` against the AWS CLI on the same moto server: both print the same document.
#include <set>

#include "integration/services_support.h"

namespace custos::test {
namespace {

class CallTest : public IntegrationTest {
 protected:
  Json call(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {"call"};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessResult result = custos(argv);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return result.out.empty() ? Json() : Json::parse(result.out);
  }
  void create_roles(int count) const {
    for (int i = 0; i < count; ++i) {
      aws_cli({"iam", "create-role", "--role-name", "role-" + std::to_string(i),
               "--assume-role-policy-document", R"({"Version":"2012-10-17","Statement":[]})"});
    }
  }
};

TEST_F(CallTest, GetCallerIdentityMatchesAwsCli) {
  const Json cli = aws_cli({"sts", "get-caller-identity"});
  EXPECT_EQ(normalized(call({"sts", "GetCallerIdentity"})), normalized(cli));
  EXPECT_FALSE(cli["Account"].get<std::string>().empty());
}

TEST_F(CallTest, DescribeInstancesMatchesAwsCli) {
  aws_cli({"ec2", "run-instances", "--image-id", "ami-12c6146b", "--instance-type", "t3.micro",
           "--count", "2", "--tag-specifications",
           "ResourceType=instance,Tags=[{Key=team,Value=blue}]"});
  const Json cli = aws_cli({"ec2", "describe-instances"});
  ASSERT_EQ(cli["Reservations"][0]["Instances"].size(), 2u);
  EXPECT_EQ(normalized(call({"ec2", "DescribeInstances"})), normalized(cli));
  EXPECT_EQ(normalized(call({"ec2", "describe-instances", "--paginate"})), normalized(cli));
}

TEST_F(CallTest, ListRolesMatchesAwsCliOnePageOrAll) {
  create_roles(3);
  EXPECT_EQ(normalized(call({"iam", "ListRoles", "--paginate", "--params", R"({"MaxItems": 1})"})),
            normalized(aws_cli({"iam", "list-roles"})));
  const Json page = call({"iam", "list-roles", "--params", R"({"MaxItems": 1})"});
  EXPECT_EQ(normalized(page),
            normalized(aws_cli({"iam", "list-roles", "--max-items", "1", "--no-paginate"})));
  EXPECT_EQ(page["Roles"].size(), 1u);
  EXPECT_EQ(page["IsTruncated"], true);
}

TEST_F(CallTest, PaginatesDescribeInstancesFivePerPage) {
  // moto pages by reservation: twelve of one instance each.
  const auto ec2 = client();
  for (int i = 0; i < 12; ++i) {
    ec2.call("ec2", "RunInstances",
             {{"ImageId", "ami-12c6146b"},
              {"InstanceType", "t3.micro"},
              {"MinCount", 1},
              {"MaxCount", 1}});
  }
  const std::string five = R"({"MaxResults": 5})";
  const Json first = call({"ec2", "DescribeInstances", "--params", five});
  std::size_t on_first_page = 0;
  for (const auto& reservation : first["Reservations"]) {
    on_first_page += reservation["Instances"].size();
  }
  EXPECT_EQ(on_first_page, 5u);
  EXPECT_TRUE(first.contains("NextToken"));

  const Json all = call({"ec2", "DescribeInstances", "--paginate", "--params", five});
  std::set<std::string> ids;
  for (const auto& reservation : all["Reservations"]) {
    for (const auto& instance : reservation["Instances"]) ids.insert(instance["InstanceId"]);
  }
  EXPECT_EQ(ids.size(), 12u);
  EXPECT_FALSE(all.contains("NextToken"));
}

TEST_F(CallTest, AwsErrorExitsOneWithCodeAndRequestId) {
  auto result = custos({"call", "ec2", "DescribeInstances", "--params",
                        R"({"InstanceIds": ["i-0123456789abcdef0"]})"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("InvalidInstanceID.NotFound"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("request id"), std::string::npos) << result.err;
  EXPECT_TRUE(result.out.empty());
}

TEST_F(CallTest, S3ErrorsWithoutADocumentSayTheStatus) {
  auto result = custos({"call", "s3", "HeadBucket", "--params", R"({"Bucket": "nowhere"})"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("s3 HeadBucket failed: 404: Not Found (HTTP 404"), std::string::npos)
      << result.err;
}

TEST_F(CallTest, BadInputExitsTwoNamingTheProblem) {
  auto bad_json = custos({"call", "sts", "GetCallerIdentity", "--params", "{nope"});
  EXPECT_EQ(bad_json.exit_code, 2);
  EXPECT_NE(bad_json.err.find("--params is not valid JSON"), std::string::npos) << bad_json.err;

  auto unknown = custos({"call", "ec2", "DescribeInstancez"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("DescribeInstances"), std::string::npos) << unknown.err;

  auto missing_file = custos({"call", "sts", "GetCallerIdentity", "--params", "@" + path("no")});
  EXPECT_EQ(missing_file.exit_code, 2);
  EXPECT_NE(missing_file.err.find("cannot read --params file"), std::string::npos);
}

TEST_F(CallTest, ReadsParamsFromFile) {
  create_roles(2);
  write("params.json", R"({"PathPrefix": "/"})");
  EXPECT_EQ(call({"iam", "ListRoles", "--params", "@" + path("params.json")})["Roles"].size(), 2u);
}

}  // namespace
}  // namespace custos::test
