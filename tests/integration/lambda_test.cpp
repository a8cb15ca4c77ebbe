// custos as a Lambda function: the zip `custos package` builds, unpacked into an empty folder
// and its `bootstrap` started with nothing but what Lambda puts in the environment, against a
// local Runtime API (AWS's protocol; moto cannot invoke functions) and moto for AWS. The AWS CLI
// checks the end state.
#include <gtest/gtest.h>

#include <filesystem>

#include "integration/findings.h"
#include "integration/fixture.h"
#include "support/fault_proxy.h"
#include "support/paths.h"
#include "support/runtime_api.h"

namespace custos::test {
namespace {

const std::string kContainPolicy = read_file(data_path("policies/ec2-compromised-contain.yml"));
const std::string kTrace =
    "Root=1-65f0c2a1-0123456789abcdef01234567;Parent=1a2b3c4d5e6f7a8b;Sampled=1";

class LambdaTest : public IntegrationTest {
 protected:
  // The package of policy.yml, unpacked as Lambda unpacks it into /var/task.
  std::string unpacked() const {
    write("policy.yml", kContainPolicy);
    auto packaged = custos({"package", path("policy.yml"), "-o", path("function.zip")});
    EXPECT_EQ(packaged.exit_code, 0) << packaged.err;
    EXPECT_LT(std::filesystem::file_size(path("function.zip")), 50u * 1024 * 1024);
    std::filesystem::create_directories(path("task"));
    auto unzip = run_process({"/usr/bin/unzip", "-q", path("function.zip"), "-d", path("task")});
    EXPECT_EQ(unzip.exit_code, 0) << unzip.err;
    return path("task");
  }

  // bootstrap with a clean environment (env -i) holding only what Lambda sets, where to find
  // AWS (moto, or `endpoint`) and where to journal (a file of this test, or `journal`).
  std::unique_ptr<StartedProcess> start_bootstrap(const std::string& task, const std::string& api,
                                                  const std::string& handler,
                                                  std::string endpoint = {},
                                                  std::string journal = {}) const {
    std::vector<std::string> argv = {
        "/usr/bin/env",
        "-i",
        "AWS_LAMBDA_RUNTIME_API=" + api,
        "_HANDLER=" + handler,
        "LAMBDA_TASK_ROOT=" + task,
        "AWS_REGION=us-east-1",
        "AWS_ACCESS_KEY_ID=testing",
        "AWS_SECRET_ACCESS_KEY=testing",
        "AWS_SESSION_TOKEN=testing",
        "AWS_ENDPOINT_URL=" + (endpoint.empty() ? emulator().url() : endpoint),
        "CUSTOS_JOURNAL=" + (journal.empty() ? path("journal.db") : journal),
        task + "/bootstrap"};
    return std::make_unique<StartedProcess>(argv);
  }

  // The AWS calls (through a proxy) of one invocation traced kTrace, delivering a finding about
  // a new instance, journaled in `journal` (empty: a file). Calls made when the function starts
  // (checking an S3 journal) belong to no invocation and are left out.
  std::vector<FaultProxy::Arrival> traced_invocation(const std::string& journal = {}) const {
    std::string id = run_instance_with_profile("web-role");
    std::string task = unpacked();
    FaultProxy proxy(emulator().url());
    RuntimeApiServer api;
    auto bootstrap =
        start_bootstrap(task, api.address(), "ec2-compromised-contain", proxy.url(), journal);
    EXPECT_TRUE(api.first_next(std::chrono::seconds(30)).has_value());
    std::size_t at_start = proxy.arrivals().size();
    auto answer =
        api.answer(api.invoke(instance_finding(id, 8).dump(), std::chrono::minutes(5), kTrace));
    EXPECT_TRUE(answer.has_value() && !answer->error) << (answer ? answer->body : "no answer");
    api.stop();
    bootstrap->wait();
    auto arrivals = proxy.arrivals();
    return {arrivals.begin() + static_cast<std::ptrdiff_t>(at_start), arrivals.end()};
  }

  static std::string trace_of(const FaultProxy::Arrival& arrival) {
    auto found = arrival.headers.find("X-Amzn-Trace-Id");
    return found == arrival.headers.end() ? "" : found->second;
  }

