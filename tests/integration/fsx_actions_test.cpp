// backup, delete and update on aws.fsx over real HTTP against moto, Cloud Custodian's examples
// unchanged (the delete examples find the file system by the id moto gave it): backups tagged as
// copy-tags and tags say, read back with the AWS CLI and deleted by the undo; a file system
// deleted with its final backup's tags, or without one, in its own kind's configuration; and
// the settings of each file system's kind updated and put back. moto 5.2.1 has no
// UpdateFileSystem: a proxy keeps the file systems (as moto described them) and applies the
// updates, and the AWS CLI reads them back through it.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "integration/moto_gaps.h"
#include "support/fault_proxy.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class FsxActionsTest : public ActionTest {
 protected:
  void SetUp() override {
    ActionTest::SetUp();
    std::string vpc = aws_cli({"ec2", "create-vpc", "--cidr-block", "10.0.0.0/16"})["Vpc"]["VpcId"];
    subnet_ = aws_cli({"ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block",
                       "10.0.1.0/24"})["Subnet"]["SubnetId"];
  }

  std::string example(const std::string& name) const {
    return read_file(data_path("policies/c7n/fsx/" + name + ".yml"));
  }
  // A file system of `type` with `config` (its kind's configuration, as the CLI takes it) and
  // the tags Application=web, Owner=ops, Team=storage.
  std::string file_system(const std::string& type, const std::string& config) const {
    std::vector<std::string> args = {"fsx",
                                     "create-file-system",
                                     "--file-system-type",
                                     type,
                                     "--storage-capacity",
                                     "1200",
                                     "--subnet-ids",
                                     subnet_,
                                     "--tags",
                                     "Key=Application,Value=web",
                                     "Key=Owner,Value=ops",
                                     "Key=Team,Value=storage"};
    if (type == "WINDOWS") args.insert(args.end(), {"--windows-configuration", config});
    if (type == "LUSTRE") args.insert(args.end(), {"--lustre-configuration", config});
    return aws_cli(args)["FileSystem"]["FileSystemId"];
  }
  // Each backup's id and tags ({KEY: VALUE}).
  Json backups() const {
    Json found = Json::array();
    for (const Json& backup :
         aws_cli({"fsx", "describe-backups"}).value("Backups", Json::array())) {
      Json tags = Json::object();
      for (const Json& tag : backup.value("Tags", Json::array()))
        tags[tag["Key"].get<std::string>()] = tag["Value"];
      found.push_back({{"BackupId", backup["BackupId"]}, {"Tags", tags}});
    }
    return found;
  }
  Json file_system_ids(const std::string& endpoint = "") const {
    std::vector<std::string> args = {"fsx", "describe-file-systems"};
    if (!endpoint.empty()) args.insert(args.end(), {"--endpoint-url", endpoint});
    Json ids = Json::array();
    for (const Json& system : aws_cli(args).value("FileSystems", Json::array()))
      ids.push_back(system["FileSystemId"]);
    return ids;
  }
  // A run of `yaml`, a dry run first that must make no backup, then its records.
  Json backed_up(const std::string& yaml, const std::string& policy) const {
    ProcessResult dry = run_policy(yaml, {"--dryrun"});
    EXPECT_NE(dry.out.find("would call fsx CreateBackup"), std::string::npos) << dry.out;
    EXPECT_EQ(backups(), Json::array());
    run_policy(yaml);
    Json records = actions_of(policy);
    for (const Json& record : records) {
      EXPECT_EQ(record["outcome"], "changed") << record.dump();
      EXPECT_TRUE(check_holds(record["check"])) << record.dump();
    }
    return records;
  }

  std::string subnet_;
};

// Cloud Custodian's backup-fsx-resource: copy-tags true copies every tag, tags adds its own.
TEST_F(FsxActionsTest, ABackupCopiesEveryTagAndTheUndoDeletesIt) {
  std::string id = file_system("LUSTRE", "DeploymentType=PERSISTENT_1,PerUnitStorageThroughput=50");
  Json records = backed_up(example("fsx-180-backup-fsx-resource"), "backup-fsx-resource");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["resource"], id);
  EXPECT_EQ(backups(),
            Json::parse(R"([{"BackupId": ")" + records[0]["after"]["BackupId"].get<std::string>() +
                        R"(", "Tags": {"Application": "web", "Owner": "ops",
    "Team": "storage", "BackupSource": "CloudCustodian"}}])"));
  EXPECT_EQ(records[0]["before"]["FileSystemId"], id);
  expect_undo_restores(
      records, [&] { return backups(); }, Json::array());
}

