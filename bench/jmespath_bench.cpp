// JMESPath speed: the compliance suite's benchmark cases (compile, or compile + search) and the
// resource-filter hot path (precompiled keys searched on an EC2 instance document).
#include <benchmark/benchmark.h>

#include <fstream>
#include <string>

#include "jmespath/jmespath.h"

namespace {

using custos::Json;
using custos::jmespath::Expression;

const Json& ec2_instance() {
  static const Json kInstance = Json::parse(R"({
    "AmiLaunchIndex": 0, "ImageId": "ami-0abcdef1234567890", "InstanceId": "i-0123456789abcdef0",
    "InstanceType": "t3.micro", "KeyName": "ops", "LaunchTime": "2026-11-20T10:00:00+00:00",
    "Monitoring": {"State": "disabled"},
    "Placement": {"AvailabilityZone": "us-east-1a", "GroupName": "", "Tenancy": "default"},
    "PrivateDnsName": "ip-10-0-0-12.ec2.internal", "PrivateIpAddress": "10.0.0.12",
    "PublicIpAddress": "203.0.113.7", "State": {"Code": 16, "Name": "running"},
    "SubnetId": "subnet-0abc", "VpcId": "vpc-0abc", "Architecture": "x86_64",
    "BlockDeviceMappings": [{"DeviceName": "/dev/xvda",
      "Ebs": {"AttachTime": "2026-11-20T10:00:01+00:00", "DeleteOnTermination": true,
              "Status": "attached", "VolumeId": "vol-0abc"}}],
    "IamInstanceProfile": {"Arn": "arn:aws:iam::123456789012:instance-profile/web",
                           "Id": "AIPAEXAMPLE"},
    "NetworkInterfaces": [{"NetworkInterfaceId": "eni-0abc", "PrivateIpAddress": "10.0.0.12",
      "Groups": [{"GroupId": "sg-0abc", "GroupName": "web"}]}],
    "SecurityGroups": [{"GroupId": "sg-0abc", "GroupName": "web"},
                       {"GroupId": "sg-0def", "GroupName": "ssh"}],
    "Tags": [{"Key": "Name", "Value": "web-1"}, {"Key": "Env", "Value": "prod"},
             {"Key": "Owner", "Value": "team-a"}, {"Key": "CostCenter", "Value": "42"}]
  })");
  return kInstance;
}

void BM_Ec2Search(benchmark::State& state, const char* text) {
  const Expression expression = Expression::compile(text);
  for (auto _ : state) benchmark::DoNotOptimize(expression.search(ec2_instance()));
}
BENCHMARK_CAPTURE(BM_Ec2Search, state_name, "State.Name");
BENCHMARK_CAPTURE(BM_Ec2Search, profile_arn, "IamInstanceProfile.Arn");
BENCHMARK_CAPTURE(BM_Ec2Search, tag_value, "Tags[?Key=='Env'].Value | [0]");
BENCHMARK_CAPTURE(BM_Ec2Search, group_ids, "SecurityGroups[].GroupId");

void BM_Ec2FindPath(benchmark::State& state) {
  const Expression expression = Expression::compile("State.Name");
  for (auto _ : state) benchmark::DoNotOptimize(expression.find_path(ec2_instance()));
}
BENCHMARK(BM_Ec2FindPath);

void BM_CompileStateName(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(Expression::compile("State.Name"));
}
BENCHMARK(BM_CompileStateName);

// Each case of the suite's benchmarks.json: "parse" cases compile, "full" ones also search.
void BM_Suite(benchmark::State& state, const std::string& text, const Json& given, bool search) {
  for (auto _ : state) {
    const Expression expression = Expression::compile(text);
    if (search) benchmark::DoNotOptimize(expression.search(given));
    benchmark::DoNotOptimize(expression);
  }
}

bool register_suite() {
  std::ifstream in(std::string(CUSTOS_SOURCE_DIR) + "/tests/data/jmespath/benchmarks.json");
  if (!in) return false;
  const Json suites = Json::parse(in);
  for (const Json& suite : suites) {
    for (const Json& c : suite["cases"]) {
      const bool full = c.value("bench", "") == "full";
      benchmark::RegisterBenchmark(("BM_Suite/" + c.value("comment", "")).c_str(), BM_Suite,
                                   c["expression"].get<std::string>(), suite["given"], full);
    }
  }
  return true;
}
[[maybe_unused]] const bool kSuiteRegistered = register_suite();

}  // namespace

BENCHMARK_MAIN();
