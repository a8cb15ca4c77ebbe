#include <iostream>
#include <set>

#include "cli/commands.h"
#include "policy/describe.h"
#include "policy/policy.h"
#include "resources/builtin.h"

namespace custos::cli {
namespace {

using policy::Registry;
using policy::ResourceType;

struct SchemaArgs {
  std::string path;
  std::vector<std::string> permissions_files;
};

std::string joined(const std::vector<std::string>& items, const std::string& none = "(none)") {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out.empty() ? none : out;
}

std::string known_resources(const Registry& registry) { return joined(registry.resource_names()); }

void print_filter(const std::string& name, const policy::FilterInfo& info) {
  std::cout << "  " << name << (info.description.empty() ? "" : ": " + info.description) << "\n";
  if (!info.options.empty()) std::cout << "    options: " << joined(info.options) << "\n";
  if (!info.permissions.empty())
    std::cout << "    permissions: " << joined(info.permissions) << "\n";
}

void print_action(const std::string& name, const policy::ActionInfo& info) {
  std::cout << "  " << name << (info.description.empty() ? "" : ": " + info.description) << "\n"
            << "    options: " << joined(info.options) << "\n"
            << "    permissions: " << joined(info.permissions) << "\n";
}

void print_resource(const Registry& registry, const ResourceType& type) {
  std::cout << type.name << " (alias: " << joined(type.aliases) << ")\n"
            << "  listed by " << type.service << " " << type.enumerate_operation << " (permissions "
            << joined(policy::describe_permissions(type)) << "), id " << type.id_field << "\n"
            << "  filters: ";
  std::vector<std::string> names;
  for (const auto& [name, unused] : registry.filters(type.name)) names.push_back(name);
  std::cout << joined(names) << "\n  actions: ";
  names.clear();
  for (const auto& [name, unused] : registry.actions(type.name)) names.push_back(name);
  std::cout << joined(names) << "\n";
}

// One entry of a filters/actions map, or every entry when `name` is empty.
template <typename Map, typename Print>
void print_entries(const Map& entries, const std::string& name, const std::string& what,
                   Print print) {
  if (name.empty()) {
    for (const auto& [entry, info] : entries) print(entry, info);
    return;
  }
  auto found = entries.find(name);
  if (found == entries.end()) {
    std::vector<std::string> known;
    for (const auto& [entry, unused] : entries) known.push_back(entry);
    throw InputError("unknown " + what + " '" + name + "' (known: " + joined(known) + ")");
  }
  print(found->first, found->second);
}

// The longest prefix of `path` that names a resource type (names have dots: aws.ec2), and
// what follows it.
std::pair<const ResourceType*, std::string> split_path(const Registry& registry,
                                                       const std::string& path) {
  std::size_t end = path.size();
  while (true) {
    if (const auto* type = registry.find_resource(path.substr(0, end)))
      return {type, end < path.size() ? path.substr(end + 1) : ""};
    if (end == 0) return {nullptr, ""};
    end = path.rfind('.', end - 1);
    if (end == std::string::npos) return {nullptr, ""};
  }
}

// PATH is RESOURCE[.filters|.actions[.NAME]].
int print_schema(const std::string& path) {
  const Registry& registry = resources::builtin_registry();
  if (path.empty()) {
    for (const auto& name : registry.resource_names())
      print_resource(registry, *registry.find_resource(name));
    return 0;
  }
  auto [type, rest] = split_path(registry, path);
  if (!type)
    throw InputError("unknown resource type in '" + path +
                     "' (known: " + known_resources(registry) + ")");
  if (rest.empty()) {
    print_resource(registry, *type);
    return 0;
  }
  std::string section = rest.substr(0, rest.find('.'));
  std::string name = section.size() < rest.size() ? rest.substr(section.size() + 1) : "";
  if (section == "filters") {
    std::cout << type->name << " filters:\n";
    print_entries(registry.filters(type->name), name, "filter", print_filter);
  } else if (section == "actions") {
    std::cout << type->name << " actions:\n";
    print_entries(registry.actions(type->name), name, "action for " + type->name, print_action);
  } else {
    throw InputError("after " + type->name + " write .filters or .actions, not ." + section);
  }
  return 0;
}

// Least privilege: what listing each policy's resources, its filters and its actions call.
int print_permissions(const std::vector<std::string>& paths) {
  const Registry& registry = resources::builtin_registry();
  std::set<std::string> actions;
  for (const auto& file : policy_files(paths)) {
    auto source = policy::SourceDocument::load_file(file);
    for (const auto& p : policy::compile_policies(source, registry)) {
      auto needed = policy::permissions_of(p, registry);
      actions.insert(needed.begin(), needed.end());
    }
  }
  Json document = {
      {"Version", "2012-10-17"},
      {"Statement",
       Json::array({{{"Sid", "CustosPolicies"},
                     {"Effect", "Allow"},
                     {"Action", std::vector<std::string>(actions.begin(), actions.end())},
                     {"Resource", "*"}}})}};
  std::cout << document.dump(2) << "\n";
  return 0;
}

}  // namespace

void add_schema(CLI::App& app, Command& selected) {
  auto args = std::make_shared<SchemaArgs>();
  auto* command = app.add_subcommand(
      "schema", "Show the resource types, filters and actions policies may use, and their options");
  command->add_option("PATH", args->path,
                      "RESOURCE[.filters|.actions[.NAME]], e.g. aws.ec2.actions.stop; nothing: "
                      "every resource type");
  command->add_option("--permissions", args->permissions_files,
                      "print the least-privilege IAM policy document that running the policies of "
                      "these files (or folders of them) needs: listing their resources, filters "
                      "and actions");
  command->footer(
      "Examples:\n"
      "  custos schema                       # resource types, with their filters and actions\n"
      "  custos schema aws.ec2.actions       # every action on EC2 instances, options, "
      "permissions\n"
      "  custos schema ec2.actions.snapshot  # one action\n"
      "  custos schema --permissions policy.yml > iam-policy.json\n"
      "  custos schema --permissions policies/incident-response/\n"
      "Exit codes: 0 done, 2 unknown name or invalid policy file.");
  command->callback([&selected, args] {
    selected = [args] {
      if (!args->permissions_files.empty()) {
        if (!args->path.empty()) throw InputError("give either PATH or --permissions, not both");
        return print_permissions(args->permissions_files);
      }
      return print_schema(args->path);
    };
  });
}

}  // namespace custos::cli