// Cloud Custodian's backup-fsx-resource-copy-specific-tags: only the tags copy-tags names.
TEST_F(FsxActionsTest, ABackupCopiesTheTagsNamed) {
  std::string id = file_system("WINDOWS", "ThroughputCapacity=8");
  Json records = backed_up(example("fsx-180-backup-fsx-resource-copy-specific-tags"),
                           "backup-fsx-resource-copy-specific-tags");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["resource"], id);
  EXPECT_EQ(backups(),
            Json::parse(R"([{"BackupId": ")" + records[0]["after"]["BackupId"].get<std::string>() +
                        R"(", "Tags": {"Application": "web", "Owner": "ops",
    "BackupSource": "CloudCustodian"}}])"));
}

// The DeleteFileSystem requests that reached the proxy, their bodies (without the token).
Json deletes_sent(const FaultProxy& proxy) {
  Json bodies = Json::array();
  for (const auto& arrival : proxy.arrivals()) {
    auto target = arrival.headers.find("X-Amz-Target");
    if (target == arrival.headers.end() || !target->second.ends_with(".DeleteFileSystem")) continue;
    Json body = Json::parse(arrival.body);
    body.erase("ClientRequestToken");  // the SDKs' idempotency token, a fresh UUID
    bodies.push_back(body);
  }
  return bodies;
}

// Cloud Custodian's delete-fsx-instance-with-snapshot, on a Windows file system: its final
// backup tagged with the two tags named and DeletedBy. moto 5.2.1 takes no final backup, so
// what was asked of it is read off a proxy in front of it.
TEST_F(FsxActionsTest, ADeleteAsksForAFinalBackupWithTheTagsNamed) {
  std::string id = file_system("WINDOWS", "ThroughputCapacity=8");
  std::string yaml = example("fsx-261-delete-fsx-instance-with-snapshot");
  yaml.replace(yaml.find("fs-1234567890123"), 16, id);
  FaultProxy proxy(emulator().url());
  Json records =
      prove_remedy(yaml, "delete-fsx-instance-with-snapshot", [&] { return file_system_ids(); },
                   "fsx DeleteFileSystem", {{"AWS_ENDPOINT_URL", proxy.url()}});
  EXPECT_EQ(file_system_ids(), Json::array());
  ASSERT_EQ(records.size(), 1u);
  EXPECT_TRUE(records[0]["undo"].is_null()) << records[0].dump();
  EXPECT_NE(records[0]["summary"].get<std::string>().find("irreversible"), std::string::npos);
  EXPECT_EQ(records[0]["before"]["FileSystemId"], id);
  EXPECT_EQ(deletes_sent(proxy), Json::parse(R"([{"FileSystemId": ")" + id + R"(",
    "WindowsConfiguration": {"SkipFinalBackup": false, "FinalBackupTags": [
      {"Key": "Application", "Value": "web"}, {"Key": "Owner", "Value": "ops"},
      {"Key": "DeletedBy", "Value": "CloudCustodian"}]}}])"));
}

// Cloud Custodian's delete-fsx-instance-skip-snapshot, on a scratch Lustre file system (which
// takes no backups): no final backup, asked in the Lustre configuration.
TEST_F(FsxActionsTest, ADeleteSkippingTheSnapshotTakesNone) {
  std::string id = file_system("LUSTRE", "DeploymentType=SCRATCH_2");
  std::string yaml = example("fsx-261-delete-fsx-instance-skip-snapshot");
  yaml.replace(yaml.find("fs-1234567890123"), 16, id);
  FaultProxy proxy(emulator().url());
  Json records =
      prove_remedy(yaml, "delete-fsx-instance-skip-snapshot", [&] { return file_system_ids(); },
                   "fsx DeleteFileSystem", {{"AWS_ENDPOINT_URL", proxy.url()}});
  ASSERT_EQ(records.size(), 1u);
  EXPECT_TRUE(records[0]["undo"].is_null()) << records[0].dump();
  EXPECT_EQ(deletes_sent(proxy), Json::parse(R"([{"FileSystemId": ")" + id + R"(",
    "LustreConfiguration": {"SkipFinalBackup": true}}])"));
}

