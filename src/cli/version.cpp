#include <iostream>

#include "aws/model.h"
#include "cli/commands.h"
#include "core/version.h"

namespace custos::cli {

void add_version(CLI::App& app, Command& selected) {
  auto* command =
      app.add_subcommand("version", "Print custos's version and where its AWS models come from");
  command->callback([&selected] {
    selected = [] {
      std::cout << "custos " << custos::version() << "\n"
                << "botocore service models: " << aws::botocore_data_dir() << "\n";
      return 0;
    };
  });
}

}  // namespace custos::cli
