#include <iostream>

#include "cli/commands.h"
#include "cli/execute.h"
#include "core/error.h"
#include "incident/journal_store.h"
#include "serverless/handler.h"

namespace custos::cli {
namespace {

void print_record(const policy::ActionRecord& record, bool dryrun) {
  std::cout << "  " << (dryrun ? "(dry run) " : "") << (record.ok() ? "" : "FAILED ")
            << record.action << " " << record.resource_id << ": " << record.summary << "\n";
}

void print_dry_call(const Json& call) {
  std::cout << "  would call " << call["service"].get<std::string>() << " "
            << call["operation"].get<std::string>() << " " << call["params"].dump() << "\n";
}

policy::RunObserver printing_observer(bool dryrun) {
  policy::RunObserver observer;
  observer.on_record = [dryrun](const policy::ActionRecord& r) { print_record(r, dryrun); };
  observer.on_dry_call = print_dry_call;
  observer.on_matched = [dryrun](const policy::Policy& p, std::size_t matched) {
    std::cout << p.name << ": " << matched << " " << p.resource->name
              << (matched == 1 ? " resource" : " resources") << " matched"
              << (dryrun ? " (dry run: calls shown, none made)" : "") << "\n";
  };
  observer.on_verified = [](const policy::ActionRecord& r, bool holds, const std::string& detail) {
    if (!holds)
      std::cout << "  NOT VERIFIED " << r.action << " " << r.resource_id << ": " << detail << "\n";
  };
  return observer;
}

}  // namespace

int execute(const RunRequest& request) {
  auto options = handler_options(request.policy_name, request.policy_text, request.aws,
                                 request.dryrun, request.journal_path);
  options.max_actions = request.max_actions;
  options.vars = request.vars;
  serverless::Handler handler(std::move(options));
  serverless::Delivery delivery;
  delivery.event = request.event.is_null() ? nullptr : &request.event;
  delivery.output_dir = request.output_dir;
  delivery.incident = request.incident;
  delivery.observer = printing_observer(request.dryrun);
  delivery.on_policy.on_skipped = [](const policy::Policy& p, const std::string& reason) {
    std::cout << p.name << ": skipped: " << reason << "\n";
  };
  delivery.on_policy.on_failed = [](const policy::Policy& p, const std::string& error) {
    std::cerr << "error: policy '" << p.name << "': " << error << "\n";
  };
  delivery.on_note = [](const std::string& note) { std::cerr << "note: " << note << "\n"; };
  auto outcome = handler.handle(delivery);
  if (!outcome.incident.empty())
    std::cout << "incident " << outcome.incident << " (journal " << request.journal_path
              << "): custos incident report " << outcome.incident << "\n";
  return outcome.code;
}

Json parse_vars(const std::vector<std::string>& assignments) {
  Json vars = Json::object();
  for (const std::string& assignment : assignments) {
    std::size_t equals = assignment.find('=');
    if (equals == 0 || equals == std::string::npos)
      throw InputError("--var " + assignment + ": expected NAME=VALUE");
    vars[assignment.substr(0, equals)] = assignment.substr(equals + 1);
  }
  return vars;
}

std::string journal_path(const std::string& given, bool none) {
  if (none) return {};
  return given.empty() ? incident::SqliteJournal::default_path() : given;
}

serverless::HandlerOptions handler_options(const std::string& name, const std::string& text,
                                           const aws::SessionOptions& aws, bool dryrun,
                                           const std::string& journal) {
  serverless::HandlerOptions options;
  options.policy_name = name;
  options.policy_text = text;
  options.aws = aws;
  options.dryrun = dryrun;
  if (!journal.empty()) options.journal = serverless::journal_opener(journal, aws);
  return options;
}

void add_journal_option(CLI::App& command, std::string& path) {
  command.add_option("--journal", path,
                     "the incident journal: a SQLite file (default "
                     "$XDG_STATE_HOME/custos/journal.db or ~/.local/state/custos/journal.db) or "
                     "s3://BUCKET/PREFIX, shared by every process and Lambda instance");
}

void add_run(CLI::App& app, Command& selected) {
  auto request = std::make_shared<RunRequest>();
  auto files = std::make_shared<std::pair<std::string, std::string>>();  // policy, event
  auto no_journal = std::make_shared<bool>(false);
  auto vars = std::make_shared<std::vector<std::string>>();
  auto* command = app.add_subcommand(
      "run", "Run policies now: pull-mode ones against the account, event-mode ones on --event");
  command
      ->add_option(
          "-s,--output-dir", request->output_dir,
          "where to write OUTDIR/<policy>/resources.json, metadata.json, custodian-run.log")
      ->required();
  command->add_option("POLICY", files->first, "policy file (YAML)")
      ->required()
      ->check(CLI::ExistingFile);
  command
      ->add_option("--event", files->second,
                   "an EventBridge event (JSON) to deliver, e.g. a GuardDuty finding: event-mode "
                   "policies whose mode matches it act on the resources it names")
      ->check(CLI::ExistingFile);
  command->add_flag("--dryrun,--dry-run", request->dryrun,
                    "filter and write outputs, and print the calls the actions would make "
                    "(also in OUTDIR/<policy>/dryrun-calls.json) without making them");
  command->add_option("--var", *vars,
                      "NAME=VALUE: set a variable of the policy file's `vars:` for this run "
                      "(repeat for more), e.g. --var compromised_account=111122223333");
  add_journal_option(*command, request->journal_path);
  command
      ->add_option("--max-actions", request->max_actions,
                   "the most changes (an action on a resource) this run may attempt; past it, "
                   "actions are refused and recorded as failed")
      ->check(CLI::PositiveNumber);
  command->add_flag("--no-journal", *no_journal,
                    "record nothing: actions done before for the same finding may be repeated");
  add_aws_options(*command, request->aws);
  command->footer(
      "Every action is journaled (see custos incident --help): the same finding delivered again\n"
      "repeats nothing that succeeded, and the incident can be reported and recovered.\n"
      "Example: a GuardDuty finding on an instance, against a local emulator:\n"
      "  AWS_ENDPOINT_URL=http://127.0.0.1:5000 custos run -s out --event finding.json policy.yml");
  command->callback([&selected, request, files, no_journal, vars] {
    selected = [request, files, no_journal, vars] {
      request->vars = parse_vars(*vars);
      request->policy_name = files->first;
      request->policy_text = read_text_file(files->first, "policy file");
      if (!files->second.empty()) request->event = policy::load_event_file(files->second);
      request->journal_path = journal_path(request->journal_path, *no_journal);
      return execute(*request);
    };
  });
}

}  // namespace custos::cli
