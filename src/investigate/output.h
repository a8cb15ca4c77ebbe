// The forms investigate writes matching records in, CloudTrail's and flow logs' alike: a table
// for a person at a terminal, the records as a JSON list or JSON lines, or CSV for a spreadsheet.
#pragma once

#include <string>
#include <string_view>

namespace custos::investigate {

enum class OutputFormat { kTable, kJson, kJsonl, kCsv };

// Throws InputError for a name other than table, json, jsonl, csv.
OutputFormat output_format(const std::string& name);

// Appends `text` to `out` as one quoted CSV field (RFC 4180).
void csv_field(std::string_view text, std::string& out);

// Appends `text` cut or padded to `width` display cells and a space (ASCII assumed; other bytes
// count as one cell each, which at worst makes a row short). A cut text ends in '~'.
void table_cell(std::string_view text, std::size_t width, std::string& out);

}  // namespace custos::investigate
