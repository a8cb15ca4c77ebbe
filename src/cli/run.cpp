#include <iostream>

#include "aws/client.h"
#include "cli/commands.h"
#include "cli/execute.h"
#include "incident/journal_store.h"
#include "policy/dispatch.h"
#include "resources/builtin.h"

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

// Every policy with its variables expanded ({account_id}, {region}, {now}, the file's vars),
// as Cloud Custodian does at load: errors show before anything runs.
std::vector<policy::Policy> expand_all(std::vector<policy::Policy> policies,
                                       const aws::Client& client,
                                       const policy::AccountId& account) {
  for (auto& p : policies) {
    auto vars = policy::policy_variables(p.vars, p.data, client.session().region(), account,
                                         p.mode.is_event());
    if (auto expanded = policy::expand_variables(p, vars, resources::builtin_registry()))
      p = std::move(*expanded);
  }
  return policies;
}

// An event names its region; with none configured, act where the event happened (as a
// Lambda deployed in that region would). Fails now, not half-way, when there is no region.
std::shared_ptr<const aws::Session> make_session(aws::SessionOptions options, const Json& event) {
  auto session = std::make_shared<const aws::Session>(options);
  try {
    session->region();
    return session;
  } catch (const InputError&) {
    if (!event.is_object() || !event.contains("region") || !event["region"].is_string()) throw;
  }
  options.region = event["region"].get<std::string>();
  std::cerr << "note: no AWS region configured; using the event's region " << options.region
            << "\n";
  return std::make_shared<const aws::Session>(options);
}

policy::RunObserver printing_observer(bool dryrun) {
  policy::RunObserver observer;
  observer.on_record = [dryrun](const policy::ActionRecord& r) { print_record(r, dryrun); };
  observer.on_dry_call = print_dry_call;
  observer.on_matched = [dryrun](const policy::Policy& p, const std::vector<Json>& matched) {
    std::cout << p.name << ": " << matched.size() << " " << p.resource->name
              << (matched.size() == 1 ? " resource" : " resources") << " matched"
              << (dryrun ? " (dry run: calls shown, none made)" : "") << "\n";
  };
  observer.on_verified = [](const policy::ActionRecord& r, bool holds, const std::string& detail) {
    if (!holds)
      std::cout << "  NOT VERIFIED " << r.action << " " << r.resource_id << ": " << detail << "\n";
  };
  return observer;
}

// What a run keeps to be resumed: the policies as written and how it ran.
Json run_settings(const RunRequest& request) {
  return {{"policy_file", request.policy_name},
          {"policy_text", request.policy_text},
          {"output_dir", request.output_dir},
          {"region", request.aws.region}};
}

}  // namespace

int execute(const RunRequest& request) {
  // Everything that can be wrong with the input is checked before the first AWS call.
  auto source = policy::SourceDocument::parse(request.policy_text, request.policy_name);
  auto policies = policy::compile_policies(source, resources::builtin_registry());
  const Json* event = request.event.is_null() ? nullptr : &request.event;
  std::vector<policy::EventTarget> targets = policy::targets_for(policies, event);

  std::unique_ptr<incident::SqliteJournal> journal;
  if (!request.journal_path.empty()) {
    journal = std::make_unique<incident::SqliteJournal>(request.journal_path, true);
    if (!request.incident.empty())
      journal->use(request.incident);
    else
      journal->open_when_used(event ? incident::trigger_of_event(*event)
                                    : incident::trigger_of_run(request.policy_name),
                              run_settings(request));
  }
  aws::Client client(make_session(request.aws, request.event));
  policy::AccountId account([&client] { return policy::sts_account_id(client); });
  policies = expand_all(std::move(policies), client, account);

  policy::RunOptions options;
  options.output_dir = request.output_dir;
  options.dryrun = request.dryrun;
  options.event = event;
  options.account = &account;
  options.journal = journal.get();
  policy::ActionBudget budget(request.max_actions);
  options.budget = &budget;
  options.observer = printing_observer(request.dryrun);
  policy::DispatchObserver observer{.on_skipped =
                                        [](const policy::Policy& p, const std::string& reason) {
                                          std::cout << p.name << ": skipped: " << reason << "\n";
                                        },
                                    .on_failed =
                                        [](const policy::Policy& p, const std::string& error) {
                                          std::cerr << "error: policy '" << p.name << "': " << error
                                                    << "\n";
                                        }};
  int code = policy::dispatch(policies, targets, client, options, observer);
  if (journal && !journal->incident_id().empty())
    std::cout << "incident " << journal->incident_id() << " (journal " << journal->path()
              << "): custos incident report " << journal->incident_id() << "\n";
  return code;
}

void add_journal_option(CLI::App& command, std::string& path) {
  command.add_option("--journal", path,
                     "the incident journal (SQLite) to record every action in; default "
                     "$XDG_STATE_HOME/custos/journal.db or ~/.local/state/custos/journal.db");
}

void add_run(CLI::App& app, Command& selected) {
  auto request = std::make_shared<RunRequest>();
  auto files = std::make_shared<std::pair<std::string, std::string>>();  // policy, event
  auto no_journal = std::make_shared<bool>(false);
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
  command->callback([&selected, request, files, no_journal] {
    selected = [request, files, no_journal] {
      request->policy_name = files->first;
      request->policy_text = read_text_file(files->first, "policy file");
      if (!files->second.empty()) request->event = policy::load_event_file(files->second);
      if (*no_journal)
        request->journal_path.clear();
      else if (request->journal_path.empty())
        request->journal_path = incident::SqliteJournal::default_path();
      return execute(*request);
    };
  });
}

}  // namespace custos::cli
