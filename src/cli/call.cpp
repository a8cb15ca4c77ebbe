#include <cctype>
#include <iostream>

#include "aws/client.h"
#include "aws/model.h"
#include "cli/commands.h"
#include "core/file.h"

namespace custos::cli {
namespace {

struct CallArgs {
  std::string service;
  std::string operation;
  std::string params = "{}";
  bool paginate = false;
  aws::SessionOptions aws;
};

std::string squashed(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c != '-' && c != '_') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// The API name for "DescribeInstances" or the AWS CLI's "describe-instances"; the model's
// "did you mean" error when neither names an operation.
std::string operation_name(const aws::ServiceModel& model, const std::string& given) {
  if (model.find_operation(given)) return given;
  for (const auto& name : model.operation_names()) {
    if (squashed(name) == squashed(given)) return name;
  }
  return model.operation(given).name;
}

std::string params_text(const std::string& value) {
  if (!value.starts_with('@')) return value;
  const std::string path = value.substr(1);
  auto text = read_file(path);
  if (!text) throw InputError("cannot read --params file '" + path + "': check the path");
  return *text;
}

Json parse_params(const std::string& value) {
  try {
    Json params = Json::parse(params_text(value));
    if (!params.is_object()) {
      throw InputError("--params must be a JSON object like {\"MaxResults\": 5}, not " +
                       std::string(params.type_name()));
    }
    return params;
  } catch (const Json::exception& e) {  // bad syntax, or a number beyond a double
    throw InputError("--params is not valid JSON: " + std::string(e.what()));
  }
}

int call(const CallArgs& args) {
  // Everything the user can get wrong is checked before the first AWS call.
  auto model = aws::ServiceModel::load(args.service);
  const std::string operation = operation_name(*model, args.operation);
  const Json params = parse_params(args.params);
  aws::Client client(std::make_shared<const aws::Session>(args.aws));
  const Json result = args.paginate ? client.call_all(args.service, operation, params)
                                    : client.call(args.service, operation, params);
  std::cout << result.dump(2) << "\n";
  return 0;
}

}  // namespace

void add_call(CLI::App& app, Command& selected) {
  auto args = std::make_shared<CallArgs>();
  auto* command = app.add_subcommand(
      "call", "Call any AWS API operation and print its result as JSON (boto3's shape)");
  command->add_option("service", args->service, "botocore service name: ec2, iam, sts, s3, ...")
      ->required();
  command
      ->add_option("operation", args->operation,
                   "API operation: DescribeInstances (or the AWS CLI's describe-instances)")
      ->required();
  command->add_option("--params", args->params,
                      "input as a JSON object, or @FILE to read it from a file (default: {})");
  command->add_flag("--paginate", args->paginate,
                    "follow next-page tokens and merge every page's results, as `aws` does");
  add_aws_options(*command, args->aws);
  command->footer(
      "Parameters and results use the API's member names, as boto3 and `aws --output json` do.\n"
      "Examples:\n"
      "  custos call sts GetCallerIdentity\n"
      "  custos call ec2 DescribeInstances --params '{\"Filters\": [{\"Name\": "
      "\"instance-state-name\", \"Values\": [\"running\"]}]}'\n"
      "  custos call iam list-roles --paginate --params '{\"MaxItems\": 50}'\n"
      "  custos call ec2 DescribeSecurityGroups --params @query.json --region eu-west-1\n"
      "Exit codes: 0 done, 1 AWS refused or was unreachable (code, message and request id on\n"
      "stderr), 2 bad input (unknown service or operation, params that are not JSON or do not\n"
      "fit the operation).");
  command->callback([&selected, args] { selected = [args] { return call(*args); }; });
}

}  // namespace custos::cli
