#include "gameday/gameday.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <memory>
#include <sstream>

#include "aws/client.h"
#include "core/error.h"
#include "gameday/emulator.h"
#include "gameday/scenario.h"
#include "incident/journal_store.h"
#include "incident/recovery.h"
#include "incident/report.h"
#include "policy/policy.h"
#include "resources/builtin.h"
#include "serverless/handler.h"

namespace custos::gameday {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

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

// Where the game day acts: an emulator of its own (started here, stopped at the end), or the
// endpoint or profile it was given.
struct Arena {
  std::unique_ptr<LocalEmulator> emulator;
  aws::SessionOptions session;
  bool local = false;
  bool emulated = false;  // moto, its own or a given one: emulator-only scenarios may run
};

Arena open_arena(const GamedayOptions& options, std::ostream& out) {
  Arena arena;
  arena.session = options.aws;
  arena.local = arena.session.endpoint_url.empty() && arena.session.profile.empty();
  if (arena.local) {
    // A real account has AWS's managed policies (AWSDenyAll, which the pack attaches).
    arena.emulator = std::make_unique<LocalEmulator>(/*aws_managed_policies=*/true);
    arena.session.endpoint_url = arena.emulator->url();
    arena.session.credentials = emulator_credentials();
    if (arena.session.region.empty()) arena.session.region = "us-east-1";
    out << "emulator   moto server on " << arena.emulator->url()
        << " (local; stopped afterwards)\n";
  }
  arena.emulated = arena.local || (!arena.session.endpoint_url.empty() &&
                                   moto_answers(arena.session.endpoint_url));
  return arena;
}

// The scenario's policy answering its event (or run by hand), journaled as a real response
// would be, in its own journal beside its outputs. Returns the incident it opened, if any.
std::string respond(const Scenario& scenario, const Seeded& seeded, const Json& finding,
                    const aws::SessionOptions& session, const std::string& dir, std::ostream& out) {
  serverless::HandlerOptions options;
  options.policy_name = scenario.name() + ".yml";
  options.policy_text = scenario.policy_yaml();
  options.aws = session;
  options.vars = seeded.vars;
  std::string journal_path = dir + "/journal.db";
  std::filesystem::remove(journal_path);
  options.journal = serverless::journal_opener(journal_path, session);
  serverless::Handler handler(std::move(options));
  serverless::Delivery delivery;
  delivery.event = finding.is_null() ? nullptr : &finding;
  delivery.output_dir = dir;
  delivery.observer.on_matched = [&](const policy::Policy& p, std::size_t matched) {
    out << "respond    policy " << p.name << " matched " << matched << " resource(s)\n";
  };
  delivery.observer.on_record = [&](const policy::ActionRecord& r) {
    out << "  " << (r.ok() ? "" : "FAILED ") << r.action << " " << r.resource_id << ": "
        << r.summary << "\n";
  };
  delivery.observer.on_verified = [&](const policy::ActionRecord& r, bool holds,
                                      const std::string& detail) {
    if (!holds)
      out << "  NOT VERIFIED " << r.action << " " << r.resource_id << ": " << detail << "\n";
  };
  delivery.on_policy.on_failed = [&](const policy::Policy& p, const std::string& error) {
    out << "  FAILED policy " << p.name << ": " << error << "\n";
  };
  return handler.handle(delivery).incident;
}

// Undoes the containment as `custos incident recover` would; true when every step held.
bool rehearse_recovery(const std::string& journal_path, const std::string& incident_id,
                       const aws::Client& client, std::ostream& out) {
  out << "recover\n";
  incident::SqliteJournal journal(journal_path, false);
  journal.use(incident_id);
  bool held = true;
  incident::recover(journal, incident_id, client, {}, [&](const incident::RecoveryStep& step) {
    // An action that records no check cannot be verified either way: reported, not failed.
    bool ok = step.status == "kept" || step.status == "irreversible" ||
              (step.status == "recovered" && (step.verified || !step.checkable));
    held = held && ok;
    out << "  [" << (ok ? "ok" : "FAIL") << "] " << step.status << " "
        << step.entry.value("action", "") << " " << step.entry.value("resource", "") << ": "
        << step.detail << incident::verification_note(step) << "\n";
  });
  return held;
}

bool verify(const Scenario& scenario, const aws::Client& client, const Seeded& seeded,
            std::ostream& out) {
  bool held = true;
  out << "verify\n";
  for (const Check& check : scenario.verify(client, seeded)) {
    out << "  [" << (check.passed ? "ok" : "FAIL") << "] " << check.what << "\n";
    held = held && check.passed;
  }
  return held;
}

// Seed, inject, respond, verify, report (and recover, and clean up): true when contained.
bool rehearse(const Scenario& scenario, const Arena& arena, const GamedayOptions& options,
              const std::string& dir, std::ostream& out) {
  aws::Client client(std::make_shared<const aws::Session>(arena.session));
  std::filesystem::create_directories(dir);
  Seeded seeded = scenario.seed(client, out);
  Json finding = scenario.finding(client, seeded);
  write_file(dir + "/policy.yml", scenario.policy_yaml());
  if (finding.is_null()) {
    out << "by hand    a responder runs the policy (pull mode) with --var " << seeded.vars.dump()
        << "\n";
  } else {
    write_file(dir + "/finding.json", finding.dump(2) + "\n");
    const Json& detail = finding["detail"];
    out << "event      " << detail.value("type", detail.value("eventName", "")) << " on "
        << seeded.target_id << " (" << dir << "/finding.json)\n";
  }
  std::string incident = respond(scenario, seeded, finding, arena.session, dir, out);
  bool contained = verify(scenario, client, seeded, out);
  std::string journal_path = dir + "/journal.db";
  if (!incident.empty()) {
    incident::SqliteJournal journal(journal_path, false);
    std::string report = dir + "/incident-report.html";
    write_file(report, incident::render_report(journal, incident, incident::ReportFormat::kHtml));
    out << "incident   " << incident << ": report " << report << "\n";
    if (options.recover)
      contained = rehearse_recovery(journal_path, incident, client, out) && contained;
    else if (arena.local)
      out << "           rehearse recovery too with: custos gameday --recover\n";
    else
      out << "           recover with: custos incident recover " << incident << " --journal "
          << journal_path << "\n";
  }
  if (!arena.local && !options.keep) scenario.clean_up(client, seeded, out);
  return contained;
}

// A broken policy must fail before the account is touched.
void compile_responses(const std::vector<const Scenario*>& chosen) {
  for (const Scenario* scenario : chosen) {
    auto source = policy::SourceDocument::parse(scenario->policy_yaml(), scenario->name() + ".yml");
    policy::compile_policies(source, resources::builtin_registry());
  }
}

std::vector<const Scenario*> chosen_scenarios(const GamedayOptions& options) {
  if (options.all) return scenarios();
  const Scenario* scenario = find_scenario(options.scenario);
  if (!scenario)
    throw InputError("unknown scenario '" + options.scenario + "'; scenarios:\n" + scenario_list());
  return {scenario};
}

int run_one(const Scenario& scenario, const Arena& arena, const GamedayOptions& options,
            std::ostream& out) {
  auto started = Clock::now();
  out << "custos game day: " << scenario.name() << " — " << scenario.description() << "\n";
  if (scenario.emulator_only() && !arena.emulated)
    throw InputError("scenario " + scenario.name() +
                     " runs on an emulator only: it makes what AWS cannot remove at once");
  bool contained = rehearse(scenario, arena, options, options.output_dir, out);
  out << (contained ? "CONTAINED" : "NOT CONTAINED") << " in " << std::fixed << std::setprecision(2)
      << seconds_since(started) << " s; outputs in " << options.output_dir << "/\n";
  return contained ? 0 : 1;
}

struct Row {
  std::string scenario, outcome;
  double seconds = 0;
};

// One scenario of --all: its steps go to DIR/gameday.log, and to `out` only when it failed.
Row run_in_turn(const Scenario& scenario, const Arena& arena, const GamedayOptions& options,
                std::ostream& out) {
  auto started = Clock::now();
  if (scenario.emulator_only() && !arena.emulated) {
    out << std::left << std::setw(22) << scenario.name() << std::right << std::setw(10) << "skipped"
        << "  (runs on an emulator only)\n";
    return {scenario.name(), "skipped", 0};
  }
  std::string dir = options.output_dir + "/" + scenario.name();
  std::ostringstream log;
  std::string outcome;
  try {
    outcome = rehearse(scenario, arena, options, dir, log) ? "yes" : "NO";
  } catch (const std::exception& e) {
    log << "error: " << e.what() << "\n";
    outcome = "ERROR";
  }
  write_file(dir + "/gameday.log", log.str());
  double seconds = seconds_since(started);
  out << std::left << std::setw(22) << scenario.name() << std::right << std::setw(10) << outcome
      << std::fixed << std::setprecision(2) << std::setw(9) << seconds << "\n";
  if (outcome != "yes") out << log.str();
  return {scenario.name(), outcome, seconds};
}

int run_all(const Arena& arena, const GamedayOptions& options, std::ostream& out) {
  auto started = Clock::now();
  out << "custos game day: every scenario, each logged in " << options.output_dir
      << "/<scenario>/gameday.log\n"
      << std::left << std::setw(22) << "scenario" << std::right << std::setw(10) << "contained"
      << std::setw(9) << "seconds"
      << "\n";
  std::size_t contained = 0, skipped = 0, ran = 0;
  for (const Scenario* scenario : scenarios()) {
    Row row = run_in_turn(*scenario, arena, options, out);
    skipped += row.outcome == "skipped";
    ran += row.outcome != "skipped";
    contained += row.outcome == "yes";
  }
  out << contained << " of " << ran << " contained";
  if (skipped) out << ", " << skipped << " skipped";
  out << " in " << std::fixed << std::setprecision(2) << seconds_since(started) << " s; outputs in "
      << options.output_dir << "/\n";
  return contained == ran ? 0 : 1;
}

}  // namespace

std::string scenario_list() {
  std::string text;
  for (const Scenario* s : scenarios()) text += "  " + s->name() + ": " + s->description() + "\n";
  return text;
}

int run_gameday(const GamedayOptions& options, std::ostream& out) {
  std::vector<const Scenario*> chosen = chosen_scenarios(options);
  compile_responses(chosen);
  Arena arena = open_arena(options, out);
  if (!arena.local) {
    aws::Client client(std::make_shared<const aws::Session>(arena.session));
    require_sandbox(client, options.sandbox_account, out);
  }
  return options.all ? run_all(arena, options, out) : run_one(*chosen.front(), arena, options, out);
}

}  // namespace custos::gameday
