#include <fmt/format.h>

#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "serverless/package.h"

namespace custos::cli {
namespace {

struct PackageArgs {
  serverless::PackageOptions options;
  std::string output = "function.zip";
};

std::string joined(const auto& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

int package(const PackageArgs& args) {
  auto built = serverless::build_package(args.options);
  const double megabytes = built.zip.size() / 1048576.0;
  if (built.zip.size() > serverless::kMaxZipBytes)
    throw Error(
        fmt::format("the zip would be {:.1f} MB, over the 50 MB Lambda takes directly", megabytes));
  std::ofstream out(args.output, std::ios::binary);
  out.write(built.zip.data(), static_cast<std::streamsize>(built.zip.size()));
  if (!out.flush()) throw Error("cannot write " + args.output);
  std::cout << fmt::format("{}: {:.1f} MB ({:.1f} MB unpacked, {} files)\n", args.output, megabytes,
                           built.unpacked_bytes / 1048576.0, built.files)
            << "  policies (handlers): " << joined(built.policies) << "\n"
            << "  AWS models: " << joined(built.services) << "\n"
            << "  runtime: provided.al2023, x86_64\n";
  return 0;
}

}  // namespace

void add_package(CLI::App& app, Command& selected) {
  auto args = std::make_shared<PackageArgs>();
  auto* command = app.add_subcommand(
      "package", "Build the zip of a Lambda function (provided.al2023) that runs these policies");
  command->add_option("POLICY", args->options.policy_files, "policy files (YAML)")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_option("-o,--output", args->output, "the zip to write (default function.zip)");
  command->add_option("--service", args->options.extra_services,
                      "also pack this botocore service's model (for calls custos cannot foresee)");
  command->footer(
      "The zip holds custos, the libraries it runs with and their loader (started by\n"
      "`bootstrap`), the AWS models the policies call, and the policy files. Each policy is a\n"
      "handler: a function whose handler is NAME runs policy NAME. custos deploy builds it too.\n"
      "Example: custos package policy.yml -o function.zip");
  command->callback([&selected, args] { selected = [args] { return package(*args); }; });
}

}  // namespace custos::cli
