// The public keys CloudTrail signs digest files with, found by fingerprint (the MD5 of the key's
// DER PKCS#1 RSAPublicKey, as digestPublicKeyFingerprint and ListPublicKeys name it), and the
// check of a digest's SHA256withRSA signature.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/json.h"

namespace custos::aws {
class Client;
}

namespace custos::investigate {

enum class SignatureCheck { kValid, kInvalid, kNoKey, kUnsupported };

class PublicKeys {
 public:
  PublicKeys();
  ~PublicKeys();
  PublicKeys(PublicKeys&&) noexcept;
  PublicKeys& operator=(PublicKeys&&) noexcept;

  // A PEM file of one or more public keys ("PUBLIC KEY" or "RSA PUBLIC KEY"), or the JSON
  // `aws cloudtrail list-public-keys` prints. Throws InputError naming the file.
  void add_file(const std::string& path);
  // A ListPublicKeys answer (each Value base64, as custos's client gives blobs).
  void add_listed(const Json& answer, const std::string& source);
  // CloudTrail's keys for digests of `region` signed in [start, end] (ISO 8601 times).
  void add_from_cloudtrail(const aws::Client& client, const std::string& region,
                           const std::string& start, const std::string& end);

  bool has(const std::string& fingerprint) const;
  std::size_t size() const;
  // Whether `signature_hex` is `algorithm`'s signature of `data` by the key `fingerprint`.
  SignatureCheck verify(const std::string& fingerprint, std::string_view algorithm,
                        std::string_view data, std::string_view signature_hex) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// What CloudTrail signs for a digest: its end time, where it was written, the SHA-256 of its
// uncompressed text and the previous digest's signature ("null" for the first of a chain).
std::string digest_signing_string(const Json& digest, std::string_view digest_sha256);

}  // namespace custos::investigate
