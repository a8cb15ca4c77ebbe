// `custos audit` with the built-in preparation pack against seeded accounts on moto: on the
// unprepared seed every check moto can serve fails with exactly the seeded ids, on the prepared
// one every check passes; what moto cannot serve (root MFA and keys, old access keys) is
// answered by recorded AWS responses through a proxy. The pack is read-only.
#include <gtest/gtest.h>

#include <set>

#include "aws/protocol_codec.h"
#include "gameday/account_seeds.h"
#include "integration/fixture.h"
#include "support/fault_proxy.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class AuditTest : public IntegrationTest {
 protected:
  // S3 Control's {AccountId}. host prefix needs a name that resolves: *.localhost does.
  std::string control_url() const {
    return "http://localhost:" + std::to_string(emulator().port());
  }

  Json seed(const std::string& name) const {
    aws::SessionOptions options;
    options.endpoint_url = control_url();
    options.region = "us-east-1";
    aws::Credentials keys;
    keys.access_key_id = keys.secret_access_key = "testing";
    keys.source = "test";
    options.credentials = keys;
    aws::Client s3control(std::make_shared<const aws::Session>(options));
    return gameday::seed_account(name, client(), s3control);
  }

  // The audit's JSON report, by check name; `code` is its exit code.
  std::map<std::string, Json> audit(int& code, std::vector<std::string> args = {},
                                    std::map<std::string, std::string> env = {}) const {
    env["AWS_ENDPOINT_URL_S3_CONTROL"] = control_url();
    args.insert(args.begin(), {"audit", "--format", "json"});
    ProcessResult result = custos(args, env);
    code = result.exit_code;
    std::map<std::string, Json> checks;
    for (const Json& check : Json::parse(result.out)) checks[check["name"]] = check;
    EXPECT_TRUE(result.err.empty()) << result.err;
    return checks;
  }
};

std::set<std::string> ids(const Json& list) { return {list.begin(), list.end()}; }

// Has the proxy answer IAM GetAccountSummary with `summary` (a SummaryMap), in IAM's XML.
void answer_account_summary(FaultProxy& proxy, const Json& summary) {
  std::string entries;
  for (const auto& [key, value] : summary.items())
    entries += "<entry><key>" + key + "</key><value>" + value.dump() + "</value></entry>";
  FaultProxy::Reply answer;
  answer.body = "<GetAccountSummaryResponse><GetAccountSummaryResult><SummaryMap>" + entries +
                "</SummaryMap></GetAccountSummaryResult></GetAccountSummaryResponse>";
  proxy.answer_action("GetAccountSummary", answer);
}

// What moto 5.2.1 cannot show (AccountAccessKeysPresent is always 0, access keys are always new):
// these pass on any moto account; RecordedIdentityAnswers and
// RootAccessKeysPresentFailsTheRootChecks make them fail.
const std::set<std::string> kMotoAlwaysPasses = {"root-access-keys", "iam-access-key-old",
                                                 "iam-access-key-unused"};

TEST_F(AuditTest, UnpreparedAccountFailsEveryCheckWithTheSeededIds) {
  Json expected = seed("unprepared-account");
  int code = 0;
  auto checks = audit(code);
  EXPECT_EQ(code, 1);
  EXPECT_EQ(checks.size(), expected.size() + kMotoAlwaysPasses.size());
  for (const auto& [name, offending] : expected.items()) {
    ASSERT_TRUE(checks.count(name)) << name;
    EXPECT_EQ(checks[name]["status"], "fail") << name;
    EXPECT_EQ(ids(checks[name]["resources"]), ids(offending)) << name;
  }
  for (const auto& name : kMotoAlwaysPasses) EXPECT_EQ(checks[name]["status"], "pass") << name;
}

TEST_F(AuditTest, PreparedAccountPassesEveryCheck) {
  seed("prepared-account");
  int code = 0;
  auto checks = audit(code);
  EXPECT_EQ(checks.size(), 20u);
  for (const auto& [name, check] : checks) {
    if (name == "root-mfa") continue;  // moto 5.2.1 always says AccountMFAEnabled 0: see below
    EXPECT_EQ(check["status"], "pass") << name << ": " << check.dump();
  }
  EXPECT_EQ(checks["root-mfa"]["resources"], Json::array({"123456789012"}));
  EXPECT_EQ(code, 1);  // root-mfa alone
}

