// The custos subcommands; each adds itself to the CLI and sets `selected` to its body when
// chosen. Bodies return the exit code: 0 ok, 1 failed at run time, 2 bad input.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "aws/config.h"
#include "core/json.h"

namespace custos::policy {
struct Policy;
}

namespace custos::cli {

using Command = std::function<int()>;

void add_run(CLI::App& app, Command& selected);
void add_validate(CLI::App& app, Command& selected);
void add_version(CLI::App& app, Command& selected);
void add_gameday(CLI::App& app, Command& selected);
void add_call(CLI::App& app, Command& selected);
void add_schema(CLI::App& app, Command& selected);
void add_jmespath(CLI::App& app, Command& selected);
void add_eval(CLI::App& app, Command& selected);
void add_report(CLI::App& app, Command& selected);
void add_incident(CLI::App& app, Command& selected);
void add_investigate(CLI::App& app, Command& selected);
void add_lambda(CLI::App& app, Command& selected);
void add_package(CLI::App& app, Command& selected);
void add_watch(CLI::App& app, Command& selected);
void add_deploy(CLI::App& app, Command& selected);
void add_org(CLI::App& app, Command& selected);
void add_audit(CLI::App& app, Command& selected);

// --region, --profile and --endpoint-url, as the AWS CLI spells them; without --region for
// commands whose --region means several.
void add_aws_options(CLI::App& command, aws::SessionOptions& options, bool region = true);

// Reads a JSON document from `path` ("-": standard input). Throws InputError naming
// FILE:LINE:COL when it is not JSON, or the file when it cannot be read.
Json load_json(const std::string& path);

// The policy files `paths` name: files as given, folders as the .yml/.yaml files below them
// (sorted). Throws InputError for a path that does not exist or a folder without policies.
std::vector<std::string> policy_files(const std::vector<std::string>& paths);

// The compiled policies of `file`, or only those `names` names (in that order). Throws
// InputError for an invalid file or a name it does not have.
std::vector<policy::Policy> load_policies(const std::string& file,
                                          const std::vector<std::string>& names);

}  // namespace custos::cli
