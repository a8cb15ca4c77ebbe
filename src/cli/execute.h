// Running policies against AWS with the incident journal: what `custos run` and
// `custos incident resume` share.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "aws/config.h"
#include "cli/commands.h"
#include "core/json.h"
#include "serverless/handler.h"

namespace custos::cli {

struct RunRequest {
  std::string policy_name;  // the file's name, for messages
  std::string policy_text;
  Json event = nullptr;  // null: a pull run
  std::string output_dir;
  bool dryrun = false;
  aws::SessionOptions aws;
  std::string journal_path;                  // empty: journal nothing
  std::string incident;                      // continue this incident (resume) rather than open one
  std::optional<std::size_t> max_actions{};  // --max-actions: changes the run may attempt
  Json vars = Json::object();                // --var NAME=VALUE, over the file's `vars:`
};

// Compiles, checks the event, runs every policy that applies; prints progress. Returns the
// exit code (0 done, 1 an action or policy failed); throws InputError for bad input.
int execute(const RunRequest& request);

// The variables set by --var NAME=VALUE (given as many times as needed); throws InputError for
// an assignment without a name or '='.
Json parse_vars(const std::vector<std::string>& assignments);

// --journal PATH.
void add_journal_option(CLI::App& command, std::string& path);

// The journal a command records in: none with --no-journal, else --journal's PATH, else the
// default one.
std::string journal_path(const std::string& given, bool none);

// What a handler of the policy file `name` (holding `text`) runs with; journals nowhere when
// `journal` is empty.
serverless::HandlerOptions handler_options(const std::string& name, const std::string& text,
                                           const aws::SessionOptions& aws, bool dryrun,
                                           const std::string& journal);

// The text of `path`; throws InputError naming `what` and the path when it cannot be read.
std::string read_text_file(const std::string& path, const std::string& what);

}  // namespace custos::cli
