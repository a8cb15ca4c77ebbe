// `custos gameday` end to end: on its own local emulator, and against an endpoint it is given,
// where it must refuse an account nobody named as a sandbox.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "gameday/emulator.h"
#include "incident/journal_store.h"
#include "integration/fixture.h"
#include "integration/permissions.h"
#include "support/aws_cli.h"
#include "support/paths.h"
#include "support/process.h"

namespace custos::test {
namespace {

class GamedayTest : public IntegrationTest {};

// A moto server of the test's own with AWS's managed policies (the pack attaches AWSDenyAll),
// and Debian's AWS CLI pointed at it.
class OwnEmulator {
 public:
  OwnEmulator() : moto_(/*aws_managed_policies=*/true) {}
  const std::string& url() const { return moto_.url(); }
  Json aws_cli(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {"--endpoint-url", url(), "--output", "json"};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessResult result = run_aws_cli(argv, emulator_env());
    EXPECT_EQ(result.exit_code, 0) << args[0] << " " << args[1] << ": " << result.err;
    return result.out.empty() ? Json::object() : Json::parse(result.out);
  }
  std::vector<std::string> instances_named(const std::string& name) const {
    std::vector<std::string> ids;
    const Json found =
        aws_cli({"ec2", "describe-instances", "--filters", "Name=tag:Name,Values=" + name});
    for (const Json& reservation : found["Reservations"])
      for (const Json& instance : reservation["Instances"]) ids.push_back(instance["InstanceId"]);
    return ids;
  }
  // The names (by `key`) in `list` that start with custos-gameday.
  static std::vector<std::string> seeded(const Json& list, const std::string& key) {
    std::vector<std::string> names;
    for (const Json& item : list)
      if (item.value(key, "").find("custos-gameday") != std::string::npos)
        names.push_back(item.value(key, ""));
    return names;
  }

