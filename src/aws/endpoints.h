// Default AWS endpoints, resolved as botocore does from its endpoints.json: partitions by region,
// hostname templates, global services (IAM, Route 53, ...) and per-endpoint overrides.
#pragma once

#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "aws/config.h"
#include "core/json.h"

namespace custos::aws {

// The endpoint variants endpoints.json tags: FIPS 140-2 validated and IPv4+IPv6 (dual-stack)
// hosts. Off unless the caller asks (AWS_USE_FIPS_ENDPOINT, use_dualstack_endpoint, ...).
struct EndpointVariant {
  bool fips = false;
  bool dualstack = false;
};

class EndpointResolver {
 public:
  // `endpoints` is the parsed endpoints.json (version 3).
  explicit EndpointResolver(Json endpoints);
  // Throws custos::Error naming the file when it cannot be read or parsed.
  static EndpointResolver load(const std::string& path);
  // endpoints.json of botocore's data folder (CUSTOS_BOTOCORE_DATA or the build's default),
  // read once per process.
  static const EndpointResolver& standard();

  // The endpoint of the service whose endpointPrefix is `service` in `region`; regions no
  // partition knows get botocore's guess, https://{service}.{region}.amazonaws.com. Throws
  // custos::InputError when the requested variant does not exist there.
  Endpoint resolve(std::string_view service, std::string_view region,
                   const EndpointVariant& variant = {}) const;
  // The partition ("aws", "aws-cn", "aws-us-gov", ...) a region belongs to, for ARNs; "aws"
  // for a region no partition claims.
  std::string partition_of(std::string_view region) const;
  // The regions of `region`'s partition where `service` (an endpointPrefix) has an endpoint,
  // sorted: what "every region" means.
  std::vector<std::string> service_regions(std::string_view service, std::string_view region) const;
  // Without a region only global services resolve (to their aws partition endpoint).
  std::optional<Endpoint> resolve_global(std::string_view service,
                                         const EndpointVariant& variant = {}) const;

 private:
  struct Partition {
    Json data;
    std::regex region_regex;
    bool matches(std::string_view region) const;
  };

  std::vector<Partition> partitions_;
};

}  // namespace custos::aws
