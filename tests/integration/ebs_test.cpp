// EBS over real HTTP against moto: a volume snapshotted as evidence when CloudTrail reports it
// (once per incident), a snapshot shared with the world or another account made private again,
// and a snapshot deleted (unless an AMI uses it). The AWS CLI reads every end state back.
#include <gtest/gtest.h>

#include <set>

#include "integration/action_check.h"
#include "integration/findings.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class EbsTest : public ActionTest {
 protected:
  std::string volume() const {
    return aws_cli({"ec2", "create-volume", "--availability-zone", "us-east-1a", "--size", "8",
                    "--tag-specifications",
                    "ResourceType=volume,Tags=[{Key=Name,Value=db-data}]"})["VolumeId"];
  }
  std::string snapshot() const {
    return aws_cli({"ec2", "create-snapshot", "--volume-id", volume()})["SnapshotId"];
  }
  Json snapshots_of(const std::string& volume_id) const {
    return aws_cli({"ec2", "describe-snapshots", "--owner-ids", "self", "--filters",
                    "Name=tag:custos:volume-id,Values=" + volume_id})["Snapshots"];
  }
  // Who may create volumes from the snapshot, sorted: account ids and "all".
  Json shared(const std::string& snapshot_id) const {
    Json who = Json::array();
    // Held here: a range-for over a member of a temporary would read freed memory.
    const Json answer = aws_cli({"ec2", "describe-snapshot-attribute", "--snapshot-id", snapshot_id,
                                 "--attribute", "createVolumePermission"});
    for (const Json& p : answer["CreateVolumePermissions"])
      who.push_back(p.value("Group", p.value("UserId", "")));
    std::sort(who.begin(), who.end());
    return who;
  }
  void share(const std::string& snapshot_id) const {
    aws_cli({"ec2", "modify-snapshot-attribute", "--snapshot-id", snapshot_id, "--attribute",
             "createVolumePermission", "--operation-type", "add", "--user-ids", "111122223333",
             "--group-names", "all"});
  }
  bool exists(const std::string& snapshot_id) const {
    return !aws_cli({"ec2", "describe-snapshots", "--filters",
                     "Name=snapshot-id,Values=" + snapshot_id})["Snapshots"]
                .empty();
  }
};

// Cloud Custodian's CreateVolume shortcut names the volume; the same event delivered again is
// the same incident, whose snapshot is already taken.
TEST_F(EbsTest, SnapshotAVolumeOncePerIncident) {
  std::string id = volume();
  Json event = cloudtrail_call("ec2.amazonaws.com", "CreateVolume", {{"size", 8}});
  event["detail"]["responseElements"] = {{"volumeId", id}};
  write("event.json", event.dump());
  std::string yaml = R"(policies:
  - name: evidence
    resource: ebs
    mode:
      type: cloudtrail
      events: [CreateVolume]
    actions:
      - {type: snapshot, copy-tags: [Name], tags: {case: ir-42}}
)";
  std::vector<std::string> on_event = {"--event", path("event.json"), "--journal",
                                       path("journal.db")};
  auto with = [&](std::vector<std::string> extra) {
    extra.insert(extra.end(), on_event.begin(), on_event.end());
    return extra;
  };
  run_policy(yaml, with({"--dryrun"}));
  EXPECT_TRUE(snapshots_of(id).empty());
  run_policy(yaml, with({}));
  Json taken = snapshots_of(id);
  ASSERT_EQ(taken.size(), 1u);
  Json tags = Json::object();
  for (const Json& tag : taken[0]["Tags"]) tags[tag["Key"].get<std::string>()] = tag["Value"];
  EXPECT_EQ(tags["Name"], "db-data");
  EXPECT_EQ(tags["case"], "ir-42");
  EXPECT_EQ(tags["custos:policy"], "evidence");
  EXPECT_TRUE(tags.contains("custos:incident"));
  Json records = actions_of("evidence");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["after"]["Snapshots"][0]["SnapshotId"], taken[0]["SnapshotId"]);
  EXPECT_EQ(records[0]["undo"], Json::array());  // evidence is kept

  run_policy(yaml, with({}));
  EXPECT_EQ(actions_of("evidence")[0]["outcome"], "unchanged");
  EXPECT_EQ(snapshots_of(id).size(), 1u);
}

