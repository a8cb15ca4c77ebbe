// service-limit and request-limit-increase on aws.account over real HTTP: moto serves the
// Support API's checks and cases; it lacks Trusted Advisor's check results, which a proxy in
// front of it answers in the Support API's shape. The cases custos opens are read back with
// the AWS CLI, and the record's undo resolves them.
#include <gtest/gtest.h>

#include <strings.h>

#include <map>
#include <set>
#include <string>

#include "integration/action_check.h"
#include "support/fault_proxy.h"
#include "support/paths.h"

namespace custos::test {
namespace {

const char* const kIamRoles = "oQ7TT0l7J9";  // moto's (and AWS's) "IAM Roles" check
const char* const kIamUsers = "qS7VV0l7J9";

FaultProxy::Reply json_reply(const Json& body) {
  FaultProxy::Reply reply;
  reply.body = body.dump();
  reply.content_type = "application/x-amz-json-1.1";
  return reply;
}

// A result as Trusted Advisor gives it: IAM's roles, global ("-"), 950 of 1,000 used; and a
// limit of another region, which a run in us-east-1 leaves out.
Json roles_result(const std::string& timestamp) {
  return {{"result",
           {{"checkId", kIamRoles},
            {"timestamp", timestamp},
            {"status", "warning"},
            {"resourcesSummary",
             {{"resourcesProcessed", 2},
              {"resourcesFlagged", 2},
              {"resourcesIgnored", 0},
              {"resourcesSuppressed", 0}}},
            {"categorySpecificSummary", Json::object()},
            {"flaggedResources",
             Json::array({{{"status", "warning"},
                           {"resourceId", "roles"},
                           {"metadata", {"-", "IAM", "Roles", "1000", "950", "Yellow"}}},
                          {{"status", "error"},
                           {"resourceId", "roles-eu"},
                           {"region", "eu-west-1"},
                           {"metadata", {"eu-west-1", "IAM", "Roles", "10", "10", "Red"}}}})}}}};
}

class ServiceLimitTest : public ActionTest {
 protected:
  void SetUp() override {
    ActionTest::SetUp();
    proxy_ = std::make_unique<FaultProxy>(emulator().url());
  }

  ProcessResult run(const std::string& yaml, const std::vector<std::string>& extra = {}) {
    write("policy.yml", yaml);
    std::vector<std::string> args = {"run", "--no-journal", "-s", path("out")};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(path("policy.yml"));
    ProcessResult result = custos(args, {{"AWS_ENDPOINT_URL", proxy_->url()}});
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    return result;
  }
  Json matched(const std::string& policy) const {
    return Json::parse(read_file(path("out/" + policy + "/resources.json")));
  }
  // The bodies of the Support API calls of `operation` that reached the proxy.
  std::vector<Json> arrived_bodies(const std::string& operation) const {
    std::vector<Json> bodies;
    for (const auto& arrival : proxy_->arrivals())
      for (const auto& [name, value] : arrival.headers)
        if (strcasecmp(name.c_str(), "X-Amz-Target") == 0 &&
            value == "AWSSupport_20130415." + operation)
          bodies.push_back(Json::parse(arrival.body));
    return bodies;
  }
  std::size_t arrived(const std::string& operation) const {
    return arrived_bodies(operation).size();
  }
  Json cases(bool resolved) const {
    return aws_cli(
        {"support", "describe-cases", "--region", "us-east-1",
         resolved ? "--include-resolved-cases" : "--no-include-resolved-cases"})["cases"];
  }

