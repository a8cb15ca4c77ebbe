#include <fstream>
#include <iostream>

#include "aws/client.h"
#include "cli/commands.h"
#include "cli/execute.h"
#include "incident/journal_store.h"
#include "incident/recovery.h"
#include "incident/report.h"

namespace custos::cli {
namespace {

using incident::IncidentJournal;
using incident::SqliteJournal;

struct IncidentArgs {
  std::string journal;
  std::string id;
  std::string format;
  std::string output;
  std::string only;
  std::string output_dir = "custos-out";
  bool dryrun = false;
  aws::SessionOptions aws;
};

std::string text(const Json& value) {
  if (value.is_null()) return "-";
  return value.is_string() ? value.get<std::string>() : value.dump();
}

std::string journal_place(const IncidentArgs& args) {
  return args.journal.empty() ? SqliteJournal::default_path() : args.journal;
}

std::unique_ptr<IncidentJournal> open_journal(const IncidentArgs& args) {
  return incident::open_journal(journal_place(args), args.aws, false);
}

int list(const IncidentArgs& args) {
  auto journal = open_journal(args);
  auto incidents = journal->incidents();
  if (args.format == "json") {
    Json all = Json::array();
    for (const auto& i : incidents)
      all.push_back({{"id", i.id},
                     {"opened_at", i.opened_at},
                     {"key", i.key},
                     {"trigger", i.summary},
                     {"records", i.records}});
    std::cout << all.dump(2) << "\n";
    return 0;
  }
  if (incidents.empty()) std::cout << "no incidents in " << journal->location() << "\n";
  for (const auto& i : incidents)
    std::cout << i.id << "  " << i.opened_at << "  " << text(i.summary["type"]) << "  "
              << text(i.summary["resource"]) << "  (" << i.records << " records)\n";
  return 0;
}

int show(const IncidentArgs& args) {
  auto journal = open_journal(args);
  auto info = journal->incident(args.id);
  std::cout << info.id << " opened " << info.opened_at << " (" << info.key << ")\n";
  for (const auto& record : journal->records(args.id)) {
    std::cout << "  " << record.n << " " << record.time << " " << record.kind;
    if (record.entry.is_object())
      std::cout << " " << record.entry.value("policy", "") << "/"
                << record.entry.value("action", "") << " " << record.entry.value("resource", "")
                << " [" << record.entry.value("phase", "") << "]";
    if (record.body.contains("summary") && record.body["summary"].is_string())
      std::cout << ": " << record.body["summary"].get<std::string>();
    if (record.body.contains("detail") && record.body["detail"].is_string())
      std::cout << ": " << record.body["detail"].get<std::string>();
    std::cout << "\n";
  }
  return 0;
}

int verify(const IncidentArgs& args) {
  auto journal = open_journal(args);
  auto result = journal->verify(args.id);
  if (result.intact) {
    auto info = journal->incident(args.id);
    std::cout << args.id << ": " << info.records << " records, hash chain intact; head "
              << info.head << "\n";
    return 0;
  }
  std::cout << args.id << ": TAMPERED\n";
  for (const auto& problem : result.problems) std::cout << "  " << problem << "\n";
  return 1;
}

int report(const IncidentArgs& args) {
  auto journal = open_journal(args);
  auto format = incident::report_format(args.format.empty() ? "md" : args.format);
  std::string rendered = incident::render_report(*journal, args.id, format);
  if (args.output.empty()) {
    std::cout << rendered;
    return 0;
  }
  std::ofstream out(args.output, std::ios::trunc);
  out << rendered;
  if (!out) throw Error("cannot write " + args.output);
  std::cout << "wrote " << args.output << "\n";
  return 0;
}

int recover(const IncidentArgs& args) {
  auto journal = open_journal(args);
  journal->incident(args.id);  // an unknown id fails before any AWS setup
  aws::Client client(std::make_shared<const aws::Session>(args.aws));
  int failed = 0;
  auto steps = incident::recover(
      *journal, args.id, client, {args.dryrun, args.only}, [&](const incident::RecoveryStep& s) {
        std::cout << "  " << s.status << " " << s.entry.value("action", "") << " "
                  << s.entry.value("resource", "") << ": " << s.detail
                  << incident::verification_note(s) << "\n";
        if (s.status == "failed") ++failed;
      });
  if (steps.empty()) std::cout << args.id << ": nothing to recover\n";
  return failed ? 1 : 0;
}

// Runs the incident's policies again on its event: entries that succeeded are skipped, those a
// dead process left started are done.
int resume(const IncidentArgs& args) {
  std::string path = journal_place(args);
  Json opened;
  for (const auto& record : open_journal(args)->records(args.id))
    if (record.kind == "opened") opened = record.body;
  const Json& run = opened.value("run", Json::object());
  RunRequest request;
  request.policy_name = run.value("policy_file", "policy.yml");
  request.policy_text = run.value("policy_text", "");
  request.event = opened.value("event", Json());
  request.output_dir = args.output_dir;
  request.aws = args.aws;
  if (request.aws.region.empty()) request.aws.region = run.value("region", "");
  request.journal_path = path;
  request.incident = args.id;
  if (request.policy_text.empty())
    throw InputError("incident " + args.id + " did not keep its policies: it cannot be resumed");
  return execute(request);
}

// The journal, and AWS's settings for one in S3.
CLI::App* with_journal(CLI::App* command, IncidentArgs& args) {
  add_journal_option(*command, args.journal);
  add_aws_options(*command, args.aws);
  return command;
}

CLI::App* with_id(CLI::App* command, IncidentArgs& args) {
  command->add_option("ID", args.id, "the incident id (INC-YYYYMMDD-xxxxxxxx)")->required();
  return with_journal(command, args);
}

}  // namespace

void add_incident(CLI::App& app, Command& selected) {
  auto args = std::make_shared<IncidentArgs>();
  auto* command = app.add_subcommand(
      "incident", "The incidents custos handled: list, show, verify, report, recover, resume");
  command->require_subcommand(1);
  command->footer(
      "Every custos run journals each action before and after it happens, keyed by the\n"
      "finding (GuardDuty's id) or call (CloudTrail's eventID) that triggered it.\n"
      "Examples:\n"
      "  custos incident list\n"
      "  custos incident verify INC-20261205-3fa4c2d1 --journal s3://my-bucket/custos\n"
      "  custos incident report INC-20261205-3fa4c2d1 --format html -o report.html\n"
      "  custos incident recover INC-20261205-3fa4c2d1 --dryrun\n"
      "Exit codes: 0 done, 1 tampered journal or a failed recovery step, 2 unknown incident or "
      "journal.");
  auto set = [&selected, args](int (*body)(const IncidentArgs&)) {
    return [&selected, args, body] { selected = [args, body] { return body(*args); }; };
  };
  auto* list_command = command->add_subcommand("list", "Every incident, newest first");
  list_command->add_option("--format", args->format, "table (default) or json");
  with_journal(list_command, *args);
  list_command->callback(set(list));
  with_id(command->add_subcommand("show", "Every record of one incident, in order"), *args)
      ->callback(set(show));
  with_id(
      command->add_subcommand("verify",
                              "Check the incident's hash chain: exit 1 when a record was edited, "
                              "reordered or deleted"),
      *args)
      ->callback(set(verify));
  auto* report_command =
      with_id(command->add_subcommand("report",
                                      "The post-incident report: finding, actions, evidence, "
                                      "timeline, recovery, follow-up"),
              *args);
  report_command->add_option("--format", args->format, "md (default), html or json");
  report_command->add_option("-o,--output", args->output, "write it to this file");
  report_command->callback(set(report));
  auto* recover_command =
      with_id(command->add_subcommand("recover",
                                      "Undo the incident's reversible changes, newest first, "
                                      "from their recorded before-state"),
              *args);
  recover_command->add_flag("--dryrun,--dry-run", args->dryrun, "print the calls, make none");
  recover_command->add_option("--only", args->only, "undo only this action's changes");
  recover_command->callback(set(recover));
  auto* resume_command =
      with_id(command->add_subcommand("resume",
                                      "Finish an incident whose process stopped mid-way, "
                                      "repeating nothing that succeeded"),
              *args);
  resume_command->add_option("-s,--output-dir", args->output_dir, "where to write outputs");
  resume_command->callback(set(resume));
}

}  // namespace custos::cli
