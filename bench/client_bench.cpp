// Per-call cost of aws::Client in µs against a loopback httplib server answering a canned STS
// GetCallerIdentity: BM_ClientCall is the whole call (serialize, sign, send, parse, retry
// bookkeeping), BM_TransportOnly sends the same signed request, so the difference is the
// client's own overhead, without the network.
#include <benchmark/benchmark.h>
#include <httplib.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "aws/client.h"
#include "aws/model.h"
#include "aws/protocol.h"
#include "aws/sigv4.h"
#include "aws/transport.h"

namespace {

constexpr const char* kIdentity =
    R"(<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::123456789012:user/bench</Arn>
    <UserId>AIDACKCEVSQ6C2EXAMPLE</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>)";

class CannedServer {
 public:
  CannedServer() {
    server_.Post("/", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(kIdentity, "text/xml");
    });
    server_.set_tcp_nodelay(true);  // else Nagle and delayed ACKs add ~40 ms per call
    const int port = server_.bind_to_any_port("127.0.0.1");
    if (port <= 0) throw std::runtime_error("cannot bind a port on 127.0.0.1");
    url_ = "http://127.0.0.1:" + std::to_string(port);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~CannedServer() {
    server_.stop();
    thread_.join();
  }
  const std::string& url() const { return url_; }

 private:
  httplib::Server server_;
  std::thread thread_;
  std::string url_;
};

const CannedServer& canned_server() {
  static CannedServer server;
  return server;
}

custos::aws::Client bench_client() {
  custos::aws::SessionOptions options;
  options.endpoint_url = canned_server().url();
  options.region = "us-east-1";
  options.credentials =
      custos::aws::Credentials{"AKIDEXAMPLE", "secret", "", std::nullopt, "bench"};
  return custos::aws::Client(std::make_shared<const custos::aws::Session>(options),
                             custos::aws::RetryPolicy{});
}

void BM_ClientCall(benchmark::State& state) {
  const auto client = bench_client();
  for (auto _ : state) benchmark::DoNotOptimize(client.call("sts", "GetCallerIdentity"));
}
BENCHMARK(BM_ClientCall)->Unit(benchmark::kMicrosecond);

void BM_TransportOnly(benchmark::State& state) {
  using namespace custos::aws;
  auto model = ServiceModel::load("sts");
  HttpRequest request = serialize_request(*model, model->operation("GetCallerIdentity"),
                                          custos::Json::object(), canned_server().url());
  SigningParams params;
  params.access_key_id = "AKIDEXAMPLE";
  params.secret_access_key = "secret";
  params.region = "us-east-1";
  params.service = "sts";
  params.time = std::chrono::system_clock::now();
  sign_request(request, params);
  for (auto _ : state) benchmark::DoNotOptimize(send(request));
}
BENCHMARK(BM_TransportOnly)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
