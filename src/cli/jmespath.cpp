#include "jmespath/jmespath.h"

#include <fstream>
#include <iostream>
#include <iterator>

#include "cli/commands.h"
#include "core/file.h"
#include "core/json_text.h"

namespace custos::cli {
namespace {

struct JmespathArgs {
  std::string expression;
  std::string file = "-";
  bool each = false;
};

int evaluate(const JmespathArgs& args) {
  jmespath::Expression expression = [&] {
    try {
      return jmespath::Expression::compile(args.expression);
    } catch (const jmespath::Error& e) {
      throw InputError("invalid expression '" + args.expression + "': " + e.what());
    }
  }();
  Json document = load_json(args.file);
  if (!args.each) {
    std::cout << expression.search(document).dump(2) << "\n";
    return 0;
  }
  if (!document.is_array())
    throw InputError(args.file + ": --each needs a JSON list (e.g. a resources.json), not " +
                     std::string(document.type_name()));
  Json results = Json::array();
  for (const Json& element : document) results.push_back(expression.search(element));
  std::cout << results.dump(2) << "\n";
  return 0;
}

}  // namespace

Json load_json(const std::string& path) {
  if (path == "-") {
    std::string text(std::istreambuf_iterator<char>(std::cin), {});
    return parse_json_text(text, "<stdin>");
  }
  // Parsed from the stream, not from a copy of the text: a 300 MB resources.json would
  // otherwise be held twice while it is parsed.
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot read the file (check the path)");
  try {
    return Json::parse(in);
  } catch (const Json::exception&) {
    // Parsed again from the text for the error's line and column.
    parse_json_text(read_file(path).value_or(""), path);
    throw InputError(path + ": invalid JSON");
  }
}

void add_jmespath(CLI::App& app, Command& selected) {
  auto args = std::make_shared<JmespathArgs>();
  auto* command = app.add_subcommand(
      "jmespath", "Evaluate a JMESPath expression on a JSON document (to write filter keys)");
  command->add_option("EXPRESSION", args->expression, "JMESPath expression (jmespath.org)")
      ->required();
  command->add_option("FILE", args->file, "JSON document; - or nothing: standard input");
  command->add_flag("--each", args->each,
                    "FILE is a list (a resources.json): evaluate on each element, as a "
                    "value filter's key is evaluated on each resource");
  command->footer(
      "A value filter's `key` is such an expression, evaluated on each resource (besides\n"
      "tag:NAME, which reads the tag NAME).\n"
      "Examples:\n"
      "  custos jmespath --each 'State.Name' out/my-policy/resources.json\n"
      "  custos jmespath \"Tags[?Key=='Name'].Value | [0]\" instance.json\n"
      "  aws ec2 describe-instances | custos jmespath 'Reservations[].Instances[].InstanceId'\n"
      "Exit codes: 0 done, 2 bad expression or input (FILE:LINE:COL for JSON errors).");
  command->callback([&selected, args] { selected = [args] { return evaluate(*args); }; });
}

}  // namespace custos::cli
