// Incidents end to end on moto: containment then recovery checked with the AWS CLI, a finding
// delivered three times handled once, two processes delivering one finding acting once, and a
// process killed between two actions resumed with nothing lost or done twice.
#include <gtest/gtest.h>

#include "integration/incident_fixture.h"

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
  kill_between_two_actions_then_resume();
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
