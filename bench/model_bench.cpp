// Start-up cost of the botocore models (EC2's is the largest custos loads: 2.7 MB) and the
// cost of one DescribeInstances request/response through the ec2 protocol.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "aws/model.h"
#include "aws/protocol.h"

namespace {

using custos::aws::ServiceModel;

std::string newest_model_text(const std::string& service) {
  std::string newest;
  for (const auto& entry :
       std::filesystem::directory_iterator(custos::aws::botocore_data_dir() + "/" + service)) {
    newest = std::max(newest, entry.path().string());
  }
  std::ifstream in(newest + "/service-2.json", std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// ServiceModel::load caches, so time parse() on the file text: the uncached part of load().
void BM_ParseEc2Model(benchmark::State& state) {
  const std::string text = newest_model_text("ec2");
  for (auto _ : state) benchmark::DoNotOptimize(ServiceModel::parse("ec2", text));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ParseEc2Model)->Unit(benchmark::kMillisecond);

constexpr const char* kDescribeInstancesXml = R"(<?xml version="1.0" encoding="UTF-8"?>
<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>8f7724cf-496f-496e-8fe3-example</requestId>
  <reservationSet><item>
    <reservationId>r-1234567890abcdef0</reservationId><ownerId>123456789012</ownerId>
    <instancesSet><item>
      <instanceId>i-1234567890abcdef0</instanceId><imageId>ami-bff32ccc</imageId>
      <instanceState><code>16</code><name>running</name></instanceState>
      <instanceType>t2.micro</instanceType><launchTime>2018-05-08T16:46:19.000Z</launchTime>
      <tagSet><item><key>Name</key><value>web</value></item></tagSet>
      <ebsOptimized>false</ebsOptimized>
    </item></instancesSet>
  </item></reservationSet>
</DescribeInstancesResponse>)";

void BM_DescribeInstancesRoundTrip(benchmark::State& state) {
  const auto ec2 = ServiceModel::load("ec2");
  const auto& op = ec2->operation("DescribeInstances");
  const custos::Json params = {
      {"Filters", {{{"Name", "instance-state-name"}, {"Values", {"running"}}}}}};
  custos::aws::HttpResponse response{200, {}, kDescribeInstancesXml};
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        custos::aws::serialize_request(*ec2, op, params, "https://ec2.us-east-1.amazonaws.com"));
    benchmark::DoNotOptimize(custos::aws::parse_response(*ec2, op, response));
  }
}
BENCHMARK(BM_DescribeInstancesRoundTrip)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
