#include "integration/fixture.h"

#include <unistd.h>

#include <fstream>

#include "support/aws_cli.h"
#include "support/paths.h"

namespace custos::test {

MotoSlot& emulator() {
  static MotoSlot slot(CUSTOS_MOTO_POOL_DIR, moto_pool_size());
  return slot;
}

std::map<std::string, std::string> emulator_env() {
  return {{"AWS_ACCESS_KEY_ID", "testing"},
          {"AWS_SECRET_ACCESS_KEY", "testing"},
          {"AWS_REGION", "us-east-1"},
          {"AWS_DEFAULT_REGION", "us-east-1"},
          {"AWS_CONFIG_FILE", "/nonexistent/custos-test-config"},
          {"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/custos-test-credentials"},
          {"AWS_PAGER", ""}};
}

void IntegrationTest::SetUp() {
  emulator().reset();
  auto info = ::testing::UnitTest::GetInstance()->current_test_info();
  // The pid keeps apart the same test run by another checkout or build at the same time.
  dir_ = std::filesystem::temp_directory_path() / ("custos-it-" + std::to_string(::getpid()) + "-" +
                                                   info->test_suite_name() + "-" + info->name());
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
}

void IntegrationTest::TearDown() { std::filesystem::remove_all(dir_); }

ProcessResult IntegrationTest::try_aws_cli(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"--endpoint-url", emulator().url(), "--output", "json"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_aws_cli(argv, emulator_env());
}

Json IntegrationTest::aws_cli(const std::vector<std::string>& args) const {
  ProcessResult result = try_aws_cli(args);
  EXPECT_EQ(result.exit_code, 0) << "aws " << args[0] << " " << args[1] << ": " << result.err;
  return result.out.empty() ? Json::object() : Json::parse(result.out);
}

ProcessResult IntegrationTest::custos(const std::vector<std::string>& args,
                                      std::map<std::string, std::string> env) const {
  return start_custos(args, std::move(env))->wait();
}

std::unique_ptr<StartedProcess> IntegrationTest::start_custos(
    const std::vector<std::string>& args, std::map<std::string, std::string> env) const {
  std::vector<std::string> argv = {custos_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto all = emulator_env();
  all["AWS_ENDPOINT_URL"] = emulator().url();
  // Each test journals its incidents apart: a finding handled in one test is new to the next.
  all["XDG_STATE_HOME"] = (dir_ / "state").string();
  for (auto& [name, value] : env) all[name] = value;
  return std::make_unique<StartedProcess>(argv, all);
}

aws::Client IntegrationTest::client() const {
  aws::SessionOptions options;
  options.endpoint_url = emulator().url();
  options.region = "us-east-1";
  aws::Credentials keys;
  keys.access_key_id = keys.secret_access_key = "testing";
  keys.source = "test";
  options.credentials = keys;
  return aws::Client(std::make_shared<const aws::Session>(options));
}

void IntegrationTest::write(const std::string& name, const std::string& text) const {
  std::ofstream(path(name)) << text;
}

std::pair<std::string, std::vector<std::string>> IntegrationTest::vpc_with_two_subnets() const {
  std::string vpc = aws_cli({"ec2", "create-vpc", "--cidr-block", "10.0.0.0/16"})["Vpc"]["VpcId"];
  std::vector<std::string> subnets;
  for (const char* zone : {"a", "b"})
    subnets.push_back(
        aws_cli({"ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block",
                 std::string("10.0.") + (zone[0] == 'a' ? "1" : "2") + ".0/24",
                 "--availability-zone", std::string("us-east-1") + zone})["Subnet"]["SubnetId"]);
  return {vpc, subnets};
}

std::string IntegrationTest::run_instance_with_profile(const std::string& profile_name) const {
  aws_cli(
      {"iam", "create-role", "--role-name", profile_name, "--assume-role-policy-document",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]})"});
  aws_cli({"iam", "create-instance-profile", "--instance-profile-name", profile_name});
  aws_cli({"iam", "add-role-to-instance-profile", "--instance-profile-name", profile_name,
           "--role-name", profile_name});
  Json run =
      aws_cli({"ec2", "run-instances", "--image-id", "ami-12c6146b", "--instance-type", "t3.micro",
               "--iam-instance-profile", "Name=" + profile_name, "--tag-specifications",
               "ResourceType=instance,Tags=[{Key=custodian,Value=yes}]"});
  return run["Instances"][0]["InstanceId"].get<std::string>();
}

std::string IntegrationTest::instance_state(const std::string& instance_id) const {
  Json described = aws_cli({"ec2", "describe-instances", "--instance-ids", instance_id});
  return described["Reservations"][0]["Instances"][0]["State"]["Name"].get<std::string>();
}

std::size_t IntegrationTest::volumes_of(const std::string& instance_id) const {
  return aws_cli({"ec2", "describe-volumes", "--filters",
                  "Name=attachment.instance-id,Values=" + instance_id})["Volumes"]
      .size();
}

std::size_t IntegrationTest::snapshots_of(const std::string& instance_id) const {
  return aws_cli({"ec2", "describe-snapshots", "--owner-ids", "self", "--filters",
                  "Name=tag:custos:instance-id,Values=" + instance_id})["Snapshots"]
      .size();
}

}  // namespace custos::test
