// modify-instance on aws.dms-instance over real HTTP, Cloud Custodian's
// enable-minor-version-upgrade unchanged: the instance's settings changed and put back by the
// undo. moto 5.2.1 has no ModifyReplicationInstance: a proxy keeps the instance (as moto
// described it, available) and applies the change, and the AWS CLI reads it back through it.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "integration/moto_gaps.h"
#include "support/paths.h"

namespace custos::test {
namespace {

using DmsInstanceModifyTest = ActionTest;

// ModifyReplicationInstance's settings as DescribeReplicationInstances shows them (as with
// ApplyImmediately: the change is not left pending).
void apply_modify(Json& instance, const Json& request) {
  for (const auto& [member, value] : request.items()) {
    if (member == "ReplicationInstanceArn" || member == "ApplyImmediately" ||
        member == "AllowMajorVersionUpgrade")
      continue;
    if (member == "VpcSecurityGroupIds") {
      instance["VpcSecurityGroups"] = Json::array();
      for (const Json& group : value)
        instance["VpcSecurityGroups"].push_back(
            {{"VpcSecurityGroupId", group}, {"Status", "active"}});
      continue;
    }
    instance[member] = value;
  }
}

// The proxy keeps `instances` and applies ModifyReplicationInstance to them.
void keep_instances(FaultProxy& proxy, Json instances) {
  keep_resources(proxy,
                 {.describe = "DescribeReplicationInstances",
                  .list_key = "ReplicationInstances",
                  .modify = "ModifyReplicationInstance",
                  .id_param = "ReplicationInstanceArn",
                  .id_field = "ReplicationInstanceArn",
                  .reply_key = "ReplicationInstance",
                  .not_found = "ResourceNotFoundFault",
                  .apply = apply_modify},
                 std::move(instances));
}

TEST_F(DmsInstanceModifyTest, MinorVersionUpgradesAreTurnedOnAndTheUndoTurnsThemOff) {
  aws_cli({"dms", "create-replication-instance", "--replication-instance-identifier", "orders",
           "--replication-instance-class", "dms.t3.micro", "--no-auto-minor-version-upgrade",
           "--preferred-maintenance-window", "sun:01:00-sun:02:00"});
  Json instances = aws_cli({"dms", "describe-replication-instances"})["ReplicationInstances"];
  ASSERT_EQ(instances.size(), 1u);
  instances[0]["ReplicationInstanceStatus"] = "available";  // created
  FaultProxy proxy(emulator().url());
  keep_instances(proxy, instances);
  auto settings = [&] {
    Json listed = aws_cli({"dms", "describe-replication-instances", "--endpoint-url", proxy.url()});
    Json found = Json::array();
    for (const Json& instance : listed.value("ReplicationInstances", Json::array()))
      found.push_back(
          {instance["AutoMinorVersionUpgrade"], instance["PreferredMaintenanceWindow"]});
    return found;
  };
  const Json before = settings();
  EXPECT_EQ(before, Json::parse(R"([[false, "sun:01:00-sun:02:00"]])"));
  Json records = prove_remedy(
      read_file(data_path("policies/c7n/dms-instance/dms-133-enable-minor-version-upgrade.yml")),
      "enable-minor-version-upgrade", settings, "dms ModifyReplicationInstance",
      {{"AWS_ENDPOINT_URL", proxy.url()}});
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["resource"], "orders");
  EXPECT_EQ(settings(), Json::parse(R"([[true, "mon:23:00-mon:23:59"]])"));
  expect_undo_restores(records, settings, before, proxy.url());
}

// An instance not available (being changed) is left as it is.
TEST_F(DmsInstanceModifyTest, AnInstanceBeingChangedIsLeftAlone) {
  aws_cli({"dms", "create-replication-instance", "--replication-instance-identifier", "orders",
           "--replication-instance-class", "dms.t3.micro", "--no-auto-minor-version-upgrade"});
  Json instances = aws_cli({"dms", "describe-replication-instances"})["ReplicationInstances"];
  instances[0]["ReplicationInstanceStatus"] = "modifying";
  FaultProxy proxy(emulator().url());
  keep_instances(proxy, instances);
  run_policy(
      read_file(data_path("policies/c7n/dms-instance/dms-133-enable-minor-version-upgrade.yml")),
      {}, {{"AWS_ENDPOINT_URL", proxy.url()}});
  Json records = actions_of("enable-minor-version-upgrade");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["outcome"], "unchanged") << records[0].dump();
  for (const auto& arrival : proxy.arrivals())
    EXPECT_EQ(arrival.body.find("AutoMinorVersionUpgrade"), std::string::npos) << arrival.body;
}

}  // namespace
}  // namespace custos::test
