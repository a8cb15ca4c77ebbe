// zlib's inflate over a whole buffer: zlib-wrapped data (Python's zlib.compress, notify's
// messages) or gzip (EC2 user data).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace custos::resources {

enum class Wrapping { kZlib, kGzip };

// The inflated bytes; nullopt when the data is damaged or cut short.
std::optional<std::string> inflate_all(std::string_view compressed, Wrapping wrapping);

}  // namespace custos::resources
