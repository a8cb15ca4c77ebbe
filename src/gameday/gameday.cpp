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

  policy::RunOptions run;
  run.output_dir = options.output_dir;
  run.event = &finding;
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
  if (!local && !options.keep) scenario->clean_up(client, seeded, out);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  out << (contained ? "CONTAINED" : "NOT CONTAINED") << " in " << std::fixed;
  out.precision(2);
  out << seconds << " s; outputs in " << options.output_dir << "/\n";
  return contained ? 0 : 1;
}

}  // namespace custos::gameday
