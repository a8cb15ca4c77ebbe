// SigV4 signatures per second (items_per_second) for a typical EC2 Query-protocol POST, with the
// signing key cached (the steady state) and derived afresh (first request of a key and day).
#include <benchmark/benchmark.h>

#include <array>
#include <chrono>

#include "aws/sigv4.h"

namespace {

using custos::aws::HttpRequest;
using custos::aws::SigningParams;

HttpRequest describe_instances() {
  HttpRequest request;
  request.method = "POST";
  request.url = "https://ec2.us-east-1.amazonaws.com/";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                     {"User-Agent", "custos/0.1"}};
  request.body =
      "Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=instance-state-name"
      "&Filter.1.Value.1=running&Filter.2.Name=tag%3AEnvironment&Filter.2.Value.1=production"
      "&MaxResults=1000";
  return request;
}

SigningParams ec2_params() {
  SigningParams params;
  params.access_key_id = "AKIDEXAMPLE";
  params.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  params.session_token = "FwoGZXIvYXdzEBYaDHsession+token/example==";
  params.region = "us-east-1";
  params.service = "ec2";
  params.time = std::chrono::system_clock::now();
  return params;
}

void BM_SignEc2Post(benchmark::State& state) {
  const HttpRequest unsigned_request = describe_instances();
  const SigningParams params = ec2_params();
  for (auto _ : state) {
    HttpRequest request = unsigned_request;
    custos::aws::sign_request(request, params);
    benchmark::DoNotOptimize(request.headers.back().second.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SignEc2Post);

// More secrets than the per-thread key cache holds, so every signature derives its key.
void BM_SignEc2PostUncachedKey(benchmark::State& state) {
  const HttpRequest unsigned_request = describe_instances();
  std::array<SigningParams, 16> params;
  for (size_t i = 0; i < params.size(); ++i) {
    params[i] = ec2_params();
    params[i].secret_access_key += std::to_string(i);
  }
  size_t next = 0;
  for (auto _ : state) {
    HttpRequest request = unsigned_request;
    custos::aws::sign_request(request, params[next++ % params.size()]);
    benchmark::DoNotOptimize(request.headers.back().second.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SignEc2PostUncachedKey);

}  // namespace

BENCHMARK_MAIN();
