// SHA-256 of bytes, as lower-case hex: the incident journal's hash chain, CloudTrail digests.
#pragma once

#include <string>
#include <string_view>

namespace custos {

std::string sha256_hex(std::string_view bytes);

}  // namespace custos
