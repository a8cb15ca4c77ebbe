#include <iostream>

#include "cli/commands.h"
#include "gameday/account_seeds.h"
#include "gameday/gameday.h"

namespace custos::cli {

void add_gameday(CLI::App& app, Command& selected) {
  auto options = std::make_shared<gameday::GamedayOptions>();
  auto* command = app.add_subcommand(
      "gameday",
      "Rehearse an incident: seed an account, inject a finding, let custos respond, verify");
  auto list = std::make_shared<bool>(false);
  auto* scenario =
      command->add_option("--scenario", options->scenario, "which incident to rehearse (--list)")
          ->default_str(options->scenario);
  command
      ->add_flag("--all", options->all,
                 "rehearse every scenario in turn, then print a table: scenario, contained, "
                 "seconds (each scenario's steps in OUTDIR/<scenario>/gameday.log)")
      ->excludes(scenario);
  command->add_flag("--list", *list, "list the scenarios, one line each, and exit");
  command
      ->add_option("-s,--output-dir", options->output_dir,
                   "where to write the finding, the policy and the policy outputs")
      ->default_str(options->output_dir);
  add_aws_options(*command, options->aws);
  command->add_option("--yes-this-is-a-sandbox-account", options->sandbox_account,
                      "the account id the game day may change; required for anything but the "
                      "local emulator (it refuses any other account)");
  command->add_flag("--keep", options->keep,
                    "on a real or shared endpoint, leave the seeded resources in place");
  command->add_flag("--recover", options->recover,
                    "after containment, rehearse recovery: undo it from the incident journal "
                    "and check each change is undone");
  auto seed = std::make_shared<std::string>();
  command->add_option("--seed-only", *seed,
                      "unprepared-account|prepared-account: seed an account for `custos audit` "
                      "(on moto, left running) and print how to audit it");
  command->footer(
      "With no --endpoint and no --profile, custos starts a local AWS emulator (moto's server) on\n"
      "127.0.0.1, runs the scenario there and stops it: nothing leaves this machine.\n"
      "Each scenario seeds what it needs, delivers the event AWS would (a GuardDuty finding or\n"
      "a CloudTrail call), lets the shipped policy pack respond, checks the end state through\n"
      "the API (bystanders untouched too) and writes the incident report.\n"
      "Scenarios:\n" +
      gameday::scenario_list() +
      "Examples:\n"
      "  custos gameday                              # ec2-compromised on a local emulator\n"
      "  custos gameday --scenario dns-hijack --recover\n"
      "  custos gameday --all                        # every scenario, then a table\n"
      "Exit code 0 when every check passed (contained), 1 when one failed, 2 when refused.");
  command->callback([&selected, options, list, seed] {
    selected = [options, list, seed] {
      if (*list) {
        std::cout << gameday::scenario_list();
        return 0;
      }
      if (!seed->empty()) return gameday::run_account_seed(*seed, options->aws, std::cout);
      return gameday::run_gameday(*options, std::cout);
    };
  });
}

}  // namespace custos::cli
