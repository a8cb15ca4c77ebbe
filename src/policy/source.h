// Policy text as data: YAML converted to JSON, remembering where each value was written so
// every error can say file:line:col.
#pragma once

#include <string>
#include <unordered_map>

#include "core/error.h"
#include "core/json.h"

namespace custos::policy {

struct Location {
  std::string file;
  int line = 0;    // 1-based
  int column = 0;  // 1-based
  std::string str() const;
};

// A policy document and the position of every value in it, keyed by JSON pointer.
class SourceDocument {
 public:
  // Throws PolicyError (with file:line:col) on unreadable files and YAML syntax errors.
  static SourceDocument load_file(const std::string& path);
  static SourceDocument parse(const std::string& text, const std::string& file_name);

  const Json& root() const { return root_; }
  // Where the value at `pointer` was written (or, with `key`, the mapping key naming it);
  // falls back to its nearest located parent.
  Location locate(const Json::json_pointer& pointer, bool key = false) const;

 private:
  std::string file_;
  Json root_;
  // line and column only: the file name is the same for all, and copying it per value costs.
  using Position = std::pair<int, int>;
  std::unordered_map<std::string, Position> positions_;
  std::unordered_map<std::string, Position> key_positions_;
  friend struct YamlConverter;
};

// A policy the user must fix: message prefixed with file:line:col (and the policy's name).
class PolicyError : public InputError {
 public:
  PolicyError(const Location& where, const std::string& message);
  const Location& where() const { return where_; }

 private:
  Location where_;
};

}  // namespace custos::policy