// moto 5.2.1 cannot enable root MFA, add root keys or age access keys: GetAccountSummary and
// GetCredentialReport are answered as AWS did (Cloud Custodian's placebo recordings) by a proxy
// in front of moto, for users moto has under the recorded names.
TEST_F(AuditTest, RecordedIdentityAnswers) {
  for (const char* user : {"Hazmat", "kaleb"}) aws_cli({"iam", "create-user", "--user-name", user});
  FaultProxy proxy(emulator().url());
  answer_account_summary(
      proxy, Json::parse(read_file(data_path(
                 "responses/cloud-custodian-placebo/"
                 "test_account_root_mfa__iam.GetAccountSummary_1.json")))["data"]["SummaryMap"]);
  FaultProxy::Reply answer;
  Json report =
      Json::parse(read_file(data_path("responses/cloud-custodian-placebo/"
                                      "test_iam_user_unused_keys__iam."
                                      "GetCredentialReport_2.json")))["data"];
  std::string csv = report["Content"];
  answer.body = "<GetCredentialReportResponse><GetCredentialReportResult><Content>" +
                aws::codec::base64_encode(csv) +
                "</Content><ReportFormat>text/csv</ReportFormat><GeneratedTime>"
                "2016-11-25T14:30:42Z</GeneratedTime></GetCredentialReportResult>"
                "</GetCredentialReportResponse>";
  proxy.answer_action("GetCredentialReport", answer);
  int code = 0;
  auto checks = audit(code, {source_path("policies/preparation/identity.yml")},
                      {{"AWS_ENDPOINT_URL", proxy.url()}});
  EXPECT_EQ(code, 1);
  EXPECT_EQ(checks["root-mfa"]["status"], "pass");  // recorded AccountMFAEnabled: 1
  EXPECT_EQ(checks["root-access-keys"]["status"], "pass");
  // Keys rotated in 2013 and 2016, never used.
  EXPECT_EQ(ids(checks["iam-access-key-old"]["resources"]),
            (std::set<std::string>{"Hazmat", "kaleb"}));
  EXPECT_EQ(ids(checks["iam-access-key-unused"]["resources"]),
            (std::set<std::string>{"Hazmat", "kaleb"}));
  EXPECT_EQ(ids(checks["iam-user-console-without-mfa"]["resources"]),
            std::set<std::string>{"kaleb"});
}

// AWS's own documented GetAccountSummary answer (botocore's IAM examples) is an account whose
// root user has an access key and no MFA: both root checks fail, naming the account.
TEST_F(AuditTest, RootAccessKeysPresentFailsTheRootChecks) {
  FaultProxy proxy(emulator().url());
  Json example =
      Json::parse(read_file(data_path("responses/botocore-examples/iam.GetAccountSummary.json")));
  ASSERT_EQ(example["output"]["SummaryMap"]["AccountAccessKeysPresent"], 1);
  answer_account_summary(proxy, example["output"]["SummaryMap"]);
  int code = 0;
  auto checks = audit(code, {source_path("policies/preparation/identity.yml")},
                      {{"AWS_ENDPOINT_URL", proxy.url()}});
  EXPECT_EQ(code, 1);
  for (const char* name : {"root-access-keys", "root-mfa"}) {
    EXPECT_EQ(checks[name]["status"], "fail") << name;
    EXPECT_EQ(checks[name]["resources"], Json::array({"123456789012"})) << name;
  }
}

// Audit only reads: every IAM action the pack needs lists, describes or gets, except
// iam:GenerateCredentialReport, which only (re)builds the credential report the credential
// filter reads and changes nothing in the account.
TEST_F(AuditTest, PackNeedsOnlyReadOnlyPermissions) {
  ProcessResult validated = custos({"validate", source_path("policies/preparation")});
  EXPECT_EQ(validated.exit_code, 0) << validated.err;
  ProcessResult result = custos({"schema", "--permissions", source_path("policies/preparation")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  Json actions = Json::parse(result.out)["Statement"][0]["Action"];
  EXPECT_GT(actions.size(), 20u);
  for (const Json& action : actions) {
    std::string verb = action.get<std::string>().substr(action.get<std::string>().find(':') + 1);
    bool reads = verb.starts_with("Describe") || verb.starts_with("Get") ||
                 verb.starts_with("List") || action == "iam:GenerateCredentialReport";
    EXPECT_TRUE(reads) << action;
  }
}

}  // namespace
}  // namespace custos::test
