#include "core/digest.h"

#include <openssl/evp.h>

#include "core/error.h"

namespace custos {
namespace {

[[noreturn]] void failed(const char* name) {
  throw Error(std::string("OpenSSL could not compute a ") + name + " digest");
}

std::string to_hex(const unsigned char* digest, unsigned int size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    hex += kDigits[digest[i] >> 4];
    hex += kDigits[digest[i] & 15];
  }
  return hex;
}

std::string hex_digest(std::string_view bytes, const EVP_MD* type, const char* name) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &size, type, nullptr) != 1) failed(name);
  return to_hex(digest, size);
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  return hex_digest(bytes, EVP_sha256(), "SHA-256");
}

struct Sha256::Context {
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  Context() {
    if (!context || EVP_DigestInit_ex(context, EVP_sha256(), nullptr) != 1) failed("SHA-256");
  }
  ~Context() { EVP_MD_CTX_free(context); }
};

Sha256::Sha256() : context_(std::make_unique<Context>()) {}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(std::string_view bytes) {
  if (EVP_DigestUpdate(context_->context, bytes.data(), bytes.size()) != 1) failed("SHA-256");
}

std::string Sha256::hex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(context_->context, digest, &size) != 1 ||
      EVP_DigestInit_ex(context_->context, EVP_sha256(), nullptr) != 1)
    failed("SHA-256");
  return to_hex(digest, size);
}

std::string md5_hex(std::string_view bytes) { return hex_digest(bytes, EVP_md5(), "MD5"); }

}  // namespace custos
