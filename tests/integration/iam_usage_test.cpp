// usage on IAM users over real HTTP: moto serves the users; it has no service last accessed
// reports, which a proxy in front of it answers in IAM's XML (one job per user, one of them
// still running when first asked), and the test reads what custos asked for off the proxy.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "integration/action_check.h"
#include "support/fault_proxy.h"
#include "support/paths.h"

namespace custos::test {
namespace {

std::string iam_xml(const std::string& operation, const std::string& result) {
  return "<" + operation + "Response xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><" +
         operation + "Result>" + result + "</" + operation +
         "Result><ResponseMetadata><RequestId>recorded</RequestId></ResponseMetadata></" +
         operation + "Response>";
}

std::string service(const std::string& name, const std::string& space, int entities,
                    const std::string& last = "") {
  return "<member><ServiceName>" + name + "</ServiceName><ServiceNamespace>" + space +
         "</ServiceNamespace><TotalAuthenticatedEntities>" + std::to_string(entities) +
         "</TotalAuthenticatedEntities>" +
         (last.empty() ? "" : "<LastAuthenticated>" + last + "</LastAuthenticated>") + "</member>";
}

std::string days_ago(int days) {
  std::time_t when = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() -
                                                          std::chrono::hours(24 * days));
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&when));
  return text;
}

// IAM's report jobs: the job of user NAME is job-NAME; busy's is in progress when first asked.
class Reports {
 public:
  std::optional<FaultProxy::Reply> answer(const FaultProxy::Arrival& arrival) {
    FaultProxy::Reply reply;
    if (arrival.body.find("Action=GenerateServiceLastAccessedDetails") != std::string::npos) {
      std::string user = arrival.body.substr(arrival.body.rfind("%2F") + 3);
      user = user.substr(0, user.find('&'));
      reply.body = iam_xml("GenerateServiceLastAccessedDetails", "<JobId>job-" + user + "</JobId>");
      return reply;
    }
    if (arrival.body.find("Action=GetServiceLastAccessedDetails") == std::string::npos)
      return std::nullopt;
    std::lock_guard lock(mutex_);
    bool busy = arrival.body.find("JobId=job-busy") != std::string::npos;
    if (busy && asked_busy_++ == 0) {
      reply.body = iam_xml("GetServiceLastAccessedDetails",
                           "<JobStatus>IN_PROGRESS</JobStatus><JobCreationDate>" + days_ago(0) +
                               "</JobCreationDate><ServicesLastAccessed/>");
      return reply;
    }
    std::string services =
        busy
            ? service("Amazon DynamoDB", "dynamodb", 1, days_ago(5)) + service("Amazon S3", "s3", 0)
            : service("Amazon DynamoDB", "dynamodb", 0) + service("Amazon S3", "s3", 0);
    reply.body = iam_xml("GetServiceLastAccessedDetails",
                         "<JobStatus>COMPLETED</JobStatus><JobCreationDate>" + days_ago(0) +
                             "</JobCreationDate><JobCompletionDate>" + days_ago(0) +
                             "</JobCompletionDate><ServicesLastAccessed>" + services +
                             "</ServicesLastAccessed><IsTruncated>false</IsTruncated>");
    return reply;
  }
  int asked_busy() {
    std::lock_guard lock(mutex_);
    return asked_busy_;
  }

 private:
  std::mutex mutex_;
  int asked_busy_ = 0;
};

class IamUsageTest : public ActionTest {
 protected:
  void SetUp() override {
    ActionTest::SetUp();
    proxy_ = std::make_unique<FaultProxy>(emulator().url());
    proxy_->answer_with([reports = reports_](const FaultProxy::Arrival& arrival) {
      return reports->answer(arrival);
    });
    for (const char* user : {"idle", "busy"}) aws_cli({"iam", "create-user", "--user-name", user});
  }
  // The users the policy matched, by name.
  Json matched(const std::string& filter) const {
    Json names = Json::array();
    for (const Json& user :
         matched_by("policies:\n  - name: users\n    resource: iam-user\n    filters:\n" + filter,
                    "users", {{"AWS_ENDPOINT_URL", proxy_->url()}}))
      names.push_back(user["UserName"]);
    return names;
  }

  std::shared_ptr<Reports> reports_ = std::make_shared<Reports>();
  std::unique_ptr<FaultProxy> proxy_;
};

// Cloud Custodian's usage-unused-users: no service ever used (every LastAuthenticated null).
TEST_F(IamUsageTest, UsersThatNeverUsedAnyServiceMatchAll) {
  EXPECT_EQ(matched(R"(      - type: usage
        match-operator: all
        LastAuthenticated: null
        poll-delay: 0.1
)"),
            Json::array({"idle"}));
  EXPECT_EQ(reports_->asked_busy(), 2);  // in progress, then done
}

// Cloud Custodian's unused-users: DynamoDB used by one entity in the last 30 days.
TEST_F(IamUsageTest, AServiceUsedRecentlyMatchesAny) {
  EXPECT_EQ(matched(R"(      - type: usage
        ServiceNamespace: dynamodb
        TotalAuthenticatedEntities: 1
        LastAuthenticated: {type: value, value_type: age, op: less-than, value: 30}
        match-operator: any
        poll-delay: 0
)"),
            Json::array({"busy"}));
}

}  // namespace
}  // namespace custos::test
