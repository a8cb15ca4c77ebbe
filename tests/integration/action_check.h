// What every action's integration test proves, in one place: a dry run prints the calls and
// changes nothing, a run changes what the AWS CLI reads back, and a second run records
// "unchanged" and changes nothing more; each change's check holds (read with the AWS CLI) and
// its undo, when played, restores what was there.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "integration/fixture.h"

namespace custos::test {

// botocore's xform_name: DescribeSecurityGroups -> describe-security-groups, DescribeDBInstances
// -> describe-db-instances (the AWS CLI's command names).
std::string cli_command(const std::string& operation);

class ActionTest : public IntegrationTest {
 protected:
  // `custos run -s out POLICY` on `yaml` (with `extra` arguments); the test fails unless it
  // exits 0.
  ProcessResult run_policy(const std::string& yaml, const std::vector<std::string>& extra = {},
                           const std::map<std::string, std::string>& env = {}) const;
  // `custos run -s out --event event.json EXTRA policy.yml` (both files in path()); the test
  // fails unless it exits 0.
  ProcessResult run_event(const std::vector<std::string>& extra = {}) const;
  // The policy's actions.json of the last run.
  Json actions_of(const std::string& policy) const;
  // The resources `policy` of `yaml` matched: run_policy with --no-journal (and `env`), then
  // its resources.json.
  Json matched_by(const std::string& yaml, const std::string& policy,
                  const std::map<std::string, std::string>& env = {}) const;
  // The AWS CLI against the emulator, without failing the test when it fails.
  ProcessResult aws_try(const std::vector<std::string>& args,
                        const std::map<std::string, std::string>& env = {}) const;

  // The incident a journaled run reported ("incident INC-... (journal ..."); empty when none.
  static std::string incident_of(const ProcessResult& run);
  // Recovers the incident `run` reported (`custos incident recover`): every check held after
  // the run acted and none holds after the undo (neither prints NOT VERIFIED).
  void expect_recovered(const ProcessResult& run) const;

  // The three runs of `yaml`, whose policy `policy` has one action: `state` is read with the
  // AWS CLI before and after each; the dry run must print `would call SERVICE OPERATION`.
  // Every run gets `extra` (an --event, --no-journal). Returns the records of the real run.
  Json prove_action(const std::string& yaml, const std::string& policy,
                    const std::function<Json()>& state, const std::string& dry_call,
                    const std::map<std::string, std::string>& env = {},
                    const std::vector<std::string>& extra = {}) const;
  // The same for a policy whose filters no longer match once it has acted (a bucket whose
  // wrong notification is gone): the second run finds nothing to act on.
  Json prove_remedy(const std::string& yaml, const std::string& policy,
                    const std::function<Json()>& state, const std::string& dry_call,
                    const std::map<std::string, std::string>& env = {},
                    const std::vector<std::string>& extra = {}) const;

  // Runs a record's call ({service, operation, params, region}: an undo step or a check) with
  // the AWS CLI, as an independent client; the test fails unless it succeeds.
  // `endpoint`, when given, is where the CLI sends it (a proxy in front of the emulator).
  Json aws_call(const Json& call, const std::string& endpoint = "") const;
  // Whether a record's check ({..., expect}) holds now, asked through the AWS CLI.
  bool check_holds(const Json& check, const std::string& endpoint = "") const;
  // Plays every record's undo with the AWS CLI: `state` must be `before` again and no check
  // may hold any more.
  void expect_undo_restores(const Json& records, const std::function<Json()>& state,
                            const Json& before, const std::string& endpoint = "") const;

 private:
  Json prove(const std::string& yaml, const std::string& policy, const std::function<Json()>& state,
             const std::string& dry_call, const std::map<std::string, std::string>& env,
             const std::vector<std::string>& extra, bool still_matches) const;
};

}  // namespace custos::test
