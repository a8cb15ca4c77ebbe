#include "core/digest.h"

#include <openssl/evp.h>

#include "core/error.h"

namespace custos {
namespace {

std::string hex_digest(std::string_view bytes, const EVP_MD* type, const char* name) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &size, type, nullptr) != 1)
    throw Error(std::string("OpenSSL could not compute a ") + name + " digest");
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    hex += kDigits[digest[i] >> 4];
    hex += kDigits[digest[i] & 15];
  }
  return hex;
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  return hex_digest(bytes, EVP_sha256(), "SHA-256");
}

std::string md5_hex(std::string_view bytes) { return hex_digest(bytes, EVP_md5(), "MD5"); }

}  // namespace custos
