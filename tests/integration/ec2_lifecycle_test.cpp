// aws.ec2's lifecycle actions over real HTTP against moto (terminate, start,
// set-termination-protection, preserve-volumes, set-metadata-access, autorecover-alarm, reboot,
// set-monitoring): each proven by a dry run, a run and a second run that finds it done, the end
// state read back with the AWS CLI.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "support/fault_proxy.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class Ec2LifecycleTest : public ActionTest {
 protected:
  void SetUp() override {
    ActionTest::SetUp();
    id_ = aws_cli({"ec2", "run-instances", "--image-id", "ami-12c6146b", "--instance-type",
                   "t3.micro"})["Instances"][0]["InstanceId"];
  }
  Json instance() const {
    return aws_cli(
        {"ec2", "describe-instances", "--instance-ids", id_})["Reservations"][0]["Instances"][0];
  }
  Json protection() const {
    return aws_cli({"ec2", "describe-instance-attribute", "--instance-id", id_, "--attribute",
                    "disableApiTermination"})["DisableApiTermination"]["Value"];
  }
  std::string policy(const std::string& name, const std::string& action) const {
    return "policies:\n  - name: " + name +
           "\n    resource: ec2\n    filters:\n      - InstanceId: " + id_ +
           "\n    actions:\n      - " + action + "\n";
  }
  Json prove(const std::string& name, const std::string& action, const std::function<Json()>& state,
             const std::string& call) const {
    Json records = prove_action(policy(name, action), name, state, call, {}, {"--no-journal"});
    for (const Json& record : records) EXPECT_TRUE(record["check"].is_object()) << record.dump();
    return records;
  }

  std::string id_;
};

TEST_F(Ec2LifecycleTest, TerminateIsIrreversible) {
  Json records = prove(
      "eradicate", "terminate", [&] { return instance()["State"]["Name"]; },
      "ec2 TerminateInstances");
  EXPECT_EQ(instance()["State"]["Name"], "terminated");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_TRUE(records[0]["undo"].is_null());
  EXPECT_NE(records[0]["summary"].get<std::string>().find("irreversible"), std::string::npos);
}

// Termination protection stops a plain terminate (recorded as failed); force: true turns it
// off when it is in the way (Cloud Custodian's force).
TEST_F(Ec2LifecycleTest, TerminateWithForceGetsPastTerminationProtection) {
  aws_cli({"ec2", "modify-instance-attribute", "--instance-id", id_, "--disable-api-termination"});
  write("policy.yml", policy("eradicate", "terminate"));
  ProcessResult plain = custos({"run", "-s", path("out"), "--no-journal", path("policy.yml")});
  EXPECT_NE(plain.exit_code, 0) << "a failed action must show in the exit code";
  Json refused = actions_of("eradicate");
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0]["outcome"], "failed") << refused[0].dump();
  EXPECT_EQ(instance()["State"]["Name"], "running");
  run_policy(policy("eradicate", "{type: terminate, force: true}"), {"--no-journal"});
  Json records = actions_of("eradicate");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["outcome"], "changed") << records[0].dump();
  EXPECT_EQ(instance()["State"]["Name"], "terminated");
  EXPECT_EQ(protection(), false);
}

TEST_F(Ec2LifecycleTest, StartAStoppedInstance) {
  aws_cli({"ec2", "stop-instances", "--instance-ids", id_});
  Json records = prove(
      "start-again", "start", [&] { return instance()["State"]["Name"]; }, "ec2 StartInstances");
  EXPECT_EQ(instance()["State"]["Name"], "running");
  EXPECT_EQ(records[0]["undo"][0]["operation"], "StopInstances");
  expect_undo_restores(
      records, [&] { return instance()["State"]["Name"]; }, "stopped");
}

TEST_F(Ec2LifecycleTest, SetTerminationProtection) {
  Json records = prove(
      "protect", "set-termination-protection", [&] { return protection(); },
      "ec2 ModifyInstanceAttribute");
  EXPECT_EQ(protection(), true);
  EXPECT_EQ(records[0]["undo"][0]["params"]["DisableApiTermination"]["Value"], false);
  Json unprotected = prove(
      "unprotect", "{type: set-termination-protection, state: false}", [&] { return protection(); },
      "ec2 ModifyInstanceAttribute");
  EXPECT_EQ(protection(), false);
  expect_undo_restores(
      unprotected, [&] { return protection(); }, true);
}

TEST_F(Ec2LifecycleTest, PreserveVolumesKeepsThemOnTermination) {
  auto delete_on_termination = [&] {
    Json flags = Json::array();
    const Json now = instance();  // a range-for over a temporary's member would dangle
    for (const Json& mapping : now["BlockDeviceMappings"])
      flags.push_back(mapping["Ebs"]["DeleteOnTermination"]);
    return flags;
  };
  ASSERT_EQ(delete_on_termination(), Json::array({true}));
  Json records =
      prove("keep-disks", "preserve-volumes", delete_on_termination, "ec2 ModifyInstanceAttribute");
  EXPECT_EQ(delete_on_termination(), Json::array({false}));
  EXPECT_EQ(records[0]["undo"][0]["params"]["BlockDeviceMappings"][0]["Ebs"]["DeleteOnTermination"],
            true);
  expect_undo_restores(records, delete_on_termination, Json::array({true}));
  run_policy(policy("keep-disks", "preserve-volumes"), {"--no-journal"});
  // Terminated now, the volume stays for the investigators.
  std::string volume = instance()["BlockDeviceMappings"][0]["Ebs"]["VolumeId"];
  aws_cli({"ec2", "terminate-instances", "--instance-ids", id_});
  EXPECT_EQ(aws_cli({"ec2", "describe-volumes", "--filters",
                     "Name=volume-id,Values=" + volume})["Volumes"]
                .size(),
            1u);
}

