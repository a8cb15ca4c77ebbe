#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <string_view>
#include <utility>

#include "cli/commands.h"
#include "cli/execute.h"
#include "core/error.h"
#include "core/file.h"

namespace custos::cli {

void add_aws_options(CLI::App& command, aws::SessionOptions& options, bool region) {
  if (region)
    command.add_option("--region", options.region, "AWS region (default: AWS_REGION, profile)");
  command.add_option("--profile", options.profile, "profile from ~/.aws/config|credentials");
  command.add_option("--endpoint-url,--endpoint", options.endpoint_url,
                     "send every AWS call here (LocalStack, a moto server); "
                     "AWS_ENDPOINT_URL[_<SERVICE>] do the same from the environment");
  command.add_option("--cli-connect-timeout", options.connect_timeout,
                     "seconds to wait for a connection (default: the profile's "
                     "cli_connect_timeout, else 10)");
  command.add_option("--cli-read-timeout", options.read_timeout,
                     "seconds to wait for the next byte of an answer (default: the profile's "
                     "cli_read_timeout, else 60); a call may take at most 5 times as long");
  command.add_flag("--allow-insecure-endpoint", options.allow_insecure_endpoint,
                   "accept a plain http:// endpoint that is not on this machine (signed requests "
                   "then travel unencrypted)");
}

std::vector<std::string> policy_files(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const auto& path : paths) {
    if (!fs::is_directory(path)) {
      if (!fs::exists(path)) throw InputError(path + ": no such policy file or folder");
      files.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& entry : fs::recursive_directory_iterator(path)) {
      auto extension = entry.path().extension();
      if (entry.is_regular_file() && (extension == ".yml" || extension == ".yaml"))
        found.push_back(entry.path().string());
    }
    if (found.empty()) throw InputError(path + ": no policy files (*.yml, *.yaml) in this folder");
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

std::string read_text_file(const std::string& path, const std::string& what) {
  auto text = read_file(path);
  if (!text) throw InputError("cannot read the " + what + " " + path + " (check the path)");
  return *text;
}

namespace {

using AddCommand = void (*)(CLI::App&, Command&);
constexpr std::pair<std::string_view, AddCommand> kCommands[] = {
    {"run", add_run},           {"validate", add_validate},
    {"gameday", add_gameday},   {"call", add_call},
    {"schema", add_schema},     {"jmespath", add_jmespath},
    {"eval", add_eval},         {"report", add_report},
    {"incident", add_incident}, {"investigate", add_investigate},
    {"package", add_package},   {"lambda", add_lambda},
    {"watch", add_watch},       {"deploy", add_deploy},
    {"org", add_org},           {"audit", add_audit},
    {"version", add_version}};

// The command line's command: its first word that is not a flag (the top level's flags take no
// value).
std::string_view named_command(const std::vector<std::string>& args) {
  for (const std::string& arg : args)
    if (!arg.starts_with('-')) return arg;
  return {};
}

bool has_command(const CLI::App& app, std::string_view name) {
  return !app.get_subcommands([&](const CLI::App* command) { return command->get_name() == name; })
              .empty();
}

// Only the command asked for gets its options: setting up all of them (CLI11 builds each
// option's names, checks and help) was a third of a short command's instructions. Anything else
// (no command, a misspelt one, --help at the top) gets every command, for CLI11's listing and
// its errors.
void add_commands(CLI::App& app, Command& selected, const std::vector<std::string>& args) {
  const std::string_view name = named_command(args);
  for (const auto& [command, add] : kCommands) {
    if (command != name) continue;
    add(app, selected);
    if (has_command(app, name)) return;
  }
  for (const auto& [command, add] : kCommands)
    if (!has_command(app, command)) add(app, selected);
}

}  // namespace

}  // namespace custos::cli

int main(int argc, char** argv) {
  using namespace custos;
  CLI::App app{
      "custos: automated incident response for AWS.\n"
      "Runs Cloud Custodian policies on events (GuardDuty findings, CloudTrail calls) or on\n"
      "demand, contains what they match, and keeps a record of every change.",
      "custos"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show the help of every command");
  bool verbose = false;
  app.add_flag("-v,--verbose", verbose, "log each AWS call (service, operation, latency)");
  cli::Command selected;
  // Started as a Lambda function's bootstrap, custos is its runtime.
  std::vector<std::string> args(argv + 1, argv + argc);
  if (std::filesystem::path(argv[0]).filename() == "bootstrap") args.insert(args.begin(), "lambda");
  cli::add_commands(app, selected, args);
  app.footer(
      "Examples:\n"
      "  custos validate policy.yml\n"
      "  custos run -s out policy.yml --event finding.json\n"
      "  custos gameday\n"
      "  custos eval policy.yml --resources out/my-policy/resources.json\n"
      "  custos incident list\n"
      "  custos audit --region all --format html -o readiness.html\n"
      "  custos investigate ./AWSLogs --principal AKIAIOSFODNN7EXAMPLE --since 3d\n"
      "Exit codes: 0 done, 1 failed while running, 2 bad input (policy, event, flag).");
  std::reverse(args.begin(), args.end());  // CLI11 takes them last first
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  auto logger = spdlog::stderr_color_mt("custos");
  spdlog::set_default_logger(logger);
  spdlog::set_level(verbose ? spdlog::level::debug : spdlog::level::info);
  spdlog::set_pattern("%^%l%$: %v");
  try {
    return selected();
  } catch (const InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
