// Timeouts: an endpoint that accepts connections and never answers cannot stall a call beyond
// cli_read_timeout (per attempt); the settings come from flags or the profile, checked once.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "aws/client.h"
#include "aws/transport.h"

namespace custos::aws {
namespace {

// A listening socket on 127.0.0.1 whose connections complete (the kernel's backlog) and are
// never read or answered.
class SilentServer {
 public:
  SilentServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(fd_, 16);
    socklen_t size = sizeof address;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size);
    port_ = ntohs(address.sin_port);
  }
  ~SilentServer() { ::close(fd_); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

SessionOptions silent_options(const SilentServer& server) {
  SessionOptions options;
  options.region = "us-east-1";
  options.endpoint_url = server.url();
  options.credentials = Credentials{"AKIDEXAMPLE", "secret", "", std::nullopt, "test"};
  options.read_timeout = 1;
  return options;
}

TEST(Timeouts, AHungEndpointEndsTheCallAfterTheReadTimeout) {
  SilentServer server;
  RetryPolicy once;
  once.max_attempts = 1;
  Client client(std::make_shared<const Session>(silent_options(server)), once);
  auto started = std::chrono::steady_clock::now();
  try {
    client.call("sts", "GetCallerIdentity");
    FAIL() << "answered";
  } catch (const NoResponseError& e) {
    EXPECT_TRUE(e.timeout());
    EXPECT_NE(std::string(e.what()).find("cli_read_timeout"), std::string::npos) << e.what();
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_GE(seconds, 0.9);
  EXPECT_LT(seconds, 10.0);
}

TEST(Timeouts, ComeFromTheProfileOrTheFlagsAndAreChecked) {
  auto dir =
      std::filesystem::temp_directory_path() / ("custos-timeouts-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "config") << "[default]\ncli_connect_timeout = 2.5\ncli_read_timeout = 7\n"
                                   "[profile broken]\ncli_read_timeout = 0\n";
  ::setenv("AWS_CONFIG_FILE", (dir / "config").c_str(), 1);
  ::setenv("AWS_SHARED_CREDENTIALS_FILE", (dir / "none").c_str(), 1);
  SessionOptions options;
  Session from_profile(options);
  EXPECT_EQ(from_profile.timeouts().connect, std::chrono::milliseconds(2500));
  EXPECT_EQ(from_profile.timeouts().read, std::chrono::seconds(7));
  options.read_timeout = 3;
  EXPECT_EQ(Session(options).timeouts().read, std::chrono::seconds(3));
  EXPECT_EQ(Session(options).with_region("eu-west-1")->timeouts().read, std::chrono::seconds(3));
  SessionOptions broken;
  broken.profile = "broken";
  try {
    Session session(broken);
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "cli_read_timeout of profile 'broken' must be a number of seconds above 0 (and at "
              "most a day)");
  }
  ::unsetenv("AWS_CONFIG_FILE");
  ::unsetenv("AWS_SHARED_CREDENTIALS_FILE");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace custos::aws
