#include "aws/ini.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "core/error.h"
#include "core/file.h"

namespace custos::aws {
namespace {

constexpr std::string_view kSpace = " \t\r\n\f\v";
constexpr std::string_view kDefaultSection = "DEFAULT";  // configparser's inherited section

std::string_view trim(std::string_view s) {
  auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

// A value as read, before configparser joins its lines.
struct RawValue {
  std::vector<std::string> lines;
  std::vector<int> line_numbers;
};

struct RawSection {
  std::string name;
  std::vector<std::pair<std::string, RawValue>> options;  // file order
};

// Messages never quote a line: credentials files hold secrets.
class Parser {
 public:
  explicit Parser(std::string_view display_name) : display_name_(display_name) {}

  void line(std::string_view text, int number) {
    const auto content = trim(text);
    if (content.empty() || content.front() == '#' || content.front() == ';') {
      // Blank lines belong to the value being read; comment lines are dropped.
      if (content.empty() && value_ != nullptr) {
        value_->lines.emplace_back();
        value_->line_numbers.push_back(number);
      }
      return;
    }
    const auto indent = static_cast<int>(text.find_first_not_of(kSpace));
    if (value_ != nullptr && indent > indent_) {
      value_->lines.emplace_back(content);
      value_->line_numbers.push_back(number);
      return;
    }
    indent_ = indent;
    if (content.front() == '[' && content.find(']', 2) != std::string_view::npos) {
      section(content.substr(1, content.rfind(']') - 1), number);
    } else {
      option(content, number);
    }
  }

  std::vector<RawSection> finish() { return std::move(sections_); }

  [[noreturn]] void fail(int number, const std::string& what) const {
    throw InputError(std::string(display_name_) + ":" + std::to_string(number) + ": " + what);
  }

 private:
  void section(std::string_view name, int number) {
    value_ = nullptr;
    auto it = std::find_if(sections_.begin(), sections_.end(),
                           [&](const RawSection& s) { return s.name == name; });
    if (it == sections_.end()) {
      current_ = &sections_.emplace_back(RawSection{std::string(name), {}});
    } else if (name == kDefaultSection) {
      current_ = &*it;
    } else {
      fail(number, "duplicate section [" + std::string(name) + "]; merge the two sections");
    }
  }

  void option(std::string_view content, int number) {
    if (current_ == nullptr) fail(number, "'key = value' line before any [section] header");
    const auto delimiter = content.find_first_of("=:");
    if (delimiter == std::string_view::npos) {
      fail(number, "expected 'key = value' or a [section] header");
    }
    const auto key = ascii_lower(trim(content.substr(0, delimiter)));
    if (key.empty()) {
      fail(number, "a key name is missing before '" + std::string(1, content[delimiter]) + "'");
    }
    auto& options = current_->options;
    if (std::any_of(options.begin(), options.end(),
                    [&](const auto& o) { return o.first == key; })) {
      fail(number, "duplicate key '" + key + "' in [" + current_->name + "]");
    }
    auto& raw = options.emplace_back(key, RawValue{}).second;
    raw.lines.emplace_back(trim(content.substr(delimiter + 1)));
    raw.line_numbers.push_back(number);
    value_ = &raw;
  }

  std::string_view display_name_;
  std::vector<RawSection> sections_;
  // Both are set again right after their vectors grow, so they never dangle.
  RawSection* current_ = nullptr;
  RawValue* value_ = nullptr;
  int indent_ = 0;
};

// configparser joins a value's lines with newlines and drops trailing blank ones.
std::string join(const RawValue& raw) {
  std::string out = raw.lines.front();
  for (std::size_t i = 1; i < raw.lines.size(); ++i) out += "\n" + raw.lines[i];
  out.erase(out.find_last_not_of(kSpace) + 1);
  return out;
}

// botocore reads `key =` followed by indented `name = value` lines as a sub-section.
std::map<std::string, std::string> parse_nested(const RawValue& raw, const std::string& key,
                                                const Parser& parser) {
  std::map<std::string, std::string> nested;
  for (std::size_t i = 1; i < raw.lines.size(); ++i) {
    const auto line = trim(raw.lines[i]);
    if (line.empty()) continue;
    const auto equals = line.find('=');
    if (equals == std::string_view::npos) {
      parser.fail(raw.line_numbers[i], "expected 'name = value' in the block under '" + key + "'");
    }
    nested[std::string(trim(line.substr(0, equals)))] = trim(line.substr(equals + 1));
  }
  return nested;
}

IniSection build(const RawSection& raw, const Parser& parser) {
  IniSection section{raw.name, {}, {}};
  for (const auto& [key, value] : raw.options) {
    auto text = join(value);
    if (value.lines.front().empty() && !text.empty()) {
      section.subsections[key] = parse_nested(value, key, parser);
    } else {
      section.values[key] = std::move(text);
    }
  }
  return section;
}

// Keys of [DEFAULT] appear in every section that does not set them.
void inherit_defaults(IniFile& file) {
  auto defaults = std::find_if(file.begin(), file.end(),
                               [](const IniSection& s) { return s.name == kDefaultSection; });
  if (defaults == file.end()) return;
  IniSection inherited = std::move(*defaults);
  file.erase(defaults);
  for (auto& section : file) {
    for (const auto& [key, value] : inherited.values) {
      if (!section.subsections.contains(key)) section.values.emplace(key, value);
    }
    for (const auto& [key, nested] : inherited.subsections) {
      if (!section.values.contains(key)) section.subsections.emplace(key, nested);
    }
  }
}

// Section titles are split like a shell command line, as botocore does with shlex.
std::vector<std::string> words(std::string_view title) {
  std::vector<std::string> out;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (char c : title) {
    if (quote != 0 && c == quote) {
      quote = 0;
    } else if (quote == 0 && (c == '"' || c == '\'')) {
      quote = c;
      in_word = true;
    } else if (quote == 0 && std::isspace(static_cast<unsigned char>(c))) {
      if (in_word) out.push_back(std::exchange(word, {}));
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quote != 0) return {};  // unbalanced quotes: botocore skips the section
  if (in_word) out.push_back(word);
  return out;
}

}  // namespace

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

const std::string* IniSection::find(std::string_view key) const {
  auto it = values.find(std::string(key));
  return it == values.end() ? nullptr : &it->second;
}

bool is_titled(const IniSection& section, std::string_view kind, std::string_view name) {
  auto parts = words(section.name);
  return parts.size() == 2 && parts[0] == kind && parts[1] == name;
}

IniFile parse_ini(std::string_view text, std::string_view display_name) {
  Parser parser(display_name);
  int number = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    parser.line(text.substr(0, end), ++number);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
  }
  IniFile file;
  for (const auto& raw : parser.finish()) file.push_back(build(raw, parser));
  inherit_defaults(file);
  return file;
}

std::optional<IniFile> read_ini(const std::string& path, std::string_view display_name) {
  auto text = read_file(path);
  if (!text) return std::nullopt;
  return parse_ini(*text, display_name);
}

}  // namespace custos::aws