// A snapshot shared with everyone and with 111122223333, which the policy trusts: cross-account
// finds "all", and set-permissions (remove: matched) takes that away only.
TEST_F(EbsTest, StopSharingWithEveryone) {
  std::string id = snapshot();
  share(id);
  std::string yaml = R"(policies:
  - name: public-snapshots
    resource: ebs-snapshot
    filters:
      - {type: cross-account, whitelist: ['111122223333']}
    actions:
      - {type: set-permissions, remove: matched}
)";
  run_policy(yaml, {"--no-journal", "--dryrun"});
  EXPECT_EQ(shared(id), Json::parse(R"(["111122223333", "all"])"));
  run_policy(yaml, {"--no-journal"});
  EXPECT_EQ(shared(id), Json::parse(R"(["111122223333"])"));
  Json records = actions_of("public-snapshots");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["summary"], "stopped sharing with all");
  EXPECT_EQ(records[0]["undo"][0]["params"]["GroupNames"], Json::array({"all"}));
  Json resources = Json::parse(read_file(path("out/public-snapshots/resources.json")));
  EXPECT_EQ(resources[0]["c7n:CrossAccountViolations"], Json::array({"all"}));
  run_policy(yaml, {"--no-journal"});
  EXPECT_TRUE(actions_of("public-snapshots").empty());  // nothing outside the whitelist now
}

// Without add or remove, every permission goes (Cloud Custodian resets the attribute).
TEST_F(EbsTest, SetPermissionsWithoutOptionsStopsAllSharing) {
  std::string id = snapshot();
  share(id);
  std::string yaml =
      "policies:\n  - name: private\n    resource: ebs-snapshot\n    filters:\n"
      "      - SnapshotId: " +
      id + "\n    actions:\n      - set-permissions\n";
  Json records = prove_action(yaml, "private", [&] { return shared(id); },
                              "ec2 ModifySnapshotAttribute", {}, {"--no-journal"});
  EXPECT_EQ(shared(id), Json::array());
  expect_undo_restores(
      records, [&] { return shared(id); }, Json::parse(R"(["111122223333", "all"])"));
}

TEST_F(EbsTest, DeleteASnapshotAndFindItGoneTheSecondTime) {
  std::string id = snapshot();
  std::string yaml =
      "policies:\n  - name: destroy\n    resource: ebs-snapshot\n    filters:\n"
      "      - SnapshotId: " +
      id +
      "\n    actions:\n      - delete\n"
      "      - delete\n";
  run_policy(yaml, {"--no-journal", "--dryrun"});
  EXPECT_TRUE(exists(id));
  run_policy(yaml, {"--no-journal"});
  EXPECT_FALSE(exists(id));
  Json records = actions_of("destroy");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0]["outcome"], "changed");
  EXPECT_TRUE(records[0]["undo"].is_null());
  EXPECT_EQ(records[1]["outcome"], "unchanged");  // the second delete finds it gone
}

// age (Cloud Custodian's SnapshotAge): StartTime against days; skip-ami-snapshots leaves out
// what the account's images are made from. (moto lists a snapshot of each of its AMIs as the
// account's: the policies look at two snapshots only.)
TEST_F(EbsTest, SnapshotAgeAndAmiSnapshots) {
  std::string id = snapshot();
  aws_cli({"ec2", "register-image", "--name", "from-snapshot", "--root-device-name", "/dev/sda1",
           "--block-device-mappings", "DeviceName=/dev/sda1,Ebs={SnapshotId=" + id + "}"});
  Json image = aws_cli({"ec2", "describe-images", "--owners", "self"})["Images"][0];
  std::string imaged = image["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"];
  auto selected = [&](const std::string& filter) {
    write("age.yml",
          "policies:\n  - name: aged\n    resource: ebs-snapshot\n    filters:\n"
          "      - {type: value, key: SnapshotId, op: in, value: [" +
              id + ", " + imaged + "]}\n      - " + filter + "\n");
    auto run = custos({"run", "-s", path("out"), path("age.yml")});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    std::set<std::string> found;
    for (const Json& s : Json::parse(read_file(path("out/aged/resources.json"))))
      found.insert(s["SnapshotId"].get<std::string>());
    return found;
  };
  EXPECT_EQ(selected("{type: age, op: lt, days: 1}"), (std::set<std::string>{id, imaged}));
  EXPECT_EQ(selected("{type: age, op: ge, days: 1}"), std::set<std::string>{});
  EXPECT_EQ(selected("skip-ami-snapshots"), std::set<std::string>{id});
  EXPECT_EQ(selected("{type: skip-ami-snapshots, value: false}"),
            (std::set<std::string>{id, imaged}));
}

