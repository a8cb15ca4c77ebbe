#include <fstream>
#include <iostream>

#include "audit/audit.h"
#include "audit/format.h"
#include "cli/commands.h"
#include "cli/execute.h"
#include "core/error.h"

namespace custos::cli {
namespace {

struct AuditArgs {
  audit::AuditOptions options;
  std::vector<std::string> paths;
  std::string format = "table";
  std::string output;
  std::vector<std::string> vars;
};

std::vector<audit::PolicyFile> files_of(const std::vector<std::string>& paths) {
  if (paths.empty()) return audit::shipped_pack();
  std::vector<audit::PolicyFile> files;
  for (const auto& path : policy_files(paths))
    files.push_back({path, read_text_file(path, "policy file")});
  return files;
}

int run(AuditArgs& args) {
  audit::Format format = audit::format_named(args.format);
  args.options.vars = parse_vars(args.vars);
  auto checks = audit::run_audit(files_of(args.paths), args.options);
  std::string report = audit::render(checks, format);
  if (args.output.empty()) {
    std::cout << report;
  } else {
    std::ofstream out(args.output, std::ios::binary);
    if (!(out << report)) throw InputError("cannot write " + args.output);
    std::cerr << "wrote " << args.output << ": readiness " << audit::readiness_score(checks)
              << "%\n";
  }
  return audit::exit_code(checks);
}

}  // namespace

void add_audit(CLI::App& app, Command& selected) {
  auto args = std::make_shared<AuditArgs>();
  auto* command = app.add_subcommand(
      "audit",
      "Readiness audit: could you respond to an incident today? Runs preparation checks (Cloud\n"
      "Custodian pull-mode policies) and reports what fails, with the fix");
  command->add_option("POLICY", args->paths,
                      "policy files or folders of checks (default: the preparation pack built "
                      "into custos, policies/preparation)");
  command
      ->add_option("--region", args->options.regions,
                   "region to audit (repeat for several; 'all': every region of the "
                   "partition); default: AWS_REGION or the profile's")
      ->take_all();
  command->add_option("--format", args->format, "table (default), md, html, json or sarif");
  command->add_option("-o,--output", args->output, "write the report here, not to stdout");
  command->add_option("--var", args->vars,
                      "NAME=VALUE: overrides the policy files' vars (owner_tag=team)");
  command->add_option("-s,--output-dir", args->options.output_dir,
                      "keep each check's matched resources in DIR/REGION/POLICY/resources.json");
  command
      ->add_option("--parallel", args->options.parallel,
                   "checks run at a time (region x policy; default 8)")
      ->check(CLI::PositiveNumber);
  add_aws_options(*command, args->options.aws, false);
  command->footer(
      "A check FAILS when its policy matches resources (listed as offending ids) and PASSES when\n"
      "it matches none. Checks are grouped by metadata.phase (NIST SP 800-61); the readiness "
      "score\n"
      "weighs them by metadata.severity (critical 4, high 3, medium 2, low 1). Audit only reads:\n"
      "policies with actions or event modes are refused. metadata.scope: account checks run once,\n"
      "region checks in every region given.\n"
      "Examples:\n"
      "  custos audit                                  # the built-in pack, this region\n"
      "  custos audit --region all --format html -o readiness.html\n"
      "  custos audit --region us-east-1 eu-west-1 --format sarif -o audit.sarif\n"
      "  custos audit --var owner_tag=team policies/preparation/response.yml\n"
      "  custos audit --format json | jq '.[] | select(.status==\"fail\") | .name'\n"
      "  custos schema --permissions policies/preparation   # the read-only IAM policy it needs\n"
      "  custos gameday --seed-only unprepared-account      # an account to try it on (moto)\n"
      "Exit codes: 0 every check passes, 1 some fail, 2 a check could not run or bad input.");
  command->callback([&selected, args] {
    selected = [args] {
      try {
        return run(*args);
      } catch (const InputError&) {
        throw;
      } catch (const std::exception& e) {
        throw InputError(std::string("the audit could not run: ") + e.what());
      }
    };
  });
}

}  // namespace custos::cli
