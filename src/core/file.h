// Reading a whole file: every caller words its own error, so absence is a value, not a throw.
#pragma once

#include <optional>
#include <string>

namespace custos {

// The file's bytes, or nullopt when it cannot be opened.
std::optional<std::string> read_file(const std::string& path);

}  // namespace custos
