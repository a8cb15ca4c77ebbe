// CloudTrail log file integrity validation (`custos investigate --verify-digests`): every log
// file against the SHA-256 its hourly digest recorded, the chain of digests (each names the
// previous one's hash and signature), and each digest's SHA256withRSA signature when it was
// read from S3 (where CloudTrail keeps it, in the object's metadata) and its key is known.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "investigate/digest_keys.h"
#include "investigate/inputs.h"
#include "investigate/scan.h"

namespace custos::investigate {

enum class FileStatus {
  kOk,
  kSignatureNotChecked,  // a local copy: the signature stayed in S3's metadata
  kNotYetDigested,       // a log file newer than its region's newest digest
  kChainBroken,
  kNoPublicKey,
  kUnsigned,
  kSignatureInvalid,
  kNotInDigest,
  kMissing,
  kAltered,
};
std::string_view status_name(FileStatus status);
// Whether the status says the trail does not hold as CloudTrail delivered it.
bool is_failure(FileStatus status);

struct FileCheck {
  std::string file;  // a path, or s3://bucket/key
  bool digest = false;
  FileStatus status = FileStatus::kOk;
  std::string detail;
};

struct DigestVerification {
  std::vector<FileCheck> files;  // in name order

  bool holds() const;
  std::string summary() const;  // one line
  std::string to_table() const;
  Json to_json() const;
};

struct DigestSettings {
  ScanSettings scan;
  // A window: only the digests whose hours meet [since, until) are checked, with the log files
  // they list and those written in it that none lists; the digests before it still anchor the
  // chain. The InputSet's LayoutFilter should carry the same window so other days are not read.
  std::optional<Millis> since, until;
  // Adds CloudTrail's keys for the digests of `region` signed in [start, end] (ISO 8601), for
  // digests read from S3 when no key was given; empty: only the keys given are used.
  std::function<void(const std::string& region, const std::string& start, const std::string& end,
                     PublicKeys& keys)>
      fetch_keys;
};

// Validates everything `inputs` lists (LogKind::kCloudTrailDigests). Throws InputError for a
// digest that is not one (naming the file), or when there is no digest (in the window) at all.
DigestVerification verify_digests(const InputSet& inputs, PublicKeys keys,
                                  const DigestSettings& settings);

}  // namespace custos::investigate
