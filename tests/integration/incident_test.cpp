// Incidents end to end on moto: containment then recovery checked with the AWS CLI, a finding
// delivered three times handled once, two processes delivering one finding acting once, and a
// process killed between two actions resumed with nothing lost or done twice.
#include <gtest/gtest.h>

#include <signal.h>

#include <thread>

#include "integration/incident_fixture.h"
#include "support/fault_proxy.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class IncidentTest : public IncidentFixture {
 protected:
  std::string journal() const override { return path("journal.db"); }
};

TEST_F(IncidentTest, RecoverRestoresWhatContainmentChanged) { contain_then_recover(); }

TEST_F(IncidentTest, TheSameFindingThreeTimesIsHandledOnce) { deliver_three_times(); }

TEST_F(IncidentTest, TwoProcessesDeliveringOneFindingActOnce) {
  deliver_in_two_processes_at_once();
}

TEST_F(IncidentTest, AProcessKilledBetweenTwoActionsIsResumedWithNothingLostOrRepeated) {
  // The proxy holds StopInstances: set-instance-profile is done, stop has started.
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
  auto resumed = custos({"incident", "resume", id, "--journal", journal(), "-s", path("resumed")});
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

TEST_F(IncidentTest, BadInputIsOneLineAndExitTwo) {
  auto unknown = custos({"incident", "show", "INC-20000101-00000000", "--journal", journal()});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("no incident journal at"), std::string::npos) << unknown.err;

  ASSERT_EQ(custos(run_args()).exit_code, 0);
  unknown = custos({"incident", "report", "INC-20000101-00000000", "--journal", journal()});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("no incident INC-20000101-00000000"), std::string::npos)
      << unknown.err;

  write("not-a-journal.db", "hello, I am text\n");
  auto bad = custos({"incident", "list", "--journal", path("not-a-journal.db")});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("is not a custos journal"), std::string::npos) << bad.err;
  EXPECT_EQ(read_file(path("not-a-journal.db")), "hello, I am text\n");
}

}  // namespace
}  // namespace custos::test
