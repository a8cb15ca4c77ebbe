// ASCII case: AWS names and headers, and the values Cloud Custodian lower-cases, compare without
// regard to ASCII case, never by the process's locale.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

namespace custos {

constexpr char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// Equal but for ASCII case.
inline bool iequals(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

// `text` in ASCII lower case (Python's str.lower() on the ASCII names c7n lower-cases).
inline std::string lowercase(std::string text) {
  std::ranges::transform(text, text.begin(), ascii_lower);
  return text;
}

}  // namespace custos
