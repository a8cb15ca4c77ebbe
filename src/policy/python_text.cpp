#include "policy/python_text.h"

#include "core/error.h"

namespace custos::policy {
namespace {

// Python's repr() of a string: single quotes unless the text has one and no double quote.
std::string python_repr(const std::string& text) {
  char quote =
      text.find('\'') != std::string::npos && text.find('"') == std::string::npos ? '"' : '\'';
  std::string out(1, quote);
  for (char c : text) {
    if (c == '\\' || c == quote) out += '\\';
    if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else if (c == '\r')
      out += "\\r";
    else
      out += c;
  }
  return out + quote;
}

std::string python_item(const Json& value) {
  return value.is_string() ? python_repr(value.get<std::string>()) : python_str(value);
}

}  // namespace

std::string python_str(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      return "None";
    case Json::value_t::boolean:
      return value.get<bool>() ? "True" : "False";
    case Json::value_t::string:
      return value.get<std::string>();
    case Json::value_t::array: {
      std::string out = "[";
      for (const Json& item : value) out += (out.size() > 1 ? ", " : "") + python_item(item);
      return out + "]";
    }
    case Json::value_t::object: {
      std::string out = "{";
      for (const auto& [key, item] : value.items())
        out += (out.size() > 1 ? ", " : "") + python_repr(key) + ": " + python_item(item);
      return out + "}";
    }
    default:  // numbers: nlohmann prints floats as Python's repr does (1.0, 1e+16)
      return value.dump();
  }
}

std::string python_format(std::string_view text, const FormatField& field) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool doubled = i + 1 < text.size() && text[i + 1] == c;
    if ((c == '{' || c == '}') && doubled) {
      out += c;
      ++i;
      continue;
    }
    if (c == '}') throw InputError("single '}' in template '" + std::string(text) + "'");
    if (c != '{') {
      out += c;
      continue;
    }
    std::size_t end = text.find('}', i);
    if (end == std::string_view::npos)
      throw InputError("unclosed '{' in template '" + std::string(text) + "'");
    std::string inside(text.substr(i + 1, end - i - 1));
    std::size_t colon = inside.find(':');
    std::string name = inside.substr(0, colon);
    if (name.empty())
      throw InputError("empty field {} in template '" + std::string(text) +
                       "' (name it, e.g. {op})");
    out += field(name, colon == std::string::npos ? "" : inside.substr(colon + 1));
    i = end;
  }
  return out;
}

}  // namespace custos::policy