TEST_F(Ec2LifecycleTest, SetMetadataAccessRequiresTokens) {
  auto options = [&] { return instance()["MetadataOptions"]["HttpTokens"]; };
  ASSERT_EQ(options(), "optional");
  Json records = prove("imdsv2", "{type: set-metadata-access, tokens: required, hop-limit: 1}",
                       options, "ec2 ModifyInstanceMetadataOptions");
  EXPECT_EQ(options(), "required");
  EXPECT_EQ(records[0]["before"]["HttpTokens"], "optional");
  EXPECT_EQ(records[0]["undo"][0]["params"]["HttpTokens"], "optional");
  expect_undo_restores(records, options, "optional");
  prove(
      "no-imds", "{type: set-metadata-access, endpoint: disabled}",
      [&] { return instance()["MetadataOptions"]["HttpEndpoint"]; },
      "ec2 ModifyInstanceMetadataOptions");
  EXPECT_EQ(instance()["MetadataOptions"]["HttpEndpoint"], "disabled");
}

TEST_F(Ec2LifecycleTest, AutorecoverAlarm) {
  auto alarm = [&] {
    return aws_cli(
        {"cloudwatch", "describe-alarms", "--alarm-names", "recover-" + id_})["MetricAlarms"];
  };
  Json records = prove("recover", "autorecover-alarm", alarm, "cloudwatch PutMetricAlarm");
  ASSERT_EQ(alarm().size(), 1u);
  EXPECT_EQ(alarm()[0]["AlarmActions"], Json::array({"arn:aws:automate:us-east-1:ec2:recover"}));
  EXPECT_EQ(alarm()[0]["Dimensions"][0]["Value"], id_);
  expect_undo_restores(records, alarm, Json::array());
}

// A reboot leaves no state behind to find done: each run reboots again (no second-run check).
TEST_F(Ec2LifecycleTest, RebootRunningInstances) {
  run_policy(policy("reboot", "reboot"), {"--dryrun", "--no-journal"});
  Json records;
  run_policy(policy("reboot", "reboot"), {"--no-journal"});
  records = actions_of("reboot");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["outcome"], "changed") << records[0].dump();
  EXPECT_EQ(records[0]["undo"], Json::array());
  EXPECT_EQ(instance()["State"]["Name"], "running");
  aws_cli({"ec2", "stop-instances", "--instance-ids", id_});
  run_policy(policy("reboot", "reboot"), {"--no-journal"});
  EXPECT_EQ(actions_of("reboot")[0]["outcome"], "unchanged");
}

// moto 5.2.1 answers MonitorInstances with a 500: a proxy answers it as AWS did (Cloud
// Custodian's recording), so the call and its record are checked, not moto's state.
TEST_F(Ec2LifecycleTest, SetMonitoringWithRecordedAnswer) {
  Json recorded = Json::parse(read_file(data_path(
      "responses/cloud-custodian-placebo/test_ec2_monitor_instance__ec2.MonitorInstances_1.json")))
      ["data"];
  FaultProxy proxy(emulator().url());
  FaultProxy::Reply reply;
  reply.body =
      "<MonitorInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>" +
      recorded["ResponseMetadata"]["RequestId"].get<std::string>() +
      "</requestId><instancesSet><item><instanceId>" + id_ + "</instanceId><monitoring><state>" +
      recorded["InstanceMonitorings"][0]["Monitoring"]["State"].get<std::string>() +
      "</state></monitoring></item></instancesSet></MonitorInstancesResponse>";
  proxy.answer_action("MonitorInstances", reply);
  std::map<std::string, std::string> env = {{"AWS_ENDPOINT_URL", proxy.url()}};
  auto monitor_calls = [&] {
    int calls = 0;
    for (const auto& arrival : proxy.arrivals())
      if (arrival.body.find("Action=MonitorInstances") != std::string::npos) ++calls;
    return calls;
  };
  const std::string yaml = policy("monitor", "{type: set-monitoring, state: enable}");
  run_policy(yaml, {"--dryrun", "--no-journal"}, env);
  EXPECT_EQ(monitor_calls(), 0);
  run_policy(yaml, {"--no-journal"}, env);
  EXPECT_EQ(monitor_calls(), 1);
  Json records = actions_of("monitor");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["outcome"], "changed") << records[0].dump();
  EXPECT_EQ(records[0]["undo"][0]["operation"], "UnmonitorInstances");
  // Already off: disabling changes nothing (moto keeps Monitoring.State disabled).
  run_policy(policy("unmonitor", "{type: set-monitoring, state: disable}"), {"--no-journal"});
  EXPECT_EQ(actions_of("unmonitor")[0]["outcome"], "unchanged");
}

}  // namespace
}  // namespace custos::test
