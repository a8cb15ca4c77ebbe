// Regular expressions as policies write them (Python `re` syntax, lookaround included),
// compiled once with PCRE2's JIT.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace custos::policy {

class Regex {
 public:
  // Throws custos::InputError with PCRE2's reason and offset when the pattern is invalid.
  Regex(const std::string& pattern, bool ignore_case);
  ~Regex();
  Regex(Regex&&) noexcept;
  Regex& operator=(Regex&&) noexcept;

  // Python's re.match: the pattern must match at the start of `text` (not necessarily the end).
  bool match_start(std::string_view text) const;
  // The text of the first capturing group of re.match; nullopt when there is no match or the
  // group took no part in it.
  std::optional<std::string_view> first_group(std::string_view text) const;
  int capture_count() const;

 private:
  struct Compiled;
  std::unique_ptr<Compiled> compiled_;
};

}  // namespace custos::policy
