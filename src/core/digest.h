// Hashes of bytes, as lower-case hex: SHA-256 for the incident journal's hash chain and
// CloudTrail digests, MD5 for CloudTrail's public key fingerprints.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace custos {

std::string sha256_hex(std::string_view bytes);

// SHA-256 of bytes given in parts (a file read a piece at a time).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  void update(std::string_view bytes);
  std::string hex();  // of everything given; then it starts again

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};
std::string md5_hex(std::string_view bytes);

}  // namespace custos
