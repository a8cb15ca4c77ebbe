// Debian's AWS CLI v2 (/usr/bin/aws), the tests' independent client, run warm: a server
// (aws_cli_server.py) pays the CLI's start-up once and forks a child per call that runs the
// CLI's own main(), so a call costs about 0.15 s rather than 0.85 s.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "support/process.h"

namespace custos::test {

// `aws ARGS...` with `env` added to this process's environment, in this process's folder; the
// server of the moto pool's folder is started when none answers.
ProcessResult run_aws_cli(const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env = {});

// Stops the pool folder's CLI server; whether one was running.
bool stop_aws_cli_server(const std::filesystem::path& pool);

}  // namespace custos::test
