#include <iostream>

#include "cli/commands.h"
#include "policy/policy.h"
#include "resources/builtin.h"

namespace custos::cli {

void add_validate(CLI::App& app, Command& selected) {
  auto* command = app.add_subcommand(
      "validate",
      "Check policy files without calling AWS: structure, names, filters, actions, modes");
  auto files = std::make_shared<std::vector<std::string>>();
  command->add_option("POLICY", *files, "policy files (YAML), or folders of them")->required();
  command->footer(
      "Errors name file:line:col and the policy; the exit code is 2 if any file is invalid.");
  command->callback([&selected, files] {
    selected = [files] {
      int code = 0;
      for (const auto& file : policy_files(*files)) {
        try {
          auto source = policy::SourceDocument::load_file(file);
          auto policies = policy::compile_policies(source, resources::builtin_registry());
          std::cout << file << ": " << policies.size() << " valid "
                    << (policies.size() == 1 ? "policy" : "policies") << "\n";
        } catch (const InputError& e) {
          std::cerr << "error: " << e.what() << "\n";
          code = 2;
        }
      }
      return code;
    };
  });
}

}  // namespace custos::cli
