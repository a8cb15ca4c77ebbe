#include <algorithm>
#include <iostream>

#include "cli/commands.h"
#include "jmespath/jmespath.h"
#include "policy/event.h"
#include "policy/policy.h"
#include "resources/builtin.h"

namespace custos::cli {
namespace {

using policy::Policy;
using policy::ResourceType;

struct EvalArgs {
  std::string policy_file;
  std::string resources_file;
  std::vector<std::string> policy_names;
  std::string format = "ids";
  std::string event_file;
};

// The resource documents in `input`: a JSON list (a resources.json), or a saved describe
// response (`aws ec2 describe-instances`) from which the type's result path picks them.
std::vector<Json> resource_documents(Json input, const ResourceType& type,
                                     const std::string& file) {
  if (input.is_object()) input = jmespath::Expression::compile(type.result_path).search(input);
  if (!input.is_array())
    throw InputError(file + ": expected a JSON list of " + type.name +
                     " documents (e.g. OUTDIR/<policy>/resources.json) or a saved " +
                     type.enumerate_operation + " response");
  auto& documents = input.get_ref<Json::array_t&>();
  for (std::size_t i = 0; i < documents.size(); ++i)
    if (!documents[i].is_object())
      throw InputError(file + ": resource " + std::to_string(i) + " is " +
                       policy::json_type_name(documents[i]) + ", not a JSON object");
  return std::move(documents);
}

void print_ids(const Policy& p, const std::vector<Json>& matched, std::size_t total, bool alone) {
  std::string summary = std::to_string(matched.size()) + " of " + std::to_string(total) + " " +
                        p.resource->name + " resources matched";
  // One policy: bare ids on stdout, for scripts; several: each list under its policy.
  if (alone)
    std::cerr << summary << " policy '" << p.name << "'\n";
  else
    std::cout << p.name << ": " << summary << "\n";
  for (const Json& resource : matched)
    std::cout << (alone ? "" : "  ") << resource.value(p.resource->id_field, "(no id)") << "\n";
}

int evaluate(const EvalArgs& args) {
  auto policies = load_policies(args.policy_file, args.policy_names);
  Json event;
  if (!args.event_file.empty()) event = policy::load_event_file(args.event_file);
  Json input = load_json(args.resources_file);
  policy::FilterContext context{.event = event.is_null() ? nullptr : &event,
                                .annotate = args.format == "json"};
  bool alone = policies.size() == 1;
  Json by_policy = Json::object();
  for (std::size_t i = 0; i < policies.size(); ++i) {
    const Policy& p = policies[i];
    bool last = i + 1 == policies.size();
    auto documents =
        resource_documents(last ? std::move(input) : input, *p.resource, args.resources_file);
    std::size_t total = documents.size();
    auto matched = p.filter_resources(std::move(documents), context);
    if (args.format == "ids")
      print_ids(p, matched, total, alone);
    else  // moved in, not copied: the set may be large
      (by_policy[p.name] = Json::array()).get_ref<Json::array_t&>() = std::move(matched);
  }
  if (args.format == "json")
    std::cout << (alone ? by_policy.begin().value() : by_policy).dump(2) << "\n";
  return 0;
}

}  // namespace

std::vector<Policy> load_policies(const std::string& file, const std::vector<std::string>& names) {
  auto source = policy::SourceDocument::load_file(file);
  auto policies = policy::compile_policies(source, resources::builtin_registry());
  if (names.empty()) return policies;
  std::vector<Policy> chosen;
  for (const auto& name : names) {
    auto found = std::find_if(policies.begin(), policies.end(),
                              [&](const Policy& p) { return p.name == name; });
    if (found == policies.end()) {
      std::string known;
      for (const auto& p : policies) known += (known.empty() ? "" : ", ") + p.name;
      throw InputError(file + ": no policy named '" + name + "' (policies: " + known + ")");
    }
    chosen.push_back(std::move(*found));
    policies.erase(found);
  }
  return chosen;
}

void add_eval(CLI::App& app, Command& selected) {
  auto args = std::make_shared<EvalArgs>();
  auto* command = app.add_subcommand(
      "eval",
      "Run a policy's filters over saved resource documents and print what matches: no AWS "
      "call, no action");
  command->add_option("POLICY", args->policy_file, "policy file (YAML)")
      ->required()
      ->check(CLI::ExistingFile);
  command
      ->add_option("--resources,-r", args->resources_file,
                   "resource documents: a JSON list such as a previous OUTDIR/<policy>/"
                   "resources.json, or a saved describe response (aws ec2 describe-instances); "
                   "- for standard input")
      ->required();
  command->add_option("--policy,-p", args->policy_names,
                      "evaluate only this policy of the file (repeat for more)");
  command
      ->add_option("--format", args->format,
                   "ids: the matched ids, one a line; json: the matched documents (several "
                   "policies: an object by policy name)")
      ->check(CLI::IsMember({"ids", "json"}))
      ->capture_default_str();
  command
      ->add_option("--event", args->event_file,
                   "an EventBridge event (JSON) for the policies' `event` filters")
      ->check(CLI::ExistingFile);
  command->footer(
      "Example: test a policy before it is deployed, on resources saved from an earlier run:\n"
      "  custos run --dryrun -s out policy.yml\n"
      "  custos eval policy.yml --resources out/my-policy/resources.json\n"
      "  aws ec2 describe-instances > instances.json\n"
      "  custos eval policy.yml -p stop-untagged -r instances.json --format json\n"
      "Several policies: each one's matches are listed under its name.\n"
      "Exit codes: 0 done (whether or not anything matched), 2 bad input (policy, JSON with\n"
      "FILE:LINE:COL, unknown --policy).");
  command->callback([&selected, args] { selected = [args] { return evaluate(*args); }; });
}

}  // namespace custos::cli
