#include <csignal>
#include <iostream>

#include "aws/client.h"
#include "cli/commands.h"
#include "cli/execute.h"
#include "serverless/watch.h"

namespace custos::cli {
namespace {

std::atomic<bool> stop_requested{false};

extern "C" void request_stop(int) { stop_requested = true; }

struct WatchArgs {
  std::string policy_file;
  serverless::WatchOptions watch;
  aws::SessionOptions aws;
  std::string journal;
  bool no_journal = false;
  bool dryrun = false;
};

int watch(const WatchArgs& args) {
  serverless::Handler handler(
      handler_options(args.policy_file, read_text_file(args.policy_file, "policy file"), args.aws,
                      args.dryrun, journal_path(args.journal, args.no_journal)));
  aws::Client client(std::make_shared<const aws::Session>(args.aws));
  std::signal(SIGTERM, request_stop);
  std::signal(SIGINT, request_stop);
  serverless::WatchOptions watch = args.watch;
  watch.log = &std::cout;
  watch.stop = &stop_requested;
  return serverless::watch_queue(handler, client, watch);
}

}  // namespace

void add_watch(CLI::App& app, Command& selected) {
  auto args = std::make_shared<WatchArgs>();
  auto* command = app.add_subcommand(
      "watch", "Handle events from an SQS queue (fed by an EventBridge rule) on this host");
  command->add_option("--queue", args->watch.queue_url, "the queue's URL")->required();
  command->add_option("POLICY", args->policy_file, "policy file (YAML)")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_option("--workers", args->watch.workers, "events handled at once (default 4)")
      ->check(CLI::Range(1, 256));
  command
      ->add_option("--wait-seconds", args->watch.wait_seconds,
                   "long polling: how long each receive waits for messages (default 20)")
      ->check(CLI::Range(1, 20));
  command->add_option("-s,--output-dir", args->watch.output_dir,
                      "keep each event's outputs in OUTDIR/<message id>/<policy>/ (default: "
                      "removed after each event)");
  command->add_flag("--dryrun,--dry-run", args->dryrun,
                    "print the calls actions would make, make none (messages are still deleted)");
  add_journal_option(*command, args->journal);
  command->add_flag("--no-journal", args->no_journal,
                    "record nothing: a message delivered again repeats what succeeded");
  add_aws_options(*command, args->aws);
  command->footer(
      "A message is deleted once its event is handled and journaled; one whose actions failed\n"
      "is left, so the queue delivers it again (the journal skips what succeeded) until its\n"
      "dead-letter policy moves it. A bad message (not an event, naming no resource) is handed\n"
      "back at once for the dead-letter queue, or logged with its body and deleted when the\n"
      "queue has none. SIGTERM: the events in hand are finished, no new ones are\n"
      "taken, those waiting are handed back to the queue.\n"
      "Example: custos watch --queue https://sqs.us-east-1.amazonaws.com/123456789012/custos "
      "policy.yml");
  command->callback([&selected, args] { selected = [args] { return watch(*args); }; });
}

}  // namespace custos::cli
