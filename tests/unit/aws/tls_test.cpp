// TLS: a server whose certificate no trusted authority signed is refused; naming its CA in
// AWS_CA_BUNDLE (as the AWS CLI reads it) makes it trusted. Verification is never switched off.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "aws/client.h"
#include "aws/transport.h"
#include "support/process.h"

namespace custos::aws {
namespace {

// STS's answer as the API reference documents it.
const char* kCallerIdentity =
    R"(<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::123456789012:user/Alice</Arn>
    <UserId>AKIAI44QH8DHBEXAMPLE</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>)";

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("custos-tls-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    cert_ = (dir_ / "cert.pem").string();
    key_ = (dir_ / "key.pem").string();
    auto made =
        test::run_process({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                           key_, "-out", cert_, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext",
                           "subjectAltName=IP:127.0.0.1,DNS:localhost"});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    server_ = std::make_unique<httplib::SSLServer>(cert_.c_str(), key_.c_str());
    server_->Post("/", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(kCallerIdentity, "text/xml");
    });
    port_ = server_->bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void TearDown() override {
    server_->stop();
    thread_.join();
    ::unsetenv("AWS_CA_BUNDLE");
    std::filesystem::remove_all(dir_);
  }

  Json caller_identity() const {
    SessionOptions options;
    options.region = "us-east-1";
    options.endpoint_url = "https://127.0.0.1:" + std::to_string(port_);
    options.credentials = Credentials{"AKIDEXAMPLE", "secret", "", std::nullopt, "test"};
    RetryPolicy once;
    once.max_attempts = 1;
    return Client(std::make_shared<const Session>(options), once).call("sts", "GetCallerIdentity");
  }

  std::filesystem::path dir_;
  std::string cert_, key_;
  std::unique_ptr<httplib::SSLServer> server_;
  std::thread thread_;
  int port_ = 0;
};

TEST_F(TlsTest, AnUntrustedCertificateIsRefused) {
  try {
    caller_identity();
    FAIL() << "trusted a self-signed certificate";
  } catch (const NoResponseError& e) {
    EXPECT_NE(std::string(e.what()).find("certificate"), std::string::npos) << e.what();
  }
}

TEST_F(TlsTest, TheCaBundleNamedByAwsCaBundleIsTrusted) {
  ::setenv("AWS_CA_BUNDLE", cert_.c_str(), 1);
  EXPECT_EQ(caller_identity()["Account"], "123456789012");
  ::setenv("AWS_CA_BUNDLE", (dir_ / "missing.pem").c_str(), 1);
  try {
    caller_identity();
    FAIL() << "accepted a missing CA bundle";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("AWS_CA_BUNDLE names"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace custos::aws
