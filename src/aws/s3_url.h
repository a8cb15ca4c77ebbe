// An s3://bucket/prefix URL split into its bucket and key prefix (logs to investigate, the
// incident journal).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace custos::aws {

struct S3Location {
  std::string bucket, prefix;
};
// nullopt for anything that is not s3://BUCKET[/PREFIX].
std::optional<S3Location> parse_s3_url(std::string_view url);

}  // namespace custos::aws
