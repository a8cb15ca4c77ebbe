#include "gameday/gameday.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>

#include "aws/client.h"
#include "core/error.h"
#include "gameday/emulator.h"
#include "gameday/scenario.h"
#include "incident/journal_store.h"
#include "incident/recovery.h"
#include "incident/report.h"
#include "policy/event.h"
#include "policy/runner.h"
#include "resources/builtin.h"

namespace custos::gameday {
namespace {

aws::Credentials emulator_credentials() {
  aws::Credentials credentials;
  credentials.access_key_id = "testing";
  credentials.secret_access_key = "testing";
  credentials.source = "local emulator (dummy keys)";
  return credentials;
}

// Never touch an account nobody vouched for: a game day stops instances.
void require_sandbox(const aws::Client& client, const std::string& named, std::ostream& out) {
  std::string account = client.call("sts", "GetCallerIdentity").value("Account", "");
  if (named.empty())
    throw InputError("refusing to run a game day on account " + account +
                     ": it stops instances and changes roles. If this is an isolated sandbox "
                     "account, say so with --yes-this-is-a-sandbox-account " +
                     account);
  if (named != account)
    throw InputError("refusing: the credentials reach account " + account + ", not the account " +
                     named + " named by --yes-this-is-a-sandbox-account");
  out << "account    " << account << " (named as a sandbox)\n";
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  if (!out) throw Error("cannot write " + path);
}

// Undoes the containment as `custos incident recover` would; true when every step held.
bool rehearse_recovery(incident::SqliteJournal& journal, const aws::Client& client,
                       std::ostream& out) {
  out << "recover\n";
  bool held = true;
  incident::recover(journal, journal.incident_id(), client, {},
                    [&](const incident::RecoveryStep& step) {
                      bool ok = step.status == "kept" || step.status == "irreversible" ||
                                (step.status == "recovered" && step.verified);
                      held = held && ok;
                      out << "  [" << (ok ? "ok" : "FAIL") << "] " << step.status << " "
                          << step.entry.value("action", "") << " "
                          << step.entry.value("resource", "") << ": " << step.detail << "\n";
                    });
  return held;
}

}  // namespace

std::string scenario_list() {
  std::string text;
  for (const Scenario* s : scenarios()) text += "  " + s->name() + ": " + s->description() + "\n";
  return text;
}

int run_gameday(const GamedayOptions& options, std::ostream& out) {
  const Scenario* scenario = find_scenario(options.scenario);
  if (!scenario)
    throw InputError("unknown scenario '" + options.scenario + "'; scenarios:\n" + scenario_list());
  // Compile the response first: a broken policy must fail before the account is touched.
  auto source = policy::SourceDocument::parse(scenario->policy_yaml(), scenario->name() + ".yml");
  auto policies = policy::compile_policies(source, resources::builtin_registry());

  auto started = std::chrono::steady_clock::now();
  aws::SessionOptions session_options = options.aws;
  std::unique_ptr<LocalEmulator> emulator;
  const bool local = session_options.endpoint_url.empty() && session_options.profile.empty();
  out << "custos game day: " << scenario->name() << " — " << scenario->description() << "\n";
  if (local) {
    emulator = std::make_unique<LocalEmulator>();
    session_options.endpoint_url = emulator->url();
    session_options.credentials = emulator_credentials();
    if (session_options.region.empty()) session_options.region = "us-east-1";
    out << "emulator   moto server on " << emulator->url() << " (local; stopped afterwards)\n";
  }
  aws::Client client(std::make_shared<const aws::Session>(session_options));
  if (!local) require_sandbox(client, options.sandbox_account, out);

  std::filesystem::create_directories(options.output_dir);
  Seeded seeded = scenario->seed(client, out);
  Json finding = scenario->finding(client, seeded);
  std::string finding_path = options.output_dir + "/finding.json";
  write_file(finding_path, finding.dump(2) + "\n");
  write_file(options.output_dir + "/policy.yml", scenario->policy_yaml());
  out << "finding    " << finding["detail"].value("type", "") << " severity "
      << finding["detail"].value("severity", Json()).dump() << " on " << seeded.target_id << " ("
      << finding_path << ")\n";

  // The game day journals as a real response would, in its own journal beside its outputs.
  std::string journal_path = options.output_dir + "/journal.db";
  std::filesystem::remove(journal_path);
  incident::SqliteJournal journal(journal_path, true);
  journal.open_when_used(incident::trigger_of_event(finding),
                         {{"policy_file", scenario->name() + ".yml"},
                          {"policy_text", scenario->policy_yaml()},
                          {"output_dir", options.output_dir},
                          {"region", client.session().region()}});
  policy::RunOptions run;
  run.output_dir = options.output_dir;
  run.event = &finding;
  run.journal = &journal;
  run.observer.on_matched = [&](const policy::Policy& p, const std::vector<Json>& matched) {
    out << "respond    policy " << p.name << " matched " << matched.size() << " resource(s)\n";
  };
  run.observer.on_record = [&](const policy::ActionRecord& r) {
    out << "  " << (r.ok() ? "" : "FAILED ") << r.action << " " << r.resource_id << ": "
        << r.summary << "\n";
  };
  for (const auto& p : policies) {
    auto target = policy::event_target(p, finding);
    if (target.applies) policy::run_policy(p, client, run, &target);
  }

  bool contained = true;
  out << "verify\n";
  for (const Check& check : scenario->verify(client, seeded)) {
    out << "  [" << (check.passed ? "ok" : "FAIL") << "] " << check.what << "\n";
    contained = contained && check.passed;
  }
  if (!journal.incident_id().empty()) {
    std::string report = options.output_dir + "/incident-report.html";
    write_file(report, incident::render_report(journal, journal.incident_id(),
                                               incident::ReportFormat::kHtml));
    out << "incident   " << journal.incident_id() << ": report " << report << "\n";
    if (options.recover)
      contained = rehearse_recovery(journal, client, out) && contained;
    else if (local)
      out << "           rehearse recovery too with: custos gameday --recover\n";
    else
      out << "           recover with: custos incident recover " << journal.incident_id()
          << " --journal " << journal_path << "\n";
  }
  if (!local && !options.keep) scenario->clean_up(client, seeded, out);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  out << (contained ? "CONTAINED" : "NOT CONTAINED") << " in " << std::fixed;
  out.precision(2);
  out << seconds << " s; outputs in " << options.output_dir << "/\n";
  return contained ? 0 : 1;
}

}  // namespace custos::gameday
