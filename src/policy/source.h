// Policy text as data: YAML converted to JSON, remembering where each value was written so
// every error can say file:line:col.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/json.h"

namespace custos::policy {

struct Location {
  std::string file;
  int line = 0;    // 1-based
  int column = 0;  // 1-based
  std::string str() const;
};

// A policy document and the position of every value in it. Move-only: positions are kept by
// the address of each value, which a move keeps and a copy would not.
class SourceDocument {
 public:
  // Throws PolicyError (with file:line:col) on unreadable files and YAML syntax errors.
  static SourceDocument load_file(const std::string& path);
  static SourceDocument parse(const std::string& text, const std::string& file_name);

  SourceDocument(SourceDocument&&) noexcept = default;
  SourceDocument& operator=(SourceDocument&&) noexcept = default;

  const Json& root() const { return *root_; }
  // Where the value at `pointer` was written (or, with `key`, the mapping key naming it);
  // falls back to its nearest existing parent.
  Location locate(const Json::json_pointer& pointer, bool key = false) const;
  // The same for `value`, which must be a value inside root().
  Location locate(const Json& value, bool key = false) const;
  // The pointer to `value`, a value inside root() (built on demand: errors and the rare
  // check that needs a path).
  Json::json_pointer pointer_to(const Json& value) const;

 private:
  SourceDocument() = default;
  // Line and column of a value and of the key naming it (its own position when none does).
  struct Written {
    const Json* value;
    const Json* parent;  // null for the root
    int line, column, key_line, key_column;
  };
  const Written& written(const Json& value) const;

  std::string file_;
  std::unique_ptr<Json> root_;      // on the heap, so that its address survives moves
  std::vector<Written> positions_;  // sorted by value address
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
