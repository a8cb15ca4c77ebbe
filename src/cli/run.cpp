#include <iostream>

#include "aws/client.h"
#include "cli/commands.h"
#include "policy/event.h"
#include "policy/runner.h"
#include "resources/builtin.h"

namespace custos::cli {
namespace {

struct RunArgs {
  std::string output_dir;
  std::string policy_file;
  std::string event_file;
  bool dryrun = false;
  aws::SessionOptions aws;
};

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

int run(const RunArgs& args) {
  // Everything that can be wrong with the input is checked before the first AWS call.
  auto source = policy::SourceDocument::load_file(args.policy_file);
  auto policies = policy::compile_policies(source, resources::builtin_registry());
  Json event;
  std::vector<policy::EventTarget> targets;
  if (!args.event_file.empty()) {
    event = policy::load_event_file(args.event_file);
    for (const auto& p : policies) targets.push_back(policy::event_target(p, event));
  }
  aws::Client client(make_session(args.aws, event));
  policy::AccountId account([&client] { return policy::sts_account_id(client); });
  policies = expand_all(std::move(policies), client, account);

  policy::RunOptions options;
  options.output_dir = args.output_dir;
  options.dryrun = args.dryrun;
  options.event = event.is_null() ? nullptr : &event;
  options.account = &account;
  options.observer.on_record = [&](const policy::ActionRecord& r) { print_record(r, args.dryrun); };
  options.observer.on_dry_call = print_dry_call;
  options.observer.on_matched = [&](const policy::Policy& p, const std::vector<Json>& matched) {
    std::cout << p.name << ": " << matched.size() << " " << p.resource->name
              << (matched.size() == 1 ? " resource" : " resources") << " matched"
              << (args.dryrun ? " (dry run: calls shown, none made)" : "") << "\n";
  };
  int code = 0;
  for (std::size_t i = 0; i < policies.size(); ++i) {
    const auto& p = policies[i];
    const policy::EventTarget* target = targets.empty() ? nullptr : &targets[i];
    if (target && !target->applies) {
      std::cout << p.name << ": skipped: " << target->reason << "\n";
      continue;
    }
    if (!target && p.mode.is_event()) {
      std::cout << p.name << ": skipped: mode " << p.mode.type
                << " runs on events (pass --event FILE)\n";
      continue;
    }
    try {
      auto result = policy::run_policy(p, client, options, target);
      if (result.skipped) std::cout << p.name << ": skipped: its conditions do not hold\n";
      if (!result.ok()) code = 1;
    } catch (const Error& e) {
      std::cerr << "error: policy '" << p.name << "': " << e.what() << "\n";
      code = 1;
    }
  }
  return code;
}

}  // namespace

void add_run(CLI::App& app, Command& selected) {
  auto args = std::make_shared<RunArgs>();
  auto* command = app.add_subcommand(
      "run", "Run policies now: pull-mode ones against the account, event-mode ones on --event");
  command
      ->add_option(
          "-s,--output-dir", args->output_dir,
          "where to write OUTDIR/<policy>/resources.json, metadata.json, custodian-run.log")
      ->required();
  command->add_option("POLICY", args->policy_file, "policy file (YAML)")
      ->required()
      ->check(CLI::ExistingFile);
  command
      ->add_option("--event", args->event_file,
                   "an EventBridge event (JSON) to deliver, e.g. a GuardDuty finding: event-mode "
                   "policies whose mode matches it act on the resources it names")
      ->check(CLI::ExistingFile);
  command->add_flag("--dryrun,--dry-run", args->dryrun,
                    "filter and write outputs, and print the calls the actions would make "
                    "(also in OUTDIR/<policy>/dryrun-calls.json) without making them");
  add_aws_options(*command, args->aws);
  command->footer(
      "Example: a GuardDuty finding on an instance, against a local emulator:\n"
      "  AWS_ENDPOINT_URL=http://127.0.0.1:5000 custos run -s out --event finding.json policy.yml");
  command->callback([&selected, args] { selected = [args] { return run(*args); }; });
}

}  // namespace custos::cli
