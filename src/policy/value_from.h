// Cloud Custodian's value_from (c7n/resolver.py ValuesFrom): the values a value filter compares
// with, read from a local file or an s3:// object as json, csv, csv2dict or txt, optionally
// narrowed by `expr`.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/json.h"
#include "policy/spec.h"

namespace custos::aws {
class Client;
}

namespace custos::policy {

class ValuesFrom {
 public:
  // Checks `spec` ({url, format, expr}). A local file (a path or file:// URL) is read and
  // parsed now, so a missing or malformed file fails at the policy's file:line:col; except
  // when its format cannot be told (no extension, no `format`): values() then throws.
  explicit ValuesFrom(const Spec& spec);

  // The values. An s3:// object is fetched through `client` on first use ({account_id} and
  // {region} in url or expr filled in from it) and kept; thread-safe. Throws custos::Error
  // when it cannot be read, or its format cannot be told.
  const Json& values(const aws::Client* client) const;
  const std::string& url() const { return url_; }
  // An s3:// URL: read on first use, not when compiled.
  bool remote() const { return url_.rfind("s3://", 0) == 0; }
  // Read (or refused) on first use rather than when compiled: remote, or its format untold.
  bool read_on_use() const { return remote() || format_.empty(); }

 private:
  Json fetch_s3(const aws::Client& client) const;

  std::string url_, format_;
  Json expr_;
  mutable std::mutex mutex_;
  mutable std::optional<Json> values_;
};

// `contents` parsed as c7n parses `format` (json, csv, csv2dict, txt), then narrowed by `expr`
// (null, a JMESPath string, or for csv a column number). Python sets become lists without
// repeats. Throws InputError when the contents or expr do not fit.
Json parse_values(std::string_view contents, std::string_view format, const Json& expr);

}  // namespace custos::policy