// volume (Cloud Custodian's SnapshotVolumeFilter): snapshots by the volume they came from;
// value: absent finds those whose volume is gone.
TEST_F(EbsTest, SnapshotsByTheirVolume) {
  std::string live = volume();
  std::string gone = volume();
  std::string kept = aws_cli({"ec2", "create-snapshot", "--volume-id", live})["SnapshotId"];
  std::string orphan = aws_cli({"ec2", "create-snapshot", "--volume-id", gone})["SnapshotId"];
  aws_cli({"ec2", "delete-volume", "--volume-id", gone});
  auto selected = [&](const std::string& filter) {
    write("volume.yml",
          "policies:\n  - name: by-volume\n    resource: aws.ebs-snapshot\n"
          "    filters:\n      - {type: value, key: SnapshotId, op: in, value: [" +
              kept + ", " + orphan + "]}\n      - " + filter + "\n");
    auto result = custos({"run", "--no-journal", "-s", path("out"), path("volume.yml")});
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    Json ids = Json::array();
    for (const Json& snapshot : Json::parse(read_file(path("out/by-volume/resources.json"))))
      ids.push_back(snapshot["SnapshotId"]);
    return ids;
  };
  EXPECT_EQ(selected("{type: volume, key: VolumeId, value: absent}"), Json::array({orphan}));
  EXPECT_EQ(selected("{type: volume, key: VolumeId, value: " + live + "}"), Json::array({kept}));
  EXPECT_EQ(selected("{type: volume, key: Size, value: 8}"), Json::array({kept}));
}

// Cloud Custodian's ebs-remove-piops and ebs-upsize-piops: modifyable leaves out a magnetic
// volume; modify changes an io1 volume's type (undo puts it back), or grows it and its IOPS
// (which cannot be undone).
TEST_F(EbsTest, ModifyableVolumesChangeTypeOrGrow) {
  auto create = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"ec2",        "create-volume", "--availability-zone",
                                     "us-east-1a", "--size",        "8"};
    args.insert(args.end(), extra.begin(), extra.end());
    return aws_cli(args)["VolumeId"].get<std::string>();
  };
  std::string fast = create({"--volume-type", "io1", "--iops", "100"});
  std::string magnetic = create({"--volume-type", "standard"});
  auto shape = [&] {
    Json found = aws_cli({"ec2", "describe-volumes", "--volume-ids", fast})["Volumes"][0];
    return Json::array({found["VolumeType"], found["Size"], found.value("Iops", Json())});
  };
  auto policy = [&](const std::string& name, const std::string& action) {
    return "policies:\n  - name: " + name +
           "\n    resource: ebs\n    filters:\n      - {type: value, key: VolumeId, op: in, "
           "value: [" +
           fast + ", " + magnetic + "]}\n      - modifyable\n    actions:\n      - " + action +
           "\n";
  };
  const Json before = shape();
  Json records = prove_action(policy("to-gp2", "{type: modify, volume-type: gp2}"), "to-gp2", shape,
                              "ec2 ModifyVolume", {}, {"--no-journal"});
  ASSERT_EQ(records.size(), 1u);  // the magnetic volume is not modifyable
  EXPECT_EQ(records[0]["resource"], fast);
  EXPECT_EQ(shape()[0], "gp2");
  expect_undo_restores(records, shape, before);

  run_policy(policy("upsize", "{type: modify, size-percent: 200, iops-percent: 400}"),
             {"--no-journal"});
  EXPECT_EQ(shape(), Json::parse(R"(["io1", 16, 400])"));
  Json grown = actions_of("upsize");
  ASSERT_EQ(grown.size(), 1u);
  EXPECT_TRUE(grown[0]["undo"].is_null());
  EXPECT_TRUE(check_holds(grown[0]["check"])) << grown[0];
}

// Cloud Custodian's ebs-volumes: volumes without a snapshot newer than two days (a not around
// the snapshots list-item filter); the snapshots are kept as c7n:Snapshots.
TEST_F(EbsTest, VolumesByTheirSnapshots) {
  std::string backed = volume();
  std::string bare = volume();
  aws_cli({"ec2", "create-snapshot", "--volume-id", backed});
  auto selected = [&](const std::string& filter) {
    write("snaps.yml",
          "policies:\n  - name: snaps\n    resource: aws.ebs\n    filters:\n"
          "      - {type: value, key: VolumeId, op: in, value: [" +
              backed + ", " + bare + "]}\n" + filter);
    auto result = custos({"run", "--no-journal", "-s", path("out"), path("snaps.yml")});
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    return Json::parse(read_file(path("out/snaps/resources.json")));
  };
  Json unbacked = selected(R"(      - not:
        - type: snapshots
          attrs:
            - {type: value, key: StartTime, value_type: age, value: 2, op: less-than}
)");
  ASSERT_EQ(unbacked.size(), 1u);
  EXPECT_EQ(unbacked[0]["VolumeId"], bare);
  Json counted = selected("      - {type: snapshots, count: 1, count_op: eq}\n");
  ASSERT_EQ(counted.size(), 1u);
  EXPECT_EQ(counted[0]["VolumeId"], backed);
  EXPECT_EQ(counted[0]["c7n:Snapshots"].size(), 1u);
}

}  // namespace
}  // namespace custos::test
