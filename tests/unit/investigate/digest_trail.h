// A CloudTrail trail made at test time as CloudTrail makes one: real log files (the invictus-ir
// attack's records) gzipped under AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/, and hourly
// digests listing each file's SHA-256, chained to the previous digest and signed SHA256withRSA
// (as AWS's "custom implementation" page describes) with an RSA key generated here.
#pragma once

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/digest.h"
#include "core/json.h"
#include "support/paths.h"
#include "unit/investigate/jq.h"

namespace custos::investigate::test {

inline std::string hex(const unsigned char* bytes, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < size; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 15];
  }
  return out;
}

// A 2048-bit RSA key pair, made fresh.
class TestKey {
 public:
  TestKey() : key_(EVP_RSA_gen(2048), EVP_PKEY_free) {}

  std::string public_pem() const {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    PEM_write_bio_PUBKEY(bio.get(), key_.get());
    char* data = nullptr;
    long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
  }

  // The DER PKCS#1 RSAPublicKey, as ListPublicKeys gives it.
  std::string pkcs1_der() const {
    unsigned char* der = nullptr;
    int size = i2d_PublicKey(key_.get(), &der);
    std::string bytes(reinterpret_cast<char*>(der), static_cast<std::size_t>(size));
    OPENSSL_free(der);
    return bytes;
  }

  // CloudTrail's digestPublicKeyFingerprint: MD5 of the DER PKCS#1 RSAPublicKey.
  std::string fingerprint() const { return md5_hex(pkcs1_der()); }

  // Hex SHA256withRSA (PKCS#1 v1.5) signature of `data`.
  std::string sign(const std::string& data) const {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                    EVP_MD_CTX_free);
    EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, key_.get());
    std::size_t size = 0;
    EVP_DigestSign(context.get(), nullptr, &size,
                   reinterpret_cast<const unsigned char*>(data.data()), data.size());
    std::vector<unsigned char> signature(size);
    EVP_DigestSign(context.get(), signature.data(), &size,
                   reinterpret_cast<const unsigned char*>(data.data()), data.size());
    return hex(signature.data(), size);
  }

 private:
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key_;
};

inline std::string gunzip_file(const std::string& path) {
  gzFile in = gzopen(path.c_str(), "rb");
  std::string text;
  char chunk[1 << 16];
  for (int n; (n = gzread(in, chunk, sizeof chunk)) > 0;) text.append(chunk, n);
  gzclose(in);
  return text;
}

// Replaces a gzip file's text with `edit(text)`.
template <typename Edit>
void rewrite_gzip(const std::string& path, Edit edit) {
  write_gzip(path, edit(gunzip_file(path)));
}

struct GeneratedTrail {
  static constexpr const char* kAccount = "218007301253";
  std::filesystem::path root;                     // holds AWSLogs/
  std::string bucket;                             // the bucket the digests say they were written to
  std::vector<std::string> logs, digests;         // keys below root ("AWSLogs/..."), in time order
  std::map<std::string, std::string> signatures;  // digest key: hex signature

  std::string path(const std::string& key) const { return (root / key).string(); }
};

