#include <cstdlib>
#include <future>
#include <iostream>

#include "aws/transport.h"
#include "cli/commands.h"
#include "cli/execute.h"
#include "serverless/package.h"
#include "serverless/runtime.h"

namespace custos::cli {
namespace {

struct LambdaArgs {
  std::string policies = "policies";
};

std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

// The policy the function runs (its handler names it) and where it journals, from what Lambda
// and deploy put in the environment.
serverless::HandlerOptions lambda_handler_options(const LambdaArgs& args) {
  std::string name = env_or("_HANDLER", "");
  if (name.empty())
    throw InputError("_HANDLER is not set: the function's handler names the policy it runs");
  serverless::HandlerOptions options;
  options.policy_name = serverless::find_policy_file(args.policies, name);
  options.policy_text = read_text_file(options.policy_name, "policy file");
  options.only = {name};
  options.journal =
      serverless::journal_opener(env_or("CUSTOS_JOURNAL", "/tmp/custos/journal.db"), options.aws);
  return options;
}

int serve(const LambdaArgs& args) {
  serverless::RuntimeOptions runtime;
  runtime.api = env_or("AWS_LAMBDA_RUNTIME_API", "");
  if (runtime.api.empty())
    throw InputError("AWS_LAMBDA_RUNTIME_API is not set: custos lambda runs inside AWS Lambda");
  runtime.margin =
      std::chrono::milliseconds(std::atoll(env_or("CUSTOS_DEADLINE_MARGIN_MS", "5000").c_str()));
  runtime.log = &std::cout;
  // The HTTP library loads while the policy compiles: both are most of a cold start.
  auto http_library = std::async(std::launch::async, aws::load_http_library);
  std::unique_ptr<serverless::Handler> handler;
  try {
    handler = std::make_unique<serverless::Handler>(lambda_handler_options(args));
    http_library.get();
  } catch (const std::exception& e) {
    std::cout << "custos: cannot start: " << e.what() << std::endl;
    serverless::report_init_error(runtime.api, "custos.InitError", e.what());
    return 2;
  }
  return serverless::serve_invocations(*handler, runtime);
}

}  // namespace

void add_lambda(CLI::App& app, Command& selected) {
  auto args = std::make_shared<LambdaArgs>();
  auto* command = app.add_subcommand(
      "lambda",
      "Serve AWS Lambda invocations (the custom runtime; a package's bootstrap starts this)");
  command->add_option("--policies", args->policies,
                      "the package's policies folder (with index.json)");
  command->footer(
      "Reads AWS_LAMBDA_RUNTIME_API, _HANDLER (the policy to run), CUSTOS_JOURNAL and\n"
      "CUSTOS_DEADLINE_MARGIN_MS (no action starts with less time left; default 5000).\n"
      "CUSTOS_JOURNAL=s3://BUCKET/PREFIX (what deploy sets from execution-options.journal) is\n"
      "shared by every instance of the function: a finding delivered to two instances, or again\n"
      "after a cold start, repeats nothing that succeeded. A path (default\n"
      "/tmp/custos/journal.db) lasts only as long as one instance. Started as `bootstrap`,\n"
      "custos runs this command.");
  command->callback([&selected, args] { selected = [args] { return serve(*args); }; });
}

}  // namespace custos::cli
