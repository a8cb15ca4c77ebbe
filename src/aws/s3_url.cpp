#include "aws/s3_url.h"

namespace custos::aws {

std::optional<S3Location> parse_s3_url(std::string_view url) {
  if (!url.starts_with("s3://")) return std::nullopt;
  url.remove_prefix(5);
  std::size_t slash = url.find('/');
  S3Location location{std::string(url.substr(0, slash)), ""};
  if (slash != std::string_view::npos) location.prefix = std::string(url.substr(slash + 1));
  if (location.bucket.empty()) return std::nullopt;
  return location;
}

}  // namespace custos::aws
