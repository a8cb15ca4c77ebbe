#include "core/json_text.h"

namespace custos {

std::string json_parse_message(const std::string& name, const std::string& text,
                               const Json::parse_error& error, const std::string& what) {
  // nlohmann counts bytes from 1 and stops just past the bad token.
  std::size_t offset = error.byte > 0 ? error.byte - 1 : 0;
  int line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return name + ":" + std::to_string(line) + ":" + std::to_string(column) + ": invalid JSON" +
         (what.empty() ? "" : " in " + what) + ": " + error.what();
}

}  // namespace custos
