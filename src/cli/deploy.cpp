#include <iostream>

#include "aws/client.h"
#include "cli/commands.h"
#include "serverless/deploy.h"

namespace custos::cli {
namespace {

struct DeployArgs {
  serverless::DeployOptions deploy;
  aws::SessionOptions aws;
};

int deploy(const DeployArgs& args) {
  aws::Client client(std::make_shared<const aws::Session>(args.aws));
  int changes = 0;
  serverless::deploy(args.deploy, client, [&](const serverless::DeployStep& step) {
    if (step.status != "unchanged" && step.status != "absent") ++changes;
    std::cout << step.function << ": " << step.part << " " << step.status
              << (step.detail.empty() ? "" : " (" + step.detail + ")") << "\n";
  });
  std::cout << (changes == 0 ? std::string("nothing to change")
                             : std::to_string(changes) + (changes == 1 ? " change" : " changes") +
                                   (args.deploy.dryrun ? " planned" : " made"))
            << " in " << client.session().region() << "\n";
  return 0;
}

}  // namespace

void add_deploy(CLI::App& app, Command& selected) {
  auto args = std::make_shared<DeployArgs>();
  auto* command = app.add_subcommand(
      "deploy",
      "Deploy event-mode policies as Lambda functions behind EventBridge rules (or remove them)");
  command->add_option("POLICY", args->deploy.policy_file, "policy file (YAML)")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_option("--role", args->deploy.role,
                      "the functions' execution role (ARN or name) for policies whose mode "
                      "names none");
  command->add_flag("--dryrun,--dry-run", args->deploy.dryrun, "print the plan, change nothing");
  command->add_flag("--remove", args->deploy.remove,
                    "remove the policies' functions, rules, targets and permissions");
  add_aws_options(*command, args->aws);
  command->footer(
      "Per policy: function custodian-NAME (provided.al2023, the zip of custos package, handler\n"
      "NAME), rule custodian-NAME with Cloud Custodian's event pattern, its target and the\n"
      "function's permission for events.amazonaws.com. What already matches is left alone.\n"
      "Mode options: role, memory, timeout, tags, environment, function-prefix, pattern,\n"
      "tracing_config, dead_letter_config, kms_key_arn, subnets, security_groups,\n"
      "execution-options: {journal: s3://BUCKET/PREFIX}.\n"
      "Example: custos deploy policy.yml --role arn:aws:iam::123456789012:role/custos --dryrun");
  command->callback([&selected, args] { selected = [args] { return deploy(*args); }; });
}

}  // namespace custos::cli
