// Where a JSON document failed to parse, said as a person fixing the file wants it.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "core/json.h"

namespace custos {

// Text that is not valid JSON: where (1-based, within the text parsed) and nlohmann's detail.
// Whoever knows the file and where the text sat in it turns this into FILE:LINE:COL.
class JsonTextError : public InputError {
 public:
  JsonTextError(int line, int column, const std::string& detail);
  int line() const { return line_; }
  int column() const { return column_; }
  const std::string& detail() const { return detail_; }

 private:
  int line_, column_;
  std::string detail_;
};

// The error to report for `text`, which a faster parser rejected with `fallback_detail`:
// nlohmann parses it again for a position and a detail a person can act on (when nlohmann
// accepts it after all, the error is at 1:1 with `fallback_detail`).
JsonTextError locate_json_error(std::string_view text, const std::string& fallback_detail);

// "NAME:LINE:COL: invalid JSON[ in WHAT]: DETAIL" for nlohmann's `error` while parsing `text`.
std::string json_parse_message(const std::string& name, const std::string& text,
                               const Json::parse_error& error, const std::string& what = "");

// `text` parsed as JSON, any error (bad syntax, or a number beyond a double) an InputError:
// "NAME:LINE:COL: invalid JSON[ in WHAT]: DETAIL".
Json parse_json_text(const std::string& text, const std::string& name,
                     const std::string& what = "");

}  // namespace custos
