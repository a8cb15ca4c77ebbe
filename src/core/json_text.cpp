#include "core/json_text.h"

#include <utility>

namespace custos {

namespace {

// The 1-based line and column of nlohmann's parse error within `text`.
std::pair<int, int> error_position(std::string_view text, const Json::parse_error& error) {
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
  return {line, column};
}

}  // namespace

JsonTextError::JsonTextError(int line, int column, const std::string& detail)
    : InputError(std::to_string(line) + ":" + std::to_string(column) + ": invalid JSON: " + detail),
      line_(line),
      column_(column),
      detail_(detail) {}

JsonTextError locate_json_error(std::string_view text, const std::string& fallback_detail) {
  try {
    // The callback drops every value: only whether and where parsing fails matters here.
    const Json dropped = Json::parse(text.begin(), text.end(),
                                     [](int, Json::parse_event_t, Json&) { return false; });
  } catch (const Json::parse_error& e) {
    auto [line, column] = error_position(text, e);
    return JsonTextError(line, column, e.what());
  } catch (const Json::out_of_range& e) {  // a number beyond a double: nlohmann has no position
    return JsonTextError(1, 1, e.what());
  }
  return JsonTextError(1, 1, fallback_detail);
}

std::string json_parse_message(const std::string& name, const std::string& text,
                               const Json::parse_error& error, const std::string& what) {
  auto [line, column] = error_position(text, error);
  return name + ":" + std::to_string(line) + ":" + std::to_string(column) + ": invalid JSON" +
         (what.empty() ? "" : " in " + what) + ": " + error.what();
}

Json parse_json_text(const std::string& text, const std::string& name, const std::string& what) {
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw InputError(json_parse_message(name, text, e, what));
  } catch (const Json::out_of_range& e) {  // a number beyond a double: nlohmann has no position
    throw InputError(name + ": invalid JSON" + (what.empty() ? "" : " in " + what) + ": " +
                     e.what());
  }
}

}  // namespace custos
