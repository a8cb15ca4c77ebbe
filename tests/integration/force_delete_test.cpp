// Cloud Custodian's `delete` with `force` (the type's data: a call that empties the resource
// first) over real HTTP against moto: a rule with targets, a zone with records, a group with
// members, a shared document, a protected stack and an RDS cluster with instances, each deleted
// with what holds it emptied first. A dry run prints both calls and changes nothing; the run
// deletes it (the AWS CLI no longer lists it); a second delete in the same policy finds it gone
// (`unchanged`); the record cannot be undone.
#include <gtest/gtest.h>

#include <functional>
#include <map>

#include "integration/action_check.h"
#include "support/fault_proxy.h"

namespace custos::test {
namespace {

class ForceDeleteTest : public ActionTest {
 protected:
  // Deletes what `filter` selects of `type` with force, twice; `listed` reads with the AWS CLI
  // whether it is there; the dry run must print each of `calls`.
  void prove_force_delete(const std::string& type, const std::string& filter,
                          const std::function<bool()>& listed,
                          const std::vector<std::string>& calls,
                          const std::map<std::string, std::string>& env = {}) const {
    const std::string yaml = "policies:\n  - name: forced\n    resource: " + type +
                             "\n    filters:\n      - " + filter +
                             "\n    actions:\n      - {type: delete, force: true}\n"
                             "      - {type: delete, force: true}\n";
    ASSERT_TRUE(listed());
    ProcessResult dry = run_policy(yaml, {"--dryrun", "--no-journal"}, env);
    for (const std::string& call : calls)
      EXPECT_NE(dry.out.find("would call " + call), std::string::npos) << dry.out;
    EXPECT_TRUE(listed()) << "the dry run deleted it";

    run_policy(yaml, {"--no-journal"}, env);
    Json records = actions_of("forced");
    ASSERT_EQ(records.size(), 2u) << records.dump();
    EXPECT_EQ(records[0]["outcome"], "changed") << records[0].dump();
    EXPECT_TRUE(records[0]["undo"].is_null()) << records[0].dump();
    EXPECT_NE(records[0]["summary"].get<std::string>().find("first"), std::string::npos)
        << records[0].dump();
    EXPECT_EQ(records[1]["outcome"], "unchanged") << records[1].dump();
    EXPECT_FALSE(listed()) << "the run left it";
  }
};

TEST_F(ForceDeleteTest, EventRuleWithTargets) {
  aws_cli({"events", "put-rule", "--name", "nightly", "--schedule-expression", "rate(1 day)"});
  aws_cli({"events", "put-targets", "--rule", "nightly", "--targets",
           R"([{"Id": "t1", "Arn": "arn:aws:sqs:us-east-1:123456789012:q"}])"});
  prove_force_delete(
      "aws.event-rule", "{Name: nightly}",
      [&] {
        return !aws_cli({"events", "list-rules", "--name-prefix", "nightly"})["Rules"].empty();
      },
      {"events RemoveTargets", "events DeleteRule"});
}

TEST_F(ForceDeleteTest, HostedZoneWithRecords) {
  std::string zone = aws_cli({"route53", "create-hosted-zone", "--name", "example.com",
                              "--caller-reference", "force"})["HostedZone"]["Id"];
  Json batch = {
      {"Changes",
       Json::array({{{"Action", "CREATE"},
                     {"ResourceRecordSet",
                      {{"Name", "www.example.com"},
                       {"Type", "A"},
                       {"TTL", 300},
                       {"ResourceRecords", Json::array({{{"Value", "192.0.2.1"}}})}}}}})}};
  aws_cli({"route53", "change-resource-record-sets", "--hosted-zone-id", zone, "--change-batch",
           batch.dump()});
  prove_force_delete("aws.hostedzone", "{Name: example.com.}",
                     [&] {
                       return !aws_cli({"route53", "list-hosted-zones"})["HostedZones"].empty();
                     },
                     {"route53 ChangeResourceRecordSets", "route53 DeleteHostedZone"});
}

TEST_F(ForceDeleteTest, IamGroupWithMembers) {
  aws_cli({"iam", "create-group", "--group-name", "ops"});
  aws_cli({"iam", "create-user", "--user-name", "alice"});
  aws_cli({"iam", "add-user-to-group", "--group-name", "ops", "--user-name", "alice"});
  prove_force_delete("aws.iam-group", "{GroupName: ops}",
                     [&] {
                       return !aws_cli({"iam", "list-groups"})["Groups"].empty();
                     },
                     {"iam RemoveUserFromGroup", "iam DeleteGroup"});
  EXPECT_TRUE(aws_cli({"iam", "list-groups-for-user", "--user-name", "alice"})["Groups"].empty());
}

TEST_F(ForceDeleteTest, SsmDocumentSharedWithAnotherAccount) {
  Json content = {{"schemaVersion", "2.2"},
                  {"description", "shared"},
                  {"mainSteps", Json::array({{{"action", "aws:runShellScript"},
                                              {"name", "run"},
                                              {"inputs", {{"runCommand", {"true"}}}}}})}};
  aws_cli({"ssm", "create-document", "--name", "shared-doc", "--document-type", "Command",
           "--content", content.dump()});
  aws_cli({"ssm", "modify-document-permission", "--name", "shared-doc", "--permission-type",
           "Share", "--account-ids-to-add", "111122223333"});
  prove_force_delete("aws.ssm-document", "{Name: shared-doc}",
                     [&] {
                       return !aws_cli({"ssm", "list-documents", "--filters",
                                        "Key=Owner,Values=Self"})["DocumentIdentifiers"]
                                   .empty();
                     },
                     {"ssm ModifyDocumentPermission", "ssm DeleteDocument"});
}

// moto 5.2.1 answers UpdateTerminationProtection with HTTP 500 (and deletes a protected stack
// anyway): a proxy in front of it answers that call in CloudFormation's shape, and shows that
// custos turned the protection off before the delete.
TEST_F(ForceDeleteTest, ProtectedStack) {
  const std::string stack =
      aws_cli({"cloudformation", "create-stack", "--stack-name", "guarded",
               "--enable-termination-protection", "--template-body",
               R"({"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}})"})["StackId"];
  FaultProxy proxy(emulator().url());
  FaultProxy::Reply unprotected;
  unprotected.body =
      "<UpdateTerminationProtectionResponse xmlns=\"http://cloudformation.amazonaws.com/doc/"
      "2010-05-15/\"><UpdateTerminationProtectionResult><StackId>" +
      stack +
      "</StackId></UpdateTerminationProtectionResult></UpdateTerminationProtectionResponse>";
  proxy.answer_action("UpdateTerminationProtection", unprotected);
  prove_force_delete("aws.cfn", "{StackName: guarded}",
                     [&] {
                       return !aws_cli({"cloudformation", "list-stacks", "--stack-status-filter",
                                        "CREATE_COMPLETE"})["StackSummaries"]
                                   .empty();
                     },
                     {"cloudformation UpdateTerminationProtection", "cloudformation DeleteStack"},
                     {{"AWS_ENDPOINT_URL", proxy.url()}});
  std::vector<std::string> turned_off;
  for (const auto& arrival : proxy.arrivals())
    if (arrival.body.find("Action=UpdateTerminationProtection") != std::string::npos)
      turned_off.push_back(arrival.body);
  ASSERT_EQ(turned_off.size(), 1u);
  EXPECT_NE(turned_off[0].find("EnableTerminationProtection=false"), std::string::npos)
      << turned_off[0];
}

// Cloud Custodian's rds-cluster-delete-unused: the cluster's member instances go first
// (delete-instances, the default), then the cluster, leaving its final snapshot.
TEST_F(ForceDeleteTest, RdsClusterWithItsInstancesAndAFinalSnapshot) {
  aws_cli({"rds", "create-db-cluster", "--db-cluster-identifier", "cluster1", "--engine",
           "aurora-postgresql", "--master-username", "admin", "--master-user-password",
           "password123"});
  aws_cli({"rds", "create-db-instance", "--db-instance-identifier", "member1",
           "--db-cluster-identifier", "cluster1", "--engine", "aurora-postgresql",
           "--db-instance-class", "db.r5.large"});
  auto listed = [&](const std::string& what) {
    Json answer = aws_cli({"rds", "describe-db-" + what + "s"});
    std::string key = what == "cluster" ? "DBClusters" : "DBInstances";
    return answer[key].size();
  };
  ASSERT_EQ(listed("cluster"), 1u);
  ASSERT_EQ(listed("instance"), 1u);
  const std::string yaml = R"(policies:
  - name: unused
    resource: rds-cluster
    filters: [{DBClusterIdentifier: cluster1}]
    actions:
      - {type: delete, skip-snapshot: false, delete-instances: true}
)";
  ProcessResult dry = run_policy(yaml, {"--dryrun", "--no-journal"});
  for (const char* call : {"rds DeleteDBInstance", "rds DeleteDBCluster"})
    EXPECT_NE(dry.out.find(std::string("would call ") + call), std::string::npos) << dry.out;
  EXPECT_EQ(listed("cluster"), 1u);
  run_policy(yaml, {"--no-journal"});
  EXPECT_EQ(listed("cluster"), 0u);
  EXPECT_EQ(listed("instance"), 0u);
  Json records = actions_of("unused");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_NE(records[0]["summary"].get<std::string>().find("its instances member1 deleted first"),
            std::string::npos)
      << records[0];
  Json snapshots =
      aws_cli({"rds", "describe-db-cluster-snapshots", "--db-cluster-snapshot-identifier",
               "final-cluster1"})["DBClusterSnapshots"];
  EXPECT_EQ(snapshots.size(), 1u);
}

