#include "investigate/digest_keys.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cctype>
#include <optional>

#include "aws/client.h"
#include "aws/protocol_codec.h"
#include "core/digest.h"
#include "core/error.h"
#include "core/file.h"

namespace custos::investigate {
namespace {

struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;

// CloudTrail's fingerprint: the MD5 of the DER PKCS#1 RSAPublicKey (checked against the pair
// AWS publishes in the AWS CLI's list-public-keys example).
std::string fingerprint(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  int size = i2d_PublicKey(key, &der);
  if (size <= 0) throw Error("OpenSSL could not encode a public key");
  std::string bytes(reinterpret_cast<char*>(der), static_cast<std::size_t>(size));
  OPENSSL_free(der);
  return md5_hex(bytes);
}

Key rsa_from_pkcs1(std::string_view der) {
  const auto* at = reinterpret_cast<const unsigned char*>(der.data());
  return Key(d2i_PublicKey(EVP_PKEY_RSA, nullptr, &at, static_cast<long>(der.size())));
}

Key key_from_pem_block(const std::string& name, std::string_view der) {
  const auto* at = reinterpret_cast<const unsigned char*>(der.data());
  if (name == "PUBLIC KEY") {
    Key key(d2i_PUBKEY(nullptr, &at, static_cast<long>(der.size())));
    return key && EVP_PKEY_get_base_id(key.get()) == EVP_PKEY_RSA ? std::move(key) : nullptr;
  }
  if (name == "RSA PUBLIC KEY") return rsa_from_pkcs1(der);
  return nullptr;
}

bool looks_like_base64(std::string_view text) {
  for (char c : text)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/' && c != '=')
      return false;
  return !text.empty();
}

// A listed key's Value: base64 of the DER key, or (as the AWS CLI's validator expects of the
// API's answer) base64 of that base64.
std::string listed_der(const std::string& value) {
  std::string der = aws::codec::base64_decode(value);
  if (!der.empty() && static_cast<unsigned char>(der[0]) != 0x30 && looks_like_base64(der))
    der = aws::codec::base64_decode(der);
  return der;
}

int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2) return std::nullopt;
  std::string bytes;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int high = nibble(hex[i]), low = nibble(hex[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    bytes += static_cast<char>(high * 16 + low);
  }
  return bytes;
}

}  // namespace

struct PublicKeys::Impl {
  std::map<std::string, Key> keys;  // by fingerprint

  void add(Key key) {
    std::string print = fingerprint(key.get());
    keys.emplace(std::move(print), std::move(key));
  }

  void add_pem(const std::string& path, const std::string& text) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(text.data(), static_cast<int>(text.size())), BIO_free);
    for (int block = 1;; ++block) {
      char *name = nullptr, *header = nullptr;
      unsigned char* data = nullptr;
      long size = 0;
      if (PEM_read_bio(bio.get(), &name, &header, &data, &size) != 1) break;
      std::string type = name;
      Key key = key_from_pem_block(
          type, std::string_view(reinterpret_cast<char*>(data), static_cast<std::size_t>(size)));
      OPENSSL_free(name);
      OPENSSL_free(header);
      OPENSSL_free(data);
      if (!key)
        throw InputError(path + ": PEM block " + std::to_string(block) + " (" + type +
                         ") is not an RSA public key");
      add(std::move(key));
    }
  }
};

PublicKeys::PublicKeys() : impl_(std::make_unique<Impl>()) {}
PublicKeys::~PublicKeys() = default;
PublicKeys::PublicKeys(PublicKeys&&) noexcept = default;
PublicKeys& PublicKeys::operator=(PublicKeys&&) noexcept = default;

void PublicKeys::add_file(const std::string& path) {
  auto text = read_file(path);
  if (!text) throw InputError(path + ": cannot read the public key file (check the path)");
  std::size_t before = impl_->keys.size();
  std::size_t first = text->find_first_not_of(" \t\r\n");
  if (first != std::string::npos && (*text)[first] == '{') {
    Json answer = Json::parse(*text, nullptr, false);
    if (answer.is_discarded() || !answer.contains("PublicKeyList"))
      throw InputError(path + ": not the JSON of aws cloudtrail list-public-keys");
    add_listed(answer, path);
  } else {
    impl_->add_pem(path, *text);
  }
  if (impl_->keys.size() == before)
    throw InputError(path +
                     ": no public key in it (give PEM blocks '-----BEGIN PUBLIC KEY-----' or the "
                     "JSON of aws cloudtrail list-public-keys)");
}

void PublicKeys::add_listed(const Json& answer, const std::string& source) {
  for (const Json& listed : answer.value("PublicKeyList", Json::array())) {
    Key key = rsa_from_pkcs1(listed_der(listed.value("Value", "")));
    if (!key)
      throw InputError(source + ": the key " + listed.value("Fingerprint", "?") +
                       " is not a DER PKCS#1 RSA public key");
    impl_->add(std::move(key));
  }
}

void PublicKeys::add_from_cloudtrail(const aws::Client& client, const std::string& region,
                                     const std::string& start, const std::string& end) {
  Json answer;
  try {
    answer = client.in_region(region).call_all("cloudtrail", "ListPublicKeys",
                                               {{"StartTime", start}, {"EndTime", end}});
  } catch (const Error& e) {
    throw Error("cannot list CloudTrail's public keys in " + region +
                " (ListPublicKeys): " + e.what() + "; give them with --public-keys FILE");
  }
  add_listed(answer, "ListPublicKeys in " + region);
}

bool PublicKeys::has(const std::string& fingerprint) const {
  return impl_->keys.count(fingerprint) > 0;
}

std::size_t PublicKeys::size() const { return impl_->keys.size(); }

SignatureCheck PublicKeys::verify(const std::string& fingerprint, std::string_view algorithm,
                                  std::string_view data, std::string_view signature_hex) const {
  auto found = impl_->keys.find(fingerprint);
  if (found == impl_->keys.end()) return SignatureCheck::kNoKey;
  if (algorithm != "SHA256withRSA") return SignatureCheck::kUnsupported;
  auto signature = from_hex(signature_hex);
  if (!signature) return SignatureCheck::kInvalid;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                  EVP_MD_CTX_free);
  if (!context ||
      EVP_DigestVerifyInit(context.get(), nullptr, EVP_sha256(), nullptr, found->second.get()) != 1)
    throw Error("OpenSSL could not set up a SHA256withRSA verification");
  int verdict = EVP_DigestVerify(
      context.get(), reinterpret_cast<const unsigned char*>(signature->data()), signature->size(),
      reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return verdict == 1 ? SignatureCheck::kValid : SignatureCheck::kInvalid;
}

std::string digest_signing_string(const Json& digest, std::string_view digest_sha256) {
  const Json& previous = digest.value("previousDigestSignature", Json());
  return digest.value("digestEndTime", "") + "\n" + digest.value("digestS3Bucket", "") + "/" +
         digest.value("digestS3Object", "") + "\n" + std::string(digest_sha256) + "\n" +
         (previous.is_string() ? previous.get<std::string>() : "null");
}

}  // namespace custos::investigate
