#include "policy/source.h"
#include "core/file.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>

#include "policy/regex.h"

namespace custos::policy {

std::string Location::str() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

PolicyError::PolicyError(const Location& where, const std::string& message)
    : InputError(where.str() + ": " + message), where_(where) {}

// yaml-cpp's nodes keep their marks; JSON keeps none, so positions go in a side table.
struct YamlConverter {
  SourceDocument& doc;

  Location at(const YAML::Mark& mark) const {
    if (mark.is_null()) return Location{doc.file_, 1, 1};  // an empty document
    return Location{doc.file_, mark.line + 1, mark.column + 1};
  }

  SourceDocument::Position position(const YAML::Mark& mark) const {
    Location where = at(mark);
    return {where.line, where.column};
  }

  Json convert(const YAML::Node& node, const Json::json_pointer& pointer) {
    doc.positions_[pointer.to_string()] = position(node.Mark());
    switch (node.Type()) {
      case YAML::NodeType::Map:
        return mapping(node, pointer);
      case YAML::NodeType::Sequence: {
        Json array = Json::array();
        for (std::size_t i = 0; i < node.size(); ++i)
          array.push_back(convert(node[i], pointer / i));
        return array;
      }
      case YAML::NodeType::Scalar:
        return scalar(node);
      default:
        return nullptr;
    }
  }

  Json mapping(const YAML::Node& node, const Json::json_pointer& pointer) {
    Json object = Json::object();
    for (const auto& entry : node)  // merged first, so that the keys written here win
      if (is_merge_key(entry.first)) merge(entry.second, pointer, object);
    std::set<std::string> written;
    for (const auto& entry : node) {
      if (is_merge_key(entry.first)) continue;
      if (!entry.first.IsScalar())
        throw PolicyError(at(entry.first.Mark()), "mapping keys must be plain strings");
      const std::string& key = entry.first.Scalar();
      if (!written.insert(key).second)
        throw PolicyError(at(entry.first.Mark()), "duplicate key '" + key + "'");
      object[key] = convert(entry.second, pointer / key);
      doc.key_positions_[(pointer / key).to_string()] = position(entry.first.Mark());
    }
    doc.positions_[pointer.to_string()] = position(node.Mark());  // merge() recorded its source's
    return object;
  }

  static bool is_merge_key(const YAML::Node& key) {
    return key.IsScalar() && key.Tag() == "?" && key.Scalar() == "<<";
  }

  // YAML's merge key, which PyYAML applies (<<: *defaults, or <<: [*a, *b] where the
  // earlier mappings win); yaml-cpp leaves it as a plain "<<" key.
  void merge(const YAML::Node& source, const Json::json_pointer& pointer, Json& object) {
    if (source.IsSequence()) {
      for (std::size_t i = source.size(); i-- > 0;) merge(source[i], pointer, object);
      return;
    }
    if (!source.IsMap())
      throw PolicyError(at(source.Mark()), "'<<' merges a mapping or a list of mappings");
    object.update(convert(source, pointer));
  }