  std::unique_ptr<FaultProxy> proxy_;
};

TEST_F(ServiceLimitTest, AGlobalLimitUsedPastTheThresholdIsFoundInUsEast1Only) {
  proxy_->answer_action("DescribeTrustedAdvisorCheckResult",
                        json_reply(roles_result("2099-01-01T00:00:00Z")));
  auto policy = [](const std::string& threshold) {
    return "policies:\n  - name: limits\n    resource: account\n    filters:\n"
           "      - {type: service-limit, services: [IAM], limits: [Roles], threshold: " +
           threshold + "}\n";
  };
  run(policy("90"));
  Json found = matched("limits");
  ASSERT_EQ(found.size(), 1u);
  // services: [IAM] asks IAM's six checks (the proxy answers each with the same result); of
  // each, the global limit only: eu-west-1's is another region's.
  Json exceeded = found[0]["c7n:ServiceLimitsExceeded"];
  ASSERT_EQ(exceeded.size(), 6u) << exceeded;
  EXPECT_EQ(found[0]["c7n:ServiceLimits"].size(), 6u);
  std::set<std::string> names;
  for (const Json& limit : exceeded) {
    names.insert(limit["name"]);
    EXPECT_EQ(limit["check"], "Roles");
    EXPECT_EQ(limit["region"], "-");
    EXPECT_DOUBLE_EQ(limit["percentage"].get<double>(), 95.0);
  }
  EXPECT_EQ(names, (std::set<std::string>{"IAM Group", "IAM Instance Profiles", "IAM Policies",
                                          "IAM Roles", "IAM Server Certificates", "IAM Users"}));
  // A fresh result is not refreshed.
  EXPECT_EQ(arrived("RefreshTrustedAdvisorCheck"), 0u);
  EXPECT_EQ(arrived("DescribeTrustedAdvisorCheckResult"), 6u);

  run(policy("96"));
  EXPECT_TRUE(matched("limits").empty());
}

// Results older than refresh_period days are refreshed for the next run; a check Trusted
// Advisor has no result for yet is refreshed and waited for.
TEST_F(ServiceLimitTest, StaleAndMissingResultsAreRefreshed) {
  proxy_->answer_containing(kIamRoles, json_reply(roles_result("2020-01-01T00:00:00Z")));
  proxy_->answer_containing(
      kIamUsers, json_reply({{"result", {{"checkId", kIamUsers}, {"status", "not_available"}}}}));
  proxy_->answer_action(
      "DescribeTrustedAdvisorCheckRefreshStatuses",
      json_reply({{"statuses", Json::array({{{"checkId", kIamUsers},
                                             {"status", "success"},
                                             {"millisUntilNextRefreshable", 0}}})}}));
  run(R"(policies:
  - name: limits
    resource: account
    filters:
      - {type: service-limit, names: [IAM Roles, iam users], threshold: 50}
)");
  EXPECT_EQ(matched("limits").size(), 1u);
  EXPECT_EQ(arrived("RefreshTrustedAdvisorCheck"), 2u);  // the stale one and the missing one
  EXPECT_EQ(arrived("DescribeTrustedAdvisorCheckRefreshStatuses"), 1u);
  EXPECT_EQ(arrived("DescribeTrustedAdvisorCheckResult"), 3u);  // roles, users, users again
}

// Cloud Custodian's raise-account-service-limits: a case asking for 950 -> 1,500 roles.
TEST_F(ServiceLimitTest, RequestLimitIncreaseOpensACaseAndUndoResolvesIt) {
  proxy_->answer_action("DescribeTrustedAdvisorCheckResult",
                        json_reply(roles_result("2099-01-01T00:00:00Z")));
  std::string yaml = R"(policies:
  - name: raise
    resource: account
    filters:
      - {type: service-limit, services: [IAM], threshold: 90}
    actions:
      - type: request-limit-increase
        notify: [secops@example.com]
        percent-increase: 50
        message: "Please raise the below account limit(s); \n {limits}"
)";
  ProcessResult dry = run(yaml, {"--dryrun"});
  EXPECT_NE(dry.out.find("would call support CreateCase"), std::string::npos) << dry.out;
  EXPECT_TRUE(cases(false).empty());

  run(yaml);
  Json open = cases(false);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0]["subject"], "[Account:123456789012]Raise the following limit(s) of IAM in -");
  EXPECT_EQ(open[0]["serviceCode"], "aws-identity-and-access-management");
  // moto raises a case's severity each time it is described: what custos sent is read here.
  ASSERT_EQ(arrived("CreateCase"), 1u);
  EXPECT_EQ(arrived_bodies("CreateCase")[0]["severityCode"], "normal");
  EXPECT_EQ(arrived_bodies("CreateCase")[0]["categoryCode"], "general-guidance");
  EXPECT_EQ(open[0]["ccEmailAddresses"], Json::array({"secops@example.com"}));
  std::string body = open[0]["recentCommunications"]["communications"][0]["body"];
  EXPECT_NE(body.find("Increase Roles by 500 in -"), std::string::npos) << body;
  EXPECT_NE(body.find("Set New Limit to: 1500"), std::string::npos) << body;
  Json records = actions_of("raise");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["after"]["Cases"][0]["caseId"], open[0]["caseId"]);

  for (const Json& step : records[0]["undo"]) aws_call(step);
  EXPECT_TRUE(cases(false).empty());
  EXPECT_EQ(cases(true).size(), 1u);
}

}  // namespace
}  // namespace custos::test
