// Game days: rehearse an incident end to end. Seed an account, inject a finding as AWS would
// deliver it, let custos's policies respond, verify the end state through the API, report.
#pragma once

#include <ostream>
#include <string>

#include "aws/config.h"

namespace custos::gameday {

struct GamedayOptions {
  std::string scenario = "ec2-compromised";
  bool all = false;  // every scenario in turn, then a table of the outcomes
  // Empty endpoint and profile: start a local emulator (moto) and stop it afterwards.
  aws::SessionOptions aws;
  // Anything but the local emulator must be named by account id to be touched at all.
  std::string sandbox_account;
  std::string output_dir = "gameday-out";  // with `all`, one folder per scenario in it
  bool keep = false;     // leave seeded resources in place (real accounts) for inspection
  bool recover = false;  // after containment, undo it from the journal and check it is undone
};

// Runs the scenario (or all of them), printing each step to `out`. Returns 0 when containment
// held, 1 when a check failed. Throws custos::InputError when refused (unknown scenario, account
// not named).
int run_gameday(const GamedayOptions& options, std::ostream& out);

// Names and one-line descriptions of the scenarios, for --help and `--list`.
std::string scenario_list();

}  // namespace custos::gameday
