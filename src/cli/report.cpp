#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <set>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "cli/commands.h"
#include "jmespath/jmespath.h"
#include "policy/policy.h"

namespace custos::cli {
namespace {

using policy::ResourceType;

struct ReportArgs {
  std::string output_dir;
  std::string policy_file;
  std::vector<std::string> policy_names;
  std::string format = "table";
  std::vector<std::string> fields;
  bool no_default_fields = false;
};

// A report column: `tag:NAME` reads a tag, anything else is a JMESPath expression.
struct Field {
  std::string header;
  std::string tag;
  std::optional<jmespath::Expression> expression;
};

Field make_field(const std::string& header, const std::string& text) {
  Field field;
  field.header = header;
  if (text.starts_with("tag:")) {
    field.tag = text.substr(4);
    return field;
  }
  try {
    field.expression = jmespath::Expression::compile(text);
  } catch (const jmespath::Error& e) {
    throw InputError("report field '" + header + "': invalid expression '" + text +
                     "': " + e.what());
  }
  return field;
}

std::vector<std::string> default_fields(const ResourceType& type) {
  if (!type.report_fields.empty()) return type.report_fields;
  return {"CustodianDate", type.id_field};
}

std::vector<Field> report_fields(const ReportArgs& args, const ResourceType& type,
                                 bool several_policies) {
  std::vector<Field> fields;
  if (!args.no_default_fields)
    for (const auto& name : default_fields(type)) fields.push_back(make_field(name, name));
  for (const auto& extra : args.fields) {
    auto equals = extra.find('=');
    if (equals == std::string::npos || equals == 0)
      throw InputError("--field '" + extra + "': write HEADER=EXPRESSION, e.g. AMI=ImageId");
    fields.push_back(make_field(extra.substr(0, equals), extra.substr(equals + 1)));
  }
  if (several_policies && !args.no_default_fields) fields.push_back(make_field("Policy", "policy"));
  if (fields.empty()) throw InputError("no columns: give --field HEADER=EXPRESSION");
  return fields;
}

// Python's str() of a value, as Cloud Custodian's report prints it.
std::string text_of(const Json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "True" : "False";
  return value.dump();
}

std::string cell(const Json& record, const Field& field) {
  if (!field.expression) {
    for (const Json& tag : record.value("Tags", Json::array()))
      if (tag.value("Key", "") == field.tag) return text_of(tag.value("Value", Json()));
    return "";
  }
  return text_of(field.expression->search(record));
}

// When the run wrote the file, as Python prints a datetime (Cloud Custodian's CustodianDate).
std::string file_date(const std::filesystem::path& path) {
  auto written = std::chrono::file_clock::to_sys(std::filesystem::last_write_time(path));
  auto micros = std::chrono::floor<std::chrono::microseconds>(written);
  return fmt::format("{:%Y-%m-%d %H:%M:%S}", micros);
}

// Every policy's matched resources, newest first, each id once (as Cloud Custodian reports).
std::vector<Json> load_records(const std::vector<policy::Policy>& policies,
                               const std::string& output_dir) {
  std::vector<Json> records;
  for (const auto& p : policies) {
    std::filesystem::path file = std::filesystem::path(output_dir) / p.name / "resources.json";
    if (!std::filesystem::exists(file)) {
      std::cerr << "note: no " << file.string() << " (has policy '" << p.name << "' run?)\n";
      continue;
    }
    Json resources = load_json(file.string());
    if (!resources.is_array())
      throw InputError(file.string() + ": expected a JSON list of resources");
    std::string date = file_date(file);
    for (Json& resource : resources) {
      resource["CustodianDate"] = date;
      resource["policy"] = p.name;
      records.push_back(std::move(resource));
    }
  }
  std::stable_sort(records.begin(), records.end(), [](const Json& a, const Json& b) {
    return a["CustodianDate"].get_ref<const std::string&>() >
           b["CustodianDate"].get_ref<const std::string&>();
  });
  const std::string& id_field = policies.front().resource->id_field;
  std::set<std::string> seen;
  std::erase_if(records, [&](const Json& r) {
    return !seen.insert(text_of(r.value(id_field, Json()))).second;
  });
  return records;
}

void print_table(const std::vector<Field>& fields,
                 const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& field : fields) widths.push_back(field.header.size());
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  auto print_row = [&](auto cell_at) {
    std::string line;
    for (std::size_t i = 0; i < fields.size(); ++i)
      line += fmt::format("{:<{}}", cell_at(i), i + 1 < fields.size() ? widths[i] + 2 : 0);
    std::cout << line << "\n";
  };
  print_row([&](std::size_t i) { return fields[i].header; });
  print_row([&](std::size_t i) { return std::string(widths[i], '-'); });
  for (const auto& row : rows) print_row([&](std::size_t i) { return row[i]; });
}

std::string csv_cell(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

void print_csv(const std::vector<Field>& fields,
               const std::vector<std::vector<std::string>>& rows) {
  auto print_row = [](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i)
      std::cout << (i ? "," : "") << csv_cell(cells[i]);
    std::cout << "\r\n";  // the excel dialect Cloud Custodian writes
  };
  std::vector<std::string> headers;
  for (const auto& field : fields) headers.push_back(field.header);
  print_row(headers);
  for (const auto& row : rows) print_row(row);
}

int report(const ReportArgs& args) {
  auto policies = load_policies(args.policy_file, args.policy_names);
  if (policies.empty()) throw InputError(args.policy_file + ": no policies to report on");
  std::set<std::string> types;
  for (const auto& p : policies) types.insert(p.resource->name);
  if (types.size() > 1)
    throw InputError(args.policy_file + ": its policies are of several resource types (" +
                     fmt::format("{}", fmt::join(types, ", ")) +
                     "); a report covers one: choose with --policy NAME");
  auto records = load_records(policies, args.output_dir);
  if (args.format == "json") {
    std::cout << Json(records).dump(2) << "\n";
    return 0;
  }
  auto fields = report_fields(args, *policies.front().resource, policies.size() > 1);
  std::vector<std::vector<std::string>> rows;
  for (const Json& record : records) {
    std::vector<std::string> row;
    for (const auto& field : fields) row.push_back(cell(record, field));
    rows.push_back(std::move(row));
  }
  if (args.format == "csv")
    print_csv(fields, rows);
  else
    print_table(fields, rows);
  return 0;
}

}  // namespace

