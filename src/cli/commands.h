// The custos subcommands; each adds itself to the CLI and sets `selected` to its body when
// chosen. Bodies return the exit code: 0 ok, 1 failed at run time, 2 bad input.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "aws/config.h"

namespace custos::cli {

using Command = std::function<int()>;

void add_run(CLI::App& app, Command& selected);
void add_validate(CLI::App& app, Command& selected);
void add_version(CLI::App& app, Command& selected);
void add_gameday(CLI::App& app, Command& selected);
void add_call(CLI::App& app, Command& selected);

// --region, --profile and --endpoint-url, as the AWS CLI spells them.
void add_aws_options(CLI::App& command, aws::SessionOptions& options);

}  // namespace custos::cli
