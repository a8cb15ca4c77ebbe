// Where a JSON document failed to parse, said as a person fixing the file wants it.
#pragma once

#include <string>

#include "core/json.h"

namespace custos {

// "NAME:LINE:COL: invalid JSON[ in WHAT]: DETAIL" for nlohmann's `error` while parsing `text`.
std::string json_parse_message(const std::string& name, const std::string& text,
                               const Json::parse_error& error, const std::string& what = "");

}  // namespace custos