// Three hourly digests of trail "custos-trail" in us-east-1 (11:00-12:00, 12:00-13:00 and an
// empty one, 13:00-14:00, as CloudTrail writes when nothing was delivered) over the first
// eight files of the attack (11:45 to 12:05 on 2023-07-10). An organization trail's files
// lie below AWSLogs/ORGANIZATION/ when `organization` (o-...) is given.
inline GeneratedTrail make_trail(const std::filesystem::path& root, const std::string& bucket,
                                 const TestKey& signer, const std::string& organization = "") {
  namespace fs = std::filesystem;
  GeneratedTrail trail{root, bucket, {}, {}, {}};
  std::vector<std::string> sources;
  for (const auto& entry :
       fs::directory_iterator(custos::test::data_path("cloudtrail/invictus-ir_aws_dataset")))
    if (entry.path().extension() == ".json") sources.push_back(entry.path().string());
  std::sort(sources.begin(), sources.end());
  sources.resize(8);
  const std::string day = "2023/07/10/";
  const std::string account_folder = std::string("AWSLogs/") +
                                     (organization.empty() ? "" : organization + "/") +
                                     GeneratedTrail::kAccount;
  const std::string log_folder = account_folder + "/CloudTrail/us-east-1/" + day;
  const std::string digest_folder = account_folder + "/CloudTrail-Digest/us-east-1/" + day;
  fs::create_directories(root / log_folder);
  fs::create_directories(root / digest_folder);
  struct Hour {
    std::string start, end, stamp;
  };
  const std::vector<Hour> hours = {{"2023-07-10T11:00:31Z", "2023-07-10T12:00:31Z", "1200"},
                                   {"2023-07-10T12:00:31Z", "2023-07-10T13:00:31Z", "1300"},
                                   {"2023-07-10T13:00:31Z", "2023-07-10T14:00:31Z", "1400"}};
  Json previous_key, previous_hash, previous_signature;  // null before the first
  for (const Hour& hour : hours) {
    Json files = Json::array();
    for (const std::string& source : sources) {
      std::string name = fs::path(source).filename().string();  // ..._20230710T1145Z_x.json
      std::string written = "2023-07-10T" + name.substr(name.find("20230710T") + 9, 2) + ":" +
                            name.substr(name.find("20230710T") + 11, 2) + ":00Z";
      if (written < hour.start || written >= hour.end) continue;
      std::string key = log_folder + name + ".gz";
      std::string text = custos::test::read_file(source);
      write_gzip(trail.path(key), text);
      trail.logs.push_back(key);
      Json times = Json::array();
      Json log = Json::parse(text);
      for (const Json& record : log["Records"]) times.push_back(record["eventTime"]);
      std::sort(times.begin(), times.end());
      files.push_back({{"s3Bucket", bucket},
                       {"s3Object", key},
                       {"hashValue", sha256_hex(text)},
                       {"hashAlgorithm", "SHA-256"},
                       {"newestEventTime", times.back()},
                       {"oldestEventTime", times.front()}});
    }
    std::string digest_key = digest_folder + GeneratedTrail::kAccount +
                             "_CloudTrail-Digest_us-east-1_custos-trail_us-east-1_20230710T" +
                             hour.stamp + "31Z.json.gz";
    Json digest = {{"awsAccountId", GeneratedTrail::kAccount},
                   {"digestStartTime", hour.start},
                   {"digestEndTime", hour.end},
                   {"digestS3Bucket", bucket},
                   {"digestS3Object", digest_key},
                   {"digestPublicKeyFingerprint", signer.fingerprint()},
                   {"digestSignatureAlgorithm", "SHA256withRSA"},
                   {"newestEventTime", files.empty() ? Json() : files.back()["newestEventTime"]},
                   {"oldestEventTime", files.empty() ? Json() : files.front()["oldestEventTime"]},
                   {"previousDigestS3Bucket", previous_key.is_null() ? Json() : Json(bucket)},
                   {"previousDigestS3Object", previous_key},
                   {"previousDigestHashValue", previous_hash},
                   {"previousDigestHashAlgorithm", "SHA-256"},
                   {"previousDigestSignature", previous_signature},
                   {"logFiles", files}};
    std::string text = digest.dump();
    write_gzip(trail.path(digest_key), text);
    std::string signature = signer.sign(
        hour.end + "\n" + bucket + "/" + digest_key + "\n" + sha256_hex(text) + "\n" +
        (previous_signature.is_null() ? "null" : previous_signature.get<std::string>()));
    trail.digests.push_back(digest_key);
    trail.signatures[digest_key] = signature;
    previous_key = digest_key;
    previous_hash = sha256_hex(text);
    previous_signature = signature;
  }
  return trail;
}

}  // namespace custos::investigate::test
