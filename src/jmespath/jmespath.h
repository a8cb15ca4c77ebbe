// JMESPath (jmespath.org): compile a query once, evaluate it on many JSON documents; resource
// filters and `value_from`/`key` lookups in policies use it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/json.h"

namespace custos::jmespath {

// A bad expression. kind() is the compliance-suite name: "syntax", "invalid-type",
// "invalid-arity", "unknown-function" or "invalid-value".
class Error : public InputError {
 public:
  Error(std::string kind, const std::string& message);
  const std::string& kind() const noexcept { return kind_; }

 private:
  std::string kind_;
};

namespace detail {
struct Node;
}

// A compiled expression: immutable, cheap to copy, safe to search from many threads at once.
class Expression {
 public:
  // Throws Error (syntax errors name the 0-based column; unknown functions and wrong argument
  // counts are caught here too).
  static Expression compile(std::string_view text);

  // The result for `doc` (null when nothing matches). Throws Error on type errors.
  Json search(const Json& doc) const;

  // For pure field/index chains (`State.Name`, `a[0].b`): the matching node inside `doc`, or
  // nullptr when it is missing. Always nullptr when !is_path(); use search() then.
  const Json* find_path(const Json& doc) const;
  bool is_path() const noexcept { return is_path_; }
  // The steps of a path expression, for lookups in other document forms: each a field name
  // or an array index (negative: from the end). Empty when !is_path() or for `@`.
  struct Step {
    std::string field;
    std::optional<std::int64_t> index;
  };
  std::vector<Step> path() const;

  const std::string& text() const noexcept { return *text_; }

 private:
  Expression(std::shared_ptr<const std::string> text, std::shared_ptr<const detail::Node> root);

  std::shared_ptr<const std::string> text_;
  std::shared_ptr<const detail::Node> root_;
  bool is_path_;
};

// The items a path of names and flattens ("Reservations[].Instances[]", "Stacks") selects from
// `doc` (the elements of the list search() gives), moved out of it rather than copied: a listing
// page of 1,000 instances is megabytes. nullopt, with `doc` untouched, for any other expression
// or where `doc` is not the shape it expects (a missing key, a null or a nested list): search()
// gives JMESPath's answer there.
std::optional<std::vector<Json>> take_items(std::string_view expression, Json& doc);

}  // namespace custos::jmespath
