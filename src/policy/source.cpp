#include "policy/source.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

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
    return Location{doc.file_, mark.line + 1, mark.column + 1};
  }

  Json convert(const YAML::Node& node, const Json::json_pointer& pointer) {
    doc.positions_[pointer.to_string()] = at(node.Mark());
    switch (node.Type()) {
      case YAML::NodeType::Map: {
        Json object = Json::object();
        for (const auto& entry : node) {
          if (!entry.first.IsScalar())
            throw PolicyError(at(entry.first.Mark()), "mapping keys must be plain strings");
          const std::string& key = entry.first.Scalar();
          if (object.contains(key))
            throw PolicyError(at(entry.first.Mark()), "duplicate key '" + key + "'");
          object[key] = convert(entry.second, pointer / key);
          doc.key_positions_[(pointer / key).to_string()] = at(entry.first.Mark());
        }
        return object;
      }
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

  static std::optional<Json> number(const std::string& text) {
    std::size_t used = 0;
    try {
      if (text.find_first_of(".eE") == std::string::npos) {
        long long value = std::stoll(text, &used, 10);
        if (used == text.size()) return Json(value);
      } else if (text.find_first_not_of("0123456789+-.eE") == std::string::npos) {
        double value = std::stod(text, &used);
        if (used == text.size()) return Json(value);
      }
    } catch (const std::exception&) {
    }
    return std::nullopt;
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
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot read the policy file (check the path)");
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

Location SourceDocument::locate(const Json::json_pointer& pointer, bool key) const {
  if (key) {
    auto found = key_positions_.find(pointer.to_string());
    if (found != key_positions_.end()) return found->second;
  }
  for (auto p = pointer;; p = p.parent_pointer()) {
    auto found = positions_.find(p.to_string());
    if (found != positions_.end()) return found->second;
    if (p.empty()) return Location{file_, 1, 1};
  }
}

}  // namespace custos::policy
