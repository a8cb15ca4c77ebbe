// Where logs come from: files and folders, or s3://bucket/prefix listed and read with custos's
// AWS client; folders and prefixes that CloudTrail's key layout
// (AWSLogs/[o-ORG/]ACCOUNT/SERVICE/REGION/YYYY/MM/DD/) puts outside the query are not read.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/s3_url.h"
#include "core/json.h"
#include "investigate/text.h"
#include "investigate/times.h"

namespace custos::aws {
class Client;
}

namespace custos::investigate {

// kCloudTrailDigests: CloudTrail's log files and the digest files that vouch for them.
enum class LogKind { kCloudTrail, kFlowLogs, kCloudTrailDigests };

struct Input {
  std::string name;  // a path, or s3://bucket/key
  std::uint64_t size = 0;
};

// What the key layout can rule out.
struct LayoutFilter {
  LogKind kind = LogKind::kCloudTrail;
  std::vector<std::string> accounts, regions;
  std::optional<Millis> since, until;

  // False when `path` (a folder ending in '/', or a file) follows the layout and its account,
  // service, region or day rules it out. Days are the delivery day: a record is delivered on
  // its own day or (for late records, up to a day) the next.
  bool admits(std::string_view path) const;
  bool narrows() const { return !accounts.empty() || !regions.empty() || since || until; }
};

class InputSet {
 public:
  // `client` makes the client for s3:// sources, only when there is one.
  InputSet(std::vector<std::string> sources, LayoutFilter filter,
           std::function<aws::Client()> client);
  ~InputSet();

  // Every input, each source's in name order. Throws InputError for a path that does not
  // exist, custos::Error when a bucket cannot be listed.
  std::vector<Input> list() const;
  const std::vector<std::string>& sources() const;
  // The input's bytes as stored, to be read in order (thread-safe): an S3 object is fetched a
  // range at a time as it is read. InputProblem when a local file cannot be opened.
  std::unique_ptr<ByteSource> open(const Input& input) const;
  // All of them at once. Throws InputProblem when they cannot be read. `metadata`, when given,
  // receives an S3 object's user metadata (null for a local file).
  void read(const Input& input, Buffer& bytes, Json* metadata = nullptr) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

using aws::parse_s3_url;
using aws::S3Location;

}  // namespace custos::investigate
