#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "aws/client.h"
#include "cli/commands.h"
#include "cli/execute.h"
#include "org/org_run.h"

namespace custos::cli {
namespace {

struct OrgArgs {
  std::string accounts_file;
  std::string policy_file;
  org::OrgRunOptions run;
  std::vector<std::string> names, tags;
  aws::SessionOptions aws;
  std::string journal;
  bool no_journal = false;
  bool dryrun = false;
  std::string role = "OrganizationAccountAccessRole";
  std::string output;
};

int org_run(const OrgArgs& args) {
  auto accounts =
      org::selected_accounts(org::load_accounts(args.accounts_file), args.names, args.tags);
  if (accounts.empty()) throw InputError("no account of " + args.accounts_file + " is selected");
  serverless::Handler handler(
      handler_options(args.policy_file, read_text_file(args.policy_file, "policy file"), args.aws,
                      args.dryrun, journal_path(args.journal, args.no_journal)));
  org::OrgRunOptions run = args.run;
  aws::SessionOptions session = args.aws;
  // STS and the run's defaults need a region: the first one named, unless one is configured.
  if (!run.regions.empty() && run.regions[0] != "all" && std::getenv("AWS_REGION") == nullptr &&
      std::getenv("AWS_DEFAULT_REGION") == nullptr)
    session.region = run.regions[0];
  run.accounts = std::move(accounts);
  run.progress_bar = ::isatty(STDERR_FILENO);
  auto runs = org::org_run(handler, session, run, std::cerr);
  std::cout << org::summary_table(runs);
  for (const auto& r : runs)
    if (!r.error.empty() || r.failed) return 1;
  return 0;
}

int list_accounts(const OrgArgs& args) {
  aws::Client client(std::make_shared<const aws::Session>(args.aws));
  std::string yaml = org::accounts_yaml(org::list_accounts(client, args.role));
  if (args.output.empty()) {
    std::cout << yaml;
    return 0;
  }
  std::ofstream out(args.output);
  if (!(out << yaml).flush()) throw Error("cannot write " + args.output);
  return 0;
}

}  // namespace

void add_org(CLI::App& app, Command& selected) {
  auto args = std::make_shared<OrgArgs>();
  auto* command = app.add_subcommand(
      "org", "Run policies across the accounts and regions of an organization (as c7n-org)");
  command->require_subcommand(1);
  auto* run = command->add_subcommand(
      "run", "Run a policy file's pull-mode policies in every account and region");
  run->add_option("-c,--config", args->accounts_file, "accounts file (c7n-org's format)")
      ->required()
      ->check(CLI::ExistingFile);
  run->add_option("-s,--output-dir", args->run.output_dir,
                  "outputs in OUTDIR/<account>/<region>/<policy>/")
      ->required();
  run->add_option("POLICY", args->policy_file, "policy file (YAML)")
      ->required()
      ->check(CLI::ExistingFile);
  run->add_option("-r,--region", args->run.regions,
                  "regions to run in (repeatable), or all; default: each account's regions, "
                  "else the configured region");
  run->add_option("--parallel", args->run.parallel, "account-regions run at once (default 4)")
      ->check(CLI::Range(1, 256));
  run->add_option("-a,--accounts", args->names, "only these accounts (id or name; repeatable)");
  run->add_option("-t,--tags", args->tags, "only accounts with this tag (repeatable)");
  run->add_flag("--dryrun,--dry-run", args->dryrun,
                "print the calls actions would make, make none");
  add_journal_option(*run, args->journal);
  run->add_flag("--no-journal", args->no_journal, "record nothing");
  add_aws_options(*run, args->aws, false);
  run->footer(
      "Each account's role is assumed with your credentials; an account without one runs as\n"
      "you. One account's failure is reported and the others go on. Exit code 1 when any\n"
      "run failed.\n"
      "Example: custos org run -c accounts.yml -s out --region all --parallel 8 policy.yml");
  run->callback([&selected, args] { selected = [args] { return org_run(*args); }; });

  auto* list = command->add_subcommand(
      "list-accounts", "Write the organization's active accounts as an accounts file");
  list->add_option("--role", args->role,
                   "the role to assume in each (a name, or an ARN with {account_id}; default "
                   "OrganizationAccountAccessRole)");
  list->add_option("-o,--output", args->output, "write it to this file");
  add_aws_options(*list, args->aws);
  list->callback([&selected, args] { selected = [args] { return list_accounts(*args); }; });
}

}  // namespace custos::cli