void add_report(CLI::App& app, Command& selected) {
  auto args = std::make_shared<ReportArgs>();
  auto* command = app.add_subcommand(
      "report",
      "Tabulate what each policy matched in its last run (OUTDIR/<policy>/resources.json)");
  command->add_option("-s,--output-dir", args->output_dir, "the -s folder the policies ran with")
      ->required()
      ->check(CLI::ExistingDirectory);
  command->add_option("POLICY", args->policy_file, "policy file (YAML)")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_option("--policy,-p", args->policy_names,
                      "report only this policy of the file (repeat for more)");
  command->add_option("--format", args->format, "table, csv or json (the matched documents)")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  command->add_option("--field", args->fields,
                      "an extra column HEADER=EXPRESSION (JMESPath, or tag:NAME); repeatable");
  command->add_flag("--no-default-fields", args->no_default_fields, "only the --field columns");
  command->footer(
      "Columns: the resource type's usual fields (EC2: CustodianDate, InstanceId, tag:Name,\n"
      "InstanceType, LaunchTime, VpcId, PrivateIpAddress), as Cloud Custodian's report; with\n"
      "several policies, a Policy column. Each resource is listed once, newest run first.\n"
      "Examples:\n"
      "  custos run -s out policy.yml && custos report -s out policy.yml\n"
      "  custos report -s out policy.yml --format csv --field AMI=ImageId > matched.csv\n"
      "Exit codes: 0 done, 2 bad input (policy file, unreadable resources.json, field).");
  command->callback([&selected, args] { selected = [args] { return report(*args); }; });
}

}  // namespace custos::cli
