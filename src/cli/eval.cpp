#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <thread>

#include "cli/commands.h"
#include "core/doc_store.h"
#include "core/json_list.h"
#include "core/json_text.h"
#include "core/stored_list.h"
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

[[noreturn]] void fail_not_an_object(const Json& document, std::size_t index,
                                     const std::string& name) {
  throw InputError(name + ": resource " + std::to_string(index) + " is " +
                   policy::json_type_name(document) + ", not a JSON object");
}

// The resource documents of one eval, which every policy reads: a JSON list (a resources.json)
// serves every policy and is read on every core; a saved describe response (`aws ec2
// describe-instances`) gives each resource type what its result path picks.
class Resources {
 public:
  using Batches = std::vector<StoredList::Batch>;

  explicit Resources(const std::string& path) : name_(path == "-" ? "<stdin>" : path) {
    if (path == "-") {
      load(std::cin);
      return;
    }
    std::ifstream file(path, std::ios::binary);
    if (!file) throw InputError(path + ": cannot read the file (check the path)");
    load(file);
  }

  // The documents for a policy on `type`, in order.
  Batches documents(const ResourceType& type) {
    if (list_) return list_->batches();
    auto [found, added] = by_type_.try_emplace(&type);
    if (added) found->second = described(type);
    return {{&store_, found->second}};
  }

 private:
  // A list is read an element at a time, straight into the stores; anything else is parsed
  // whole (a describe response is one document).
  void load(std::istream& input) {
    JsonListReader reader(input, name_);
    if (!reader.is_list()) {
      std::string text = reader.read_all();
      response_ = parse_json_text(text, name_);
      return;
    }
    auto check = [this](const DocStore& store, DocStore::Value document, std::size_t index) {
      if (store.kind(document) != DocStore::Kind::kObject)
        fail_not_an_object(store.to_json(document), index, name_);
    };
    list_.emplace(reader, std::max(1u, std::thread::hardware_concurrency()), check);
  }

  std::vector<DocStore::Value> described(const ResourceType& type) {
    Json picked = response_.is_object()
                      ? jmespath::Expression::compile(type.result_path).search(response_)
                      : response_;
    if (!picked.is_array())
      throw InputError(name_ + ": expected a JSON list of " + type.name +
                       " documents (e.g. OUTDIR/<policy>/resources.json) or a saved " +
                       type.enumerate_operation + " response");
    std::vector<DocStore::Value> documents;
    for (const Json& document : picked) {
      if (!document.is_object()) fail_not_an_object(document, documents.size(), name_);
      documents.push_back(store_.add(document));
    }
    return documents;
  }

  std::string name_;  // what errors call the input
  std::optional<StoredList> list_;
  DocStore store_;  // a describe response's documents
  Json response_;   // when the input is not a list
  std::map<const ResourceType*, std::vector<DocStore::Value>> by_type_;
};

std::size_t count(const Resources::Batches& batches) {
  std::size_t total = 0;
  for (const StoredList::Batch& batch : batches) total += batch.documents.size();
  return total;
}

void print_ids(const Policy& p, const Resources::Batches& matched, std::size_t total, bool alone) {
  std::string summary = std::to_string(count(matched)) + " of " + std::to_string(total) + " " +
                        p.resource->name + " resources matched";
  // One policy: bare ids on stdout, for scripts; several: each list under its policy.
  if (alone)
    std::cerr << summary << " policy '" << p.name << "'\n";
  else
    std::cout << p.name << ": " << summary << "\n";
  for (const StoredList::Batch& batch : matched) {
    const DocStore& store = *batch.store;
    for (DocStore::Value resource : batch.documents) {
      DocStore::Value id = store.get(resource, p.resource->id_field);
      bool named = store.kind(id) == DocStore::Kind::kString;
      std::cout << (alone ? "" : "  ") << (named ? store.string(id) : "(no id)") << "\n";
    }
  }
}

int evaluate(const EvalArgs& args) {
  auto policies = load_policies(args.policy_file, args.policy_names);
  Json event;
  if (!args.event_file.empty()) event = policy::load_event_file(args.event_file);
  Resources resources(args.resources_file);
  policy::FilterContext context{.event = event.is_null() ? nullptr : &event,
                                .annotate = args.format == "json"};
  bool alone = policies.size() == 1;
  Json by_policy = Json::object();
  for (const Policy& p : policies) {
    Resources::Batches documents = resources.documents(*p.resource);
    std::size_t total = count(documents);
    Resources::Batches matched = p.filter_stored(std::move(documents), context);
    if (args.format == "ids") {
      print_ids(p, matched, total, alone);
      continue;
    }
    Json& listed = by_policy[p.name] = Json::array();
    for (const StoredList::Batch& batch : matched)
      for (DocStore::Value resource : batch.documents)
        listed.push_back(batch.store->to_json(resource));
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