// Cloud Custodian's delete-unencrypted-buckets: a versioned bucket with two versions of an
// object, a delete marker and an unfinished upload is emptied (remove-contents, the default)
// and deleted.
TEST_F(ForceDeleteTest, VersionedBucketWithObjects) {
  aws_cli({"s3api", "create-bucket", "--bucket", "doomed"});
  aws_cli({"s3api", "put-bucket-versioning", "--bucket", "doomed", "--versioning-configuration",
           "Status=Enabled"});
  write("object.txt", "evidence");
  for (int version = 0; version < 2; ++version)
    aws_cli({"s3api", "put-object", "--bucket", "doomed", "--key", "a.txt", "--body",
             path("object.txt")});
  aws_cli({"s3api", "delete-object", "--bucket", "doomed", "--key", "a.txt"});
  aws_cli({"s3api", "create-multipart-upload", "--bucket", "doomed", "--key", "big.bin"});
  auto listed = [&] {
    const Json buckets = aws_cli({"s3api", "list-buckets"})["Buckets"];
    for (const Json& bucket : buckets)
      if (bucket["Name"] == "doomed") return true;
    return false;
  };
  const std::string yaml = R"(policies:
  - name: doomed
    resource: s3
    filters: [{Name: doomed}]
    actions: [delete, delete]
)";
  ProcessResult dry = run_policy(yaml, {"--dryrun", "--no-journal"});
  for (const char* call : {"s3 AbortMultipartUpload", "s3 DeleteObjects", "s3 DeleteBucket"})
    EXPECT_NE(dry.out.find(std::string("would call ") + call), std::string::npos) << dry.out;
  EXPECT_TRUE(listed());
  run_policy(yaml, {"--no-journal"});
  EXPECT_FALSE(listed());
  Json records = actions_of("doomed");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_NE(
      records[0]["summary"].get<std::string>().find("emptied first (3 object version(s) deleted)"),
      std::string::npos)
      << records[0];
  EXPECT_TRUE(records[0]["undo"].is_null());
  EXPECT_EQ(records[1]["outcome"], "unchanged") << records[1];
}

}  // namespace
}  // namespace custos::test
