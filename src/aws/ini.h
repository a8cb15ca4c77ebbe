// INI files as botocore reads ~/.aws/config and ~/.aws/credentials: Python configparser's rules
// (strict, '=' or ':', # and ; comments, continuation lines) plus indented sub-sections.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace custos::aws {

struct IniSection {
  std::string name;
  std::map<std::string, std::string> values;  // keys lower-cased, as configparser does
  // `s3 =` followed by indented `key = value` lines.
  std::map<std::string, std::map<std::string, std::string>> subsections;

  // The value of `key`, or nullptr.
  const std::string* find(std::string_view key) const;
};

// ASCII lower case, as configparser folds key names.
std::string ascii_lower(std::string_view text);

// Whether `section` is titled `kind name` ([profile dev], [services local]), the title split
// like a shell command line as botocore does with shlex.
bool is_titled(const IniSection& section, std::string_view kind, std::string_view name);

// Sections in file order.
using IniFile = std::vector<IniSection>;

// Throws custos::InputError "<display_name>:<line>: ..." on a syntax error.
IniFile parse_ini(std::string_view text, std::string_view display_name);

// nullopt when `path` does not exist (as botocore ignores missing files).
std::optional<IniFile> read_ini(const std::string& path, std::string_view display_name);

}  // namespace custos::aws
