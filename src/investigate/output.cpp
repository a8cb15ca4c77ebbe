#include "investigate/output.h"

#include "core/error.h"

namespace custos::investigate {

OutputFormat output_format(const std::string& name) {
  if (name == "table") return OutputFormat::kTable;
  if (name == "json") return OutputFormat::kJson;
  if (name == "jsonl") return OutputFormat::kJsonl;
  if (name == "csv") return OutputFormat::kCsv;
  throw InputError("--format " + name + ": write table, json, jsonl or csv");
}

void csv_field(std::string_view text, std::string& out) {
  out += '"';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void table_cell(std::string_view text, std::size_t width, std::string& out) {
  if (text.size() > width) {
    out.append(text.substr(0, width - 1));
    out += '~';
  } else {
    out.append(text);
    out.append(width - text.size(), ' ');
  }
  out += ' ';
}

}  // namespace custos::investigate