  // YAML 1.1 core types as PyYAML (Cloud Custodian's loader) resolves plain scalars.
  static Json scalar(const YAML::Node& node) {
    const std::string& text = node.Scalar();
    if (node.Tag() != "?") return text;  // quoted: always a string
    if (text == "~" || text == "null" || text == "Null" || text == "NULL" || text.empty())
      return nullptr;
    static const char* truths[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"};
    static const char* falses[] = {"false", "False", "FALSE", "no", "No",
                                   "NO",    "off",   "Off",   "OFF"};
    for (const char* t : truths)
      if (text == t) return true;
    for (const char* f : falses)
      if (text == f) return false;
    return number(text).value_or(Json(text));
  }

  // PyYAML's YAML 1.1 int and float forms: 0x1f, 017 (octal), 0b11, 1_000 and 1:30 (base 60)
  // are numbers, while 1e5 and 012345678901 (an account id) stay strings.
  static std::optional<Json> number(const std::string& text) {
    static const Regex int_form(R"([-+]?(?:0b[0-1_]+|0[0-7_]+|0|[1-9][0-9_]*|0x[0-9a-fA-F_]+)"
                                R"(|[1-9][0-9_]*(?::[0-5]?[0-9])+)\z)",
                                false);
    static const Regex float_form(
        R"((?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?)"
        R"(|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*)"
        R"(|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\z)",
        false);
    bool is_int = int_form.match_start(text);
    if (!is_int && !float_form.match_start(text)) return std::nullopt;
    std::string digits;
    for (char c : text)
      if (c != '_') digits += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    double sign = digits[0] == '-' ? -1 : 1;
    if (digits[0] == '-' || digits[0] == '+') digits.erase(0, 1);
    if (!is_int) return Json(sign * real(digits));
    if (digits.find(':') != std::string::npos)
      return Json(static_cast<std::int64_t>(sign * sexagesimal(digits)));
    return integer(digits, sign < 0);
  }

  static Json integer(const std::string& digits, bool negative) {
    int base = 10;
    std::size_t skip = 0;
    if (digits.rfind("0b", 0) == 0 || digits.rfind("0x", 0) == 0) {
      base = digits[1] == 'b' ? 2 : 16;
      skip = 2;
    } else if (digits.size() > 1 && digits[0] == '0') {
      base = 8;
      skip = 1;
    }
    std::int64_t value = 0;
    auto [end, error] =
        std::from_chars(digits.data() + skip, digits.data() + digits.size(), value, base);
    if (error == std::errc::result_out_of_range) {  // Python's ints are unbounded: nearest double
      double big = 0;
      for (char c : digits.substr(skip))
        big = big * base + (std::isdigit(c) ? c - '0' : c - 'a' + 10);
      return Json(negative ? -big : big);
    }
    return Json(negative ? -value : value);
  }

  static double real(const std::string& digits) {
    if (digits == ".inf") return std::numeric_limits<double>::infinity();
    if (digits == ".nan") return std::numeric_limits<double>::quiet_NaN();
    if (digits.find(':') != std::string::npos) return sexagesimal(digits);
    return std::stod(digits);
  }

  // 1:30:05 is (1 * 60 + 30) * 60 + 5.
  static double sexagesimal(const std::string& digits) {
    double value = 0;
    for (std::size_t start = 0;;) {
      std::size_t colon = digits.find(':', start);
      value = value * 60 + std::stod(digits.substr(start, colon - start));
      if (colon == std::string::npos) return value;
      start = colon + 1;
    }
  }
};

SourceDocument SourceDocument::parse(const std::string& text, const std::string& file_name) {
  SourceDocument doc;
  doc.file_ = file_name;
  YAML::Node node;
  try {
    node = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw PolicyError(Location{file_name, e.mark.line + 1, e.mark.column + 1},
                      "invalid YAML: " + e.msg);
  }
  YamlConverter converter{doc};
  doc.root_ = converter.convert(node, Json::json_pointer());
  return doc;
}

SourceDocument SourceDocument::load_file(const std::string& path) {
  auto text = read_file(path);
  if (!text) throw InputError(path + ": cannot read the policy file (check the path)");
  return parse(*text, path);
}

Location SourceDocument::locate(const Json::json_pointer& pointer, bool key) const {
  if (key) {
    auto found = key_positions_.find(pointer.to_string());
    if (found != key_positions_.end())
      return Location{file_, found->second.first, found->second.second};
  }
  for (auto p = pointer;; p = p.parent_pointer()) {
    auto found = positions_.find(p.to_string());
    if (found != positions_.end())
      return Location{file_, found->second.first, found->second.second};
    if (p.empty()) return Location{file_, 1, 1};
  }
}

}  // namespace custos::policy
