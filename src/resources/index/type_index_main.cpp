// Writes the index builtin_registry() finds types by (build time): runs each registration
// group into a registry of its own, and prints which group defines each type name and alias and
// which groups add filters or actions to another group's types.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "resources/type_groups.h"

namespace {

using custos::policy::Registry;
using custos::policy::TypeGroups;

struct Index {
  std::map<std::string, std::size_t> group_of;                  // name or alias -> defining group
  std::vector<std::string> type_names;                          // registration order
  std::set<std::pair<std::size_t, std::size_t>> contributions;  // {group, from}
};

Index build_index() {
  TypeGroups groups{.groups = custos::resources::type_groups(),
                    .derive = custos::resources::derive_from_type_data,
                    .names = {},  // what this program writes
                    .type_names = {},
                    .contributions = {}};
  Index index;
  std::vector<std::vector<std::string>> entries(groups.groups.size());
  for (std::size_t group = 0; group < groups.groups.size(); ++group) {
    Registry registry;
    registry.add_group(groups, group);
    for (const auto& type : registry.resources()) {
      index.type_names.push_back(type.name);
      index.group_of.try_emplace(type.name, group);  // the first group to define a name wins
      for (const auto& alias : type.aliases) index.group_of.try_emplace(alias, group);
    }
    entries[group] = registry.names_with_entries();
  }
  for (std::size_t from = 0; from < entries.size(); ++from)
    for (const std::string& name : entries[from]) {
      auto defined = index.group_of.find(name);
      if (defined == index.group_of.end())
        throw std::logic_error("group " + std::to_string(from) + " adds to " + name +
                               ", which no group defines");
      if (defined->second != from) index.contributions.emplace(defined->second, from);
    }
  return index;
}

std::string quoted(const std::string& text) { return "\"" + text + "\""; }

void write(const Index& index, std::ostream& out) {
  out << "// Generated at build time by custos_type_index (src/resources/index): do not edit.\n"
      << "constexpr custos::policy::TypeGroups::Name kTypeNames[] = {\n";
  for (const auto& [name, group] : index.group_of)
    out << "    {" << quoted(name) << ", " << group << "},\n";
  out << "};\nconstexpr std::string_view kTypeOrder[] = {\n";
  for (const auto& name : index.type_names) out << "    " << quoted(name) << ",\n";
  out << "};\nconstexpr custos::policy::TypeGroups::Contribution kContributions[] = {\n";
  for (const auto& [group, from] : index.contributions)
    out << "    {" << group << ", " << from << "},\n";
  if (index.contributions.empty()) out << "    {0, 0},\n";  // no empty arrays in C++
  out << "};\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: custos_type_index OUTPUT\n";
    return 2;
  }
  try {
    Index index = build_index();
    std::string temporary = std::string(argv[1]) + ".tmp";
    {
      std::ofstream out(temporary);
      write(index, out);
      if (!out) throw std::runtime_error("cannot write " + temporary);
    }
    if (std::rename(temporary.c_str(), argv[1]) != 0)
      throw std::runtime_error(std::string("cannot write ") + argv[1]);
  } catch (const std::exception& e) {
    std::cerr << "custos_type_index: " << e.what() << "\n";
    return 1;
  }
}
