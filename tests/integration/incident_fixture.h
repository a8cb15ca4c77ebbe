// An instance with a role, a GuardDuty finding about it and the containment policy, run with a
// journal (a SQLite file or an S3 prefix) and checked with the AWS CLI: what the incident tests
// of both journal backends share.
#pragma once

#include <signal.h>

#include <string>
#include <vector>

#include "integration/findings.h"
#include "integration/fixture.h"
#include "support/fault_proxy.h"
#include "support/paths.h"

namespace custos::test {

class IncidentFixture : public IntegrationTest {
 protected:
  // Where the runs journal (--journal).
  virtual std::string journal() const = 0;

  void SetUp() override {
    IntegrationTest::SetUp();
    write("policy.yml", contain_policy());
    instance_ = run_instance_with_profile("web-role");
    write("finding.json", instance_finding(instance_).dump());
  }

  std::vector<std::string> run_args() const {
    return {"run",     "-s",      path("out"),          "--journal",
            journal(), "--event", path("finding.json"), path("policy.yml")};
  }

  Json incidents() const {
    auto listed = custos({"incident", "list", "--format", "json", "--journal", journal()});
    EXPECT_EQ(listed.exit_code, 0) << listed.err;
    return Json::parse(listed.out);
  }

  std::string only_incident() const {
    Json all = incidents();
    EXPECT_EQ(all.size(), 1u) << all.dump();
    return all.empty() ? "" : all[0]["id"].get<std::string>();
  }

  Json report(const std::string& id) const {
    auto result = custos({"incident", "report", id, "--format", "json", "--journal", journal()});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return Json::parse(result.out);
  }

  std::size_t associations() const {
    return aws_cli({"ec2", "describe-iam-instance-profile-associations", "--filters",
                    "Name=instance-id,Values=" + instance_,
                    "Name=state,Values=associated"})["IamInstanceProfileAssociations"]
        .size();
  }

  std::size_t volumes() const { return volumes_of(instance_); }
  std::size_t snapshots() const { return snapshots_of(instance_); }

  std::size_t completed(const Json& report, const std::string& action) const {
    std::size_t count = 0;
    for (const Json& a : report["actions"])
      if (a["action"] == action && a["outcome"] == "changed") ++count;
    return count;
  }

  // Contains the instance, then recovers it from the journal (the incident in incident_).
  void contain_then_recover() {
    auto contained = custos(run_args());
    ASSERT_EQ(contained.exit_code, 0) << contained.out << contained.err;
    ASSERT_EQ(instance_state(instance_), "stopped");
    ASSERT_EQ(associations(), 0u);
    std::string id = only_incident();
    EXPECT_NE(contained.out.find("incident " + id), std::string::npos) << contained.out;

    auto recovered = custos({"incident", "recover", id, "--journal", journal()});
    ASSERT_EQ(recovered.exit_code, 0) << recovered.out << recovered.err;
    EXPECT_NE(recovered.out.find("recovered stop"), std::string::npos) << recovered.out;
    EXPECT_NE(recovered.out.find("kept snapshot"), std::string::npos) << recovered.out;
    std::string state = instance_state(instance_);
    EXPECT_TRUE(state == "running" || state == "pending") << state;
    EXPECT_EQ(associations(), 1u);  // the role is back

    Json facts = report(id);
    ASSERT_EQ(facts["recovery"].size(), 2u) << facts.dump(2);
    for (const Json& step : facts["recovery"]) {
      EXPECT_EQ(step["status"], "recovered");
      EXPECT_EQ(step["verified"], true);
    }
    for (const Json& action : facts["actions"])
      if (action["action"] != "snapshot") {
        EXPECT_EQ(action["verified"], true) << action.dump();
      }
    EXPECT_EQ(facts["integrity"]["intact"], true);
    // A second recovery finds nothing left to undo.
    auto again = custos({"incident", "recover", id, "--journal", journal()});
    EXPECT_EQ(again.exit_code, 0);
    EXPECT_EQ(again.out.find("recovered stop"), std::string::npos) << again.out;
    incident_ = id;
  }

  // Delivers the finding three times: it is acted on once (the incident in incident_).
  void deliver_three_times() {
    for (int delivery = 0; delivery < 3; ++delivery) {
      auto result = custos(run_args());
      ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
      if (delivery > 0) {
        EXPECT_NE(result.out.find("done earlier in incident"), std::string::npos) << result.out;
      }
    }
    EXPECT_EQ(snapshots(), volumes());  // one set
    std::string id = only_incident();
    Json facts = report(id);
    EXPECT_EQ(completed(facts, "snapshot"), 1u);
    EXPECT_EQ(completed(facts, "stop"), 1u);
    incident_ = id;
  }

  // Two processes deliver the finding at once: one acts.
  void deliver_in_two_processes_at_once() const {
    auto first = start_custos(run_args());
    auto second = start_custos(run_args());
    auto a = first->wait();
    auto b = second->wait();
    EXPECT_EQ(a.exit_code, 0) << a.out << a.err;
    EXPECT_EQ(b.exit_code, 0) << b.out << b.err;
    EXPECT_EQ(snapshots(), volumes());
    Json facts = report(only_incident());
    EXPECT_EQ(completed(facts, "snapshot"), 1u);
    EXPECT_EQ(completed(facts, "stop"), 1u);
    EXPECT_EQ(completed(facts, "set-instance-profile"), 1u);
  }

  // A process killed between two actions (a proxy holds StopInstances: set-instance-profile
  // is done, stop has started); `incident resume` finishes, nothing lost or done twice.
  void kill_between_two_actions_then_resume() const {
    FaultProxy proxy(emulator().url());
    proxy.hold("Action=StopInstances");
    auto killed = start_custos(run_args(), {{"AWS_ENDPOINT_URL", proxy.url()}});
    ASSERT_TRUE(proxy.wait_held(std::chrono::seconds(60)));
    killed->kill(SIGKILL);
    auto ended = killed->wait();
    EXPECT_EQ(ended.exit_code, -1);  // killed, not exited
    proxy.release();
    EXPECT_EQ(associations(), 0u);
    EXPECT_EQ(instance_state(instance_), "running");
    EXPECT_EQ(snapshots(), 0u);

    std::string id = only_incident();
    auto resumed =
        custos({"incident", "resume", id, "--journal", journal(), "-s", path("resumed")});
    ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
    EXPECT_NE(resumed.out.find("done earlier in incident " + id), std::string::npos)
        << resumed.out;  // set-instance-profile is not repeated
    EXPECT_EQ(instance_state(instance_), "stopped");
    EXPECT_EQ(snapshots(), volumes());
    Json facts = report(id);
    EXPECT_EQ(completed(facts, "set-instance-profile"), 1u);
    EXPECT_EQ(completed(facts, "stop"), 1u);
    EXPECT_EQ(completed(facts, "snapshot"), 1u);
    EXPECT_EQ(facts["integrity"]["intact"], true);
  }

  std::string instance_;
  std::string incident_;
};

}  // namespace custos::test
