// Hashes of bytes, as lower-case hex: SHA-256 for the incident journal's hash chain and
// CloudTrail digests, MD5 for CloudTrail's public key fingerprints.
#pragma once

#include <string>
#include <string_view>

namespace custos {

std::string sha256_hex(std::string_view bytes);
std::string md5_hex(std::string_view bytes);

}  // namespace custos
