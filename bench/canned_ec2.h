// A loopback EC2 (and STS) endpoint answering canned responses for one instance under attack, so a
// benchmark measures custos's own cost and not an emulator's. Records when the first
// mutating call (anything but Describe*) arrives.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

namespace custos::bench {

class CannedEc2 {
 public:
  using Clock = std::chrono::steady_clock;

  CannedEc2() {
    server_.set_tcp_nodelay(true);  // else Nagle and delayed ACKs add 40 ms per call
    server_.Post("/", [this](const httplib::Request& request, httplib::Response& response) {
      std::string action = request.get_param_value("Action");
      bool reads = action.rfind("Describe", 0) == 0 || action.rfind("Get", 0) == 0;
      if (!reads && first_mutation_.load() == Clock::time_point{}) first_mutation_ = Clock::now();
      response.set_content(body_for(action), "text/xml");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~CannedEc2() {
    server_.stop();
    thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void reset() { first_mutation_ = Clock::time_point{}; }
  Clock::time_point first_mutation() const { return first_mutation_; }

 private:
  static std::string body_for(const std::string& action) {
    if (action == "GetCallerIdentity")  // the account custos checks the event against
      return R"(<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/bench</Arn><UserId>AIDABENCH</UserId>
<Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>)";
    const std::string ns = R"( xmlns="http://ec2.amazonaws.com/doc/2016-11-15/")";
    if (action == "DescribeInstances")
      return "<DescribeInstancesResponse" + ns +
             R"(><requestId>r-1</requestId><reservationSet><item><reservationId>r-0a</reservationId>
<ownerId>123456789012</ownerId><instancesSet><item><instanceId>i-0123456789abcdef0</instanceId>
<imageId>ami-0abc</imageId><instanceState><code>16</code><name>running</name></instanceState>
<instanceType>t3.micro</instanceType><iamInstanceProfile><arn>arn:aws:iam::123456789012:instance-profile/web</arn>
<id>AIPAEXAMPLE</id></iamInstanceProfile><tagSet><item><key>Name</key><value>web</value></item></tagSet>
<blockDeviceMapping><item><deviceName>/dev/xvda</deviceName><ebs><volumeId>vol-0abc</volumeId>
<status>attached</status></ebs></item></blockDeviceMapping></item></instancesSet></item></reservationSet>
</DescribeInstancesResponse>)";
    if (action == "DescribeIamInstanceProfileAssociations")
      return "<DescribeIamInstanceProfileAssociationsResponse" + ns +
             R"(><requestId>r-2</requestId><iamInstanceProfileAssociationSet><item>
<associationId>iip-assoc-0abc</associationId><instanceId>i-0123456789abcdef0</instanceId>
<iamInstanceProfile><arn>arn:aws:iam::123456789012:instance-profile/web</arn><id>AIPAEXAMPLE</id>
</iamInstanceProfile><state>associated</state></item></iamInstanceProfileAssociationSet>
</DescribeIamInstanceProfileAssociationsResponse>)";
    return "<" + action + "Response" + ns + "><requestId>r-3</requestId></" + action + "Response>";
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<Clock::time_point> first_mutation_{};
};

}  // namespace custos::bench
