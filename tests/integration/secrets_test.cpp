// Secrets never leave custos: a canary secret key and session token go through every command,
// with -v (every request and response logged), on success and error paths; then every byte
// custos wrote (stdout, stderr, output folders, the journal, reports) is searched for them.
#include <gtest/gtest.h>

#include <filesystem>

#include "integration/findings.h"
#include "integration/fixture.h"
#include "support/paths.h"

namespace custos::test {
namespace {

const std::string kSecret = "canaryS3cretKEY/0123456789+abcdefghijklmnop";
const std::string kToken = "CANARYsessionT0KEN-0123456789abcdefghijklmnopqrstuvwxyz";

class SecretsTest : public IntegrationTest {
 protected:
  // custos -v with the canary credentials; everything it printed is kept.
  ProcessResult canary(std::vector<std::string> args) {
    args.insert(args.begin(), "-v");
    ProcessResult result = custos(args, {{"AWS_ACCESS_KEY_ID", "AKIACANARY0000000000"},
                                         {"AWS_SECRET_ACCESS_KEY", kSecret},
                                         {"AWS_SESSION_TOKEN", kToken}});
    printed_ += result.out + result.err;
    return result;
  }

  // Every file under the test's folder, whole.
  std::string written() const {
    std::string all;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(path("")))
      if (entry.is_regular_file()) all += read_file(entry.path().string());
    return all;
  }

  std::string printed_;
};

TEST_F(SecretsTest, NoCommandPrintsOrWritesTheSecretKeyOrTheSessionToken) {
  std::string id = run_instance_with_profile("web");
  write("policy.yml", read_file(data_path("policies/ec2-compromised-contain.yml")));
  write("finding.json", instance_finding(id).dump());
  std::string journal = path("journal.db");
  canary({"run", "--dryrun", "-s", path("dry"), "--journal", journal, "--event",
          path("finding.json"), path("policy.yml")});
  ASSERT_EQ(canary({"run", "-s", path("out"), "--journal", journal, "--event", path("finding.json"),
                    path("policy.yml")})
                .exit_code,
            0)
      << printed_;
  Json incidents =
      Json::parse(canary({"incident", "list", "--format", "json", "--journal", journal}).out);
  ASSERT_FALSE(incidents.empty());
  std::string incident = incidents[0]["id"];
  for (const char* format : {"md", "html", "json"})
    canary({"incident", "report", incident, "--journal", journal, "--format", format, "-o",
            path(std::string("report.") + format)});
  canary({"incident", "show", incident, "--journal", journal});
  canary({"incident", "verify", incident, "--journal", journal});
  canary({"incident", "recover", incident, "--journal", journal});
  canary({"call", "sts", "GetCallerIdentity"});
  canary({"call", "ec2", "DescribeInstances", "--paginate"});
  // Error paths: AWS refusing, no answer, bad input.
  canary({"call", "iam", "GetUser", "--params", R"({"UserName": "nobody"})"});
  canary({"call", "sts", "GetCallerIdentity", "--endpoint-url", "http://127.0.0.1:9"});
  canary({"run", "-s", path("out"), "--event", path("missing.json"), path("policy.yml")});
  write("bad.yml", "policies: [{name: x, resource: aws.nosuch}]\n");
  canary({"run", "-s", path("out"), path("bad.yml")});
  canary({"eval", path("policy.yml"), "-r", path("out/ec2-compromised-contain/resources.json")});

  // The log shows requests were made and signed, with their credentials redacted.
  EXPECT_NE(printed_.find("Authorization: <redacted>"), std::string::npos) << printed_;
  EXPECT_NE(printed_.find("X-Amz-Security-Token: <redacted>"), std::string::npos);
  for (const std::string& secret : {kSecret, kToken}) {
    EXPECT_EQ(printed_.find(secret), std::string::npos) << "printed";
    EXPECT_EQ(written().find(secret), std::string::npos) << "written under " << path("");
  }
}

}  // namespace
}  // namespace custos::test