 private:
  gameday::LocalEmulator moto_;
};

TEST_F(GamedayTest, ListsEveryScenarioOnALine) {
  auto result = custos({"gameday", "--list"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  for (const char* name : {"ec2-compromised", "ec2-isolate", "access-key-leaked",
                           "role-sessions-stolen", "s3-bucket-exposed", "kms-key-compromised",
                           "dns-hijack", "account-quarantine", "cloudtrail-stopped"})
    EXPECT_NE(result.out.find("  " + std::string(name) + ": "), std::string::npos) << name;
}

TEST_F(GamedayTest, EveryScenarioIsContainedThenRecoveredOnItsOwnEmulator) {
  auto result =
      custos({"gameday", "--all", "--recover", "-s", path("out")}, {{"AWS_ENDPOINT_URL", ""}});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("9 of 9 contained"), std::string::npos) << result.out;
  for (const char* name : {"ec2-isolate", "dns-hijack", "account-quarantine"}) {
    std::string log = read_file(path("out/" + std::string(name) + "/gameday.log"));
    EXPECT_NE(log.find("recover\n"), std::string::npos) << log;
    EXPECT_EQ(log.find("FAIL"), std::string::npos) << log;
    EXPECT_TRUE(
        std::filesystem::exists(path("out/" + std::string(name) + "/incident-report.html")));
  }
}

TEST_F(GamedayTest, EveryScenarioCleansUpAfterItselfOnAGivenEndpoint) {
  OwnEmulator moto;
  auto result = custos({"gameday", "--all", "-s", path("out"), "--endpoint", moto.url(),
                        "--yes-this-is-a-sandbox-account", "123456789012"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_TRUE(
      OwnEmulator::seeded(moto.aws_cli({"iam", "list-users"})["Users"], "UserName").empty());
  EXPECT_TRUE(
      OwnEmulator::seeded(moto.aws_cli({"iam", "list-roles"})["Roles"], "RoleName").empty());
  EXPECT_TRUE(
      OwnEmulator::seeded(moto.aws_cli({"s3api", "list-buckets"})["Buckets"], "Name").empty());
  EXPECT_TRUE(
      OwnEmulator::seeded(moto.aws_cli({"cloudtrail", "describe-trails"})["trailList"], "Name")
          .empty());
  EXPECT_TRUE(moto.aws_cli({"route53", "list-hosted-zones"})["HostedZones"].empty());
  EXPECT_TRUE(moto.aws_cli({"ec2", "describe-instances", "--filters",
                            "Name=instance-state-name,Values=running,stopped"})["Reservations"]
                  .empty());
}

TEST_F(GamedayTest, EveryScenariosEndStateIsWhatTheAwsCliSees) {
  OwnEmulator moto;
  auto result = custos({"gameday", "--all", "--keep", "-s", path("out"), "--endpoint", moto.url(),
                        "--yes-this-is-a-sandbox-account", "123456789012"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;

  std::vector<std::string> users =
      OwnEmulator::seeded(moto.aws_cli({"iam", "list-users"})["Users"], "UserName");
  for (const std::string& user : users) {
    std::multiset<std::string> statuses;
    const Json listed = moto.aws_cli({"iam", "list-access-keys", "--user-name", user});
    for (const Json& key : listed["AccessKeyMetadata"])
      statuses.insert(key["Status"].get<std::string>());
    bool leaked = user.find("-dev-") != std::string::npos;
    std::multiset<std::string> expected = {"Active"};
    if (leaked) expected.insert("Inactive");
    EXPECT_EQ(statuses, expected) << user;
  }
  EXPECT_EQ(users.size(), 2u);

  std::multiset<std::string> key_states;
  const Json keys = moto.aws_cli({"kms", "list-keys"});
  for (const Json& key : keys["Keys"])
    key_states.insert(
        moto.aws_cli({"kms", "describe-key", "--key-id", key["KeyId"]})["KeyMetadata"]["KeyState"]
            .get<std::string>());
  EXPECT_EQ(key_states, (std::multiset<std::string>{"Disabled", "Enabled"}));

  for (const std::string& trail :
       OwnEmulator::seeded(moto.aws_cli({"cloudtrail", "describe-trails"})["trailList"], "Name"))
    EXPECT_EQ(moto.aws_cli({"cloudtrail", "get-trail-status", "--name", trail})["IsLogging"],
              trail.find("-audit-") != std::string::npos)
        << trail;

  Json zone = moto.aws_cli({"route53", "list-hosted-zones"})["HostedZones"].at(0);
  std::map<std::string, std::string> addresses;
  const Json sets =
      moto.aws_cli({"route53", "list-resource-record-sets", "--hosted-zone-id", zone["Id"]});
  for (const Json& set : sets["ResourceRecordSets"])
    if (set["Type"] == "A")
      addresses[set["Name"].get<std::string>().substr(0, 4)] =
          set["ResourceRecords"][0]["Value"].get<std::string>();
  EXPECT_EQ(addresses,
            (std::map<std::string, std::string>{{"mail", "198.51.100.25"}, {"www.", "192.0.2.1"}}));

  for (const std::string& bucket :
       OwnEmulator::seeded(moto.aws_cli({"s3api", "list-buckets"})["Buckets"], "Name"))
    if (bucket.find("-exposed-") != std::string::npos) {
      EXPECT_EQ(moto.aws_cli({"s3api", "get-public-access-block", "--bucket",
                              bucket})["PublicAccessBlockConfiguration"]["BlockPublicPolicy"],
                true);
    }

  for (const std::string& instance : moto.instances_named("gameday-c2")) {
    EXPECT_EQ(moto.aws_cli({"ec2", "describe-instances", "--instance-ids",
                            instance})["Reservations"][0]["Instances"][0]["State"]["Name"],
              "stopped");
    const Json enis = moto.aws_cli({"ec2", "describe-network-interfaces", "--filters",
                                    "Name=attachment.instance-id,Values=" + instance});
    ASSERT_EQ(enis["NetworkInterfaces"].size(), 1u);
    const Json& groups = enis["NetworkInterfaces"][0]["Groups"];
    ASSERT_EQ(groups.size(), 1u) << groups;
    EXPECT_EQ(groups[0]["GroupName"], "forensic-isolation");
  }

  std::string root = moto.aws_cli({"organizations", "list-roots"})["Roots"][0]["Id"];
  Json units =
      moto.aws_cli({"organizations", "list-organizational-units-for-parent", "--parent-id", root});
  ASSERT_EQ(units["OrganizationalUnits"].size(), 1u);
  EXPECT_EQ(units["OrganizationalUnits"][0]["Name"], "Quarantine");
  EXPECT_EQ(moto.aws_cli({"organizations", "list-accounts-for-parent", "--parent-id",
                          units["OrganizationalUnits"][0]["Id"]})["Accounts"]
                .size(),
            1u);

  // The pack's least-privilege document allows every change the responses made (as journaled).
  ProcessResult schema =
      custos({"schema", "--permissions", source_path("policies/incident-response")});
  ASSERT_EQ(schema.exit_code, 0) << schema.err;
  std::set<std::string> allowed = allowed_actions(schema.out);
  std::size_t checked = 0;
  for (const auto& scenario : std::filesystem::directory_iterator(path("out"))) {
    if (scenario.path().filename() == "ec2-compromised") continue;  // the seed's own policy
    incident::SqliteJournal journal((scenario.path() / "journal.db").string(), false);
    for (const incident::IncidentInfo& info : journal.incidents())
      for (const incident::Record& record : journal.records(info.id))
        for (const Json& call : record.body.value("calls", Json::array())) {
          std::string action = iam_action(call["service"], call["operation"]);
          EXPECT_TRUE(allowed.count(action)) << action << " (" << scenario.path().filename()
                                             << ") is not in the pack's permissions";
          ++checked;
        }
  }
  EXPECT_GT(checked, 20u);
}

TEST_F(GamedayTest, ContainsOnItsOwnLocalEmulator) {
  auto result = custos({"gameday", "-s", path("out")}, {{"AWS_ENDPOINT_URL", ""}});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("CONTAINED"), std::string::npos) << result.out;
  EXPECT_EQ(result.out.find("FAIL"), std::string::npos) << result.out;
  EXPECT_TRUE(std::filesystem::exists(path("out/finding.json")));
  EXPECT_TRUE(std::filesystem::exists(path("out/ec2-compromised-contain/resources.json")));
}

TEST_F(GamedayTest, RefusesAnEndpointWhoseAccountIsNotNamed) {
  auto result = custos({"gameday", "-s", path("out"), "--endpoint", emulator().url()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("--yes-this-is-a-sandbox-account 123456789012"), std::string::npos)
      << result.err;
  Json instances = aws_cli({"ec2", "describe-instances"});
  EXPECT_TRUE(instances["Reservations"].empty());

  result = custos({"gameday", "-s", path("out"), "--endpoint", emulator().url(),
                   "--yes-this-is-a-sandbox-account", "999999999999"});
  EXPECT_EQ(result.exit_code, 2);
}

TEST_F(GamedayTest, RunsOnAGivenEndpointAndCleansUp) {
  auto result = custos({"gameday", "-s", path("out"), "--endpoint", emulator().url(),
                        "--yes-this-is-a-sandbox-account", "123456789012"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("CONTAINED"), std::string::npos);
  Json roles = aws_cli({"iam", "list-roles"})["Roles"];
  for (const Json& role : roles)
    EXPECT_EQ(role["RoleName"].get<std::string>().rfind("custos-gameday", 0), std::string::npos);
  Json instances = aws_cli({"ec2", "describe-instances", "--filters",
                            "Name=instance-state-name,Values=running,stopped"});
  EXPECT_TRUE(instances["Reservations"].empty());
}

}  // namespace
}  // namespace custos::test