// A scratch Lustre file system cannot have the final backup the delete asks for: it is left.
TEST_F(FsxActionsTest, AScratchFileSystemIsNotDeletedWithoutTheFinalBackupAsked) {
  std::string id = file_system("LUSTRE", "DeploymentType=SCRATCH_2");
  std::string yaml = example("fsx-261-delete-fsx-instance-with-snapshot");
  yaml.replace(yaml.find("fs-1234567890123"), 16, id);
  run_policy(yaml);
  Json records = actions_of("delete-fsx-instance-with-snapshot");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["outcome"], "unchanged") << records[0].dump();
  EXPECT_EQ(file_system_ids(), Json::array({id}));
}

// Cloud Custodian's update-fsx-resource: a Windows and a Lustre file system, each updated with
// its own kind's settings only; a second run finds them so, and the undo puts back the times
// and days they had.
TEST_F(FsxActionsTest, EachFileSystemIsUpdatedWithItsKindsSettings) {
  std::string windows =
      file_system("WINDOWS",
                  "ThroughputCapacity=8,WeeklyMaintenanceStartTime=1:01:00,"
                  "DailyAutomaticBackupStartTime=01:00,AutomaticBackupRetentionDays=7");
  std::string lustre = file_system("LUSTRE",
                                   "DeploymentType=PERSISTENT_1,PerUnitStorageThroughput=50,"
                                   "WeeklyMaintenanceStartTime=2:02:00");
  FaultProxy proxy(emulator().url());
  keep_resources(proxy,
                 {.describe = "DescribeFileSystems",
                  .list_key = "FileSystems",
                  .ids_param = "FileSystemIds",
                  .modify = "UpdateFileSystem",
                  .id_param = "FileSystemId",
                  .id_field = "FileSystemId",
                  .reply_key = "FileSystem",
                  .not_found = "FileSystemNotFound",
                  .apply =
                      [](Json& system, const Json& request) {
                        // The members given replace those of the file system's configuration.
                        for (const char* key : {"WindowsConfiguration", "LustreConfiguration"})
                          if (request.contains(key)) system[key].update(request[key]);
                      }},
                 aws_cli({"fsx", "describe-file-systems"})["FileSystems"]);
  auto settings = [&] {
    Json found = Json::object();
    const Json listed = aws_cli({"fsx", "describe-file-systems", "--endpoint-url", proxy.url()});
    for (const Json& system : listed.value("FileSystems", Json::array())) {
      std::string id = system["FileSystemId"];
      found[id == windows ? "windows" : "lustre"] = system.value(
          id == windows ? "WindowsConfiguration" : "LustreConfiguration", Json::object());
    }
    return found;
  };
  const Json before = settings();
  Json records =
      prove_action(example("fsx-137-update-fsx-resource"), "update-fsx-resource", settings,
                   "fsx UpdateFileSystem", {{"AWS_ENDPOINT_URL", proxy.url()}});
  ASSERT_EQ(records.size(), 2u);
  Json after = settings();
  EXPECT_EQ(after["windows"], Json::parse(R"({"ThroughputCapacity": 8,
    "WeeklyMaintenanceStartTime": "04:30", "DailyAutomaticBackupStartTime": "04:30",
    "AutomaticBackupRetentionDays": 1})"));
  EXPECT_EQ(after["lustre"], Json::parse(R"({"DeploymentType": "PERSISTENT_1",
    "PerUnitStorageThroughput": 50, "WeeklyMaintenanceStartTime": "04:30"})"));
  for (const auto& arrival : proxy.arrivals()) {
    auto target = arrival.headers.find("X-Amz-Target");
    if (target == arrival.headers.end() || !target->second.ends_with(".UpdateFileSystem")) continue;
    Json sent = Json::parse(arrival.body);
    EXPECT_NE(sent.contains("WindowsConfiguration"), sent.contains("LustreConfiguration"))
        << arrival.body;  // one kind's settings, never both
  }
  expect_undo_restores(records, settings, before, proxy.url());
}

}  // namespace
}  // namespace custos::test