  Json associations(const std::string& id) const {
    return aws_cli({"ec2", "describe-iam-instance-profile-associations", "--filters",
                    "Name=instance-id,Values=" + id,
                    "Name=state,Values=associated"})["IamInstanceProfileAssociations"];
  }
};

TEST_F(LambdaTest, PackagedBootstrapContainsTheInstanceAndKeepsServing) {
  std::string id = run_instance_with_profile("web-role");
  std::string task = unpacked();
  RuntimeApiServer api;
  auto bootstrap = start_bootstrap(task, api.address(), "ec2-compromised-contain");

  auto contained = api.answer(api.invoke(instance_finding(id, 8).dump()));
  ASSERT_TRUE(contained.has_value());
  ASSERT_FALSE(contained->error) << contained->body;
  Json body = Json::parse(contained->body);
  EXPECT_EQ(body["policies"][0]["resources"], 1);
  EXPECT_TRUE(body["incident"].get<std::string>().starts_with("INC-"));
  EXPECT_EQ(instance_state(id), "stopped");
  EXPECT_EQ(associations(id).size(), 0u);

  // A malformed event is answered with an error, and the next one is served.
  auto malformed = api.answer(api.invoke("{\"not\": \"an event\""));
  ASSERT_TRUE(malformed.has_value());
  EXPECT_TRUE(malformed->error);
  EXPECT_EQ(malformed->error_type, "custos.InvalidEvent");
  EXPECT_EQ(Json::parse(malformed->body)["errorType"], "custos.InvalidEvent");
  auto not_a_finding = api.answer(api.invoke(R"({"id": "x", "detail": {}})"));
  ASSERT_TRUE(not_a_finding.has_value());
  EXPECT_TRUE(not_a_finding->error);

  // The same event again is dropped before any AWS call.
  auto repeated = api.answer(api.invoke(instance_finding(id, 8).dump()));
  ASSERT_TRUE(repeated.has_value());
  EXPECT_FALSE(repeated->error) << repeated->body;
  EXPECT_NE(repeated->body.find("\"duplicate\""), std::string::npos) << repeated->body;

  // The finding updated by GuardDuty: handled, and the journal says what was done already.
  Json updated = instance_finding(id, 8);
  updated["id"] = "another-event-id";
  updated["detail"]["updatedAt"] = "2026-12-06T10:05:00.000Z";
  auto again = api.answer(api.invoke(updated.dump()));
  ASSERT_TRUE(again.has_value());
  EXPECT_FALSE(again->error) << again->body;
  EXPECT_NE(again->body.find("done earlier in incident"), std::string::npos) << again->body;
  EXPECT_FALSE(std::filesystem::exists("/tmp/custos/" + again->request_id));

  // The Runtime API goes away: the process ends, saying so.
  api.stop();
  auto ended = bootstrap->wait();
  EXPECT_EQ(ended.exit_code, 1);
  EXPECT_NE(ended.out.find("custos: stopping: the Lambda Runtime API"), std::string::npos)
      << ended.out << ended.err;
}

TEST_F(LambdaTest, TooLittleTimeLeftStartsNoActionAndJournalsWhatWasLeft) {
  std::string id = run_instance_with_profile("web-role");
  std::string task = unpacked();
  RuntimeApiServer api;
  auto bootstrap = start_bootstrap(task, api.address(), "ec2-compromised-contain");
  // Less than the 5 s margin: the policy does not start.
  auto answer = api.answer(api.invoke(instance_finding(id, 8).dump(), std::chrono::seconds(2)));
  ASSERT_TRUE(answer.has_value());
  EXPECT_TRUE(answer->error);
  EXPECT_EQ(answer->error_type, "custos.NotFinished");
  Json body = Json::parse(answer->body);
  EXPECT_EQ(body["result"]["left"], 1) << answer->body;
  EXPECT_EQ(body["result"]["failed"][0]["policy"], "ec2-compromised-contain");
  EXPECT_EQ(instance_state(id), "running");
  EXPECT_EQ(associations(id).size(), 1u);
  api.stop();
  bootstrap->wait();

  auto listed = custos({"incident", "list", "--format", "json", "--journal", path("journal.db")});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  std::string incident = Json::parse(listed.out)[0]["id"].get<std::string>();
  auto shown = custos({"incident", "show", incident, "--journal", path("journal.db")});
  EXPECT_NE(shown.out.find("left"), std::string::npos) << shown.out;
  auto report = custos({"incident", "report", incident, "--journal", path("journal.db")});
  EXPECT_NE(report.out.find("was not started before the deadline"), std::string::npos)
      << report.out;
}

TEST_F(LambdaTest, TraceHeaderIsPassedOnToEveryAwsCall) {
  auto arrivals = traced_invocation();
  ASSERT_FALSE(arrivals.empty());
  for (const auto& arrival : arrivals) EXPECT_EQ(trace_of(arrival), kTrace) << arrival.target;
}

// The S3 journal's calls during an invocation belong to it as much as the actions' do.
TEST_F(LambdaTest, TraceHeaderIsPassedOnToTheS3JournalsCalls) {
  aws_cli({"s3api", "create-bucket", "--bucket", "custos-journal"});
  std::size_t records = 0;
  for (const auto& arrival : traced_invocation("s3://custos-journal/lambda")) {
    EXPECT_EQ(trace_of(arrival), kTrace) << arrival.method << " " << arrival.target;
    records += arrival.method == "PUT" &&
               arrival.target.find("/custos-journal/lambda/incidents/") != std::string::npos;
  }
  EXPECT_GT(records, 0u);
}

// Issue 12: instances share no disk, so the journal is in S3; both get the finding at once and
// one acts, and a cold-started third, getting it again, repeats nothing.
TEST_F(LambdaTest, TwoInstancesSharingAnS3JournalHandleOneFindingOnce) {
  std::string id = run_instance_with_profile("web-role");
  aws_cli({"s3api", "create-bucket", "--bucket", "custos-journal"});
  const std::string journal = "s3://custos-journal/lambda";
  const std::string finding = instance_finding(id, 8).dump();
  std::string task = unpacked();
  RuntimeApiServer first_api, second_api;
  auto first = start_bootstrap(task, first_api.address(), "ec2-compromised-contain", {}, journal);
  auto second = start_bootstrap(task, second_api.address(), "ec2-compromised-contain", {}, journal);
  std::string first_request = first_api.invoke(finding);
  std::string second_request = second_api.invoke(finding);
  for (auto answer : {first_api.answer(first_request), second_api.answer(second_request)}) {
    ASSERT_TRUE(answer.has_value());
    EXPECT_FALSE(answer->error) << answer->body;
  }
  first_api.stop();
  second_api.stop();
  first->wait();
  second->wait();
  EXPECT_EQ(instance_state(id), "stopped");
  EXPECT_EQ(snapshots_of(id), volumes_of(id));

  RuntimeApiServer cold_api;
  auto cold = start_bootstrap(task, cold_api.address(), "ec2-compromised-contain", {}, journal);
  auto again = cold_api.answer(cold_api.invoke(finding));
  ASSERT_TRUE(again.has_value());
  EXPECT_NE(again->body.find("done earlier in incident"), std::string::npos) << again->body;
  cold_api.stop();
  cold->wait();
  EXPECT_EQ(snapshots_of(id), volumes_of(id));

  auto listed = custos({"incident", "list", "--format", "json", "--journal", journal});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  ASSERT_EQ(Json::parse(listed.out).size(), 1u) << listed.out;
  std::string incident = Json::parse(listed.out)[0]["id"];
  auto report = custos({"incident", "report", incident, "--format", "json", "--journal", journal});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  Json facts = Json::parse(report.out);
  std::map<std::string, int> changed;
  for (const Json& action : facts["actions"])
    changed[action["action"]] += action["outcome"] == "changed";
  EXPECT_EQ(changed, (std::map<std::string, int>{
                         {"set-instance-profile", 1}, {"stop", 1}, {"snapshot", 1}}));
}

TEST_F(LambdaTest, UnknownHandlerIsReportedAsAnInitError) {
  std::string task = unpacked();
  RuntimeApiServer api;
  auto bootstrap = start_bootstrap(task, api.address(), "no-such-policy");
  auto error = api.init_error(std::chrono::seconds(30));
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(Json::parse(*error)["errorType"], "custos.InitError");
  EXPECT_NE(error->find("no-such-policy"), std::string::npos);
  EXPECT_EQ(bootstrap->wait().exit_code, 2);
}

TEST_F(LambdaTest, NoRuntimeApiEndsWithAClearMessage) {
  std::string task = unpacked();
  auto bootstrap = start_bootstrap(task, "127.0.0.1:1", "ec2-compromised-contain");
  auto ended = bootstrap->wait();
  EXPECT_EQ(ended.exit_code, 1);
  EXPECT_NE(ended.out.find("the Lambda Runtime API went away"), std::string::npos) << ended.out;
}

}  // namespace
}  // namespace custos::test
