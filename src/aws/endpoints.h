// Default AWS endpoints, resolved as botocore does from its endpoints.json: partitions by region,
// hostname templates, global services (IAM, Route 53, ...) and per-endpoint overrides.
#pragma once

#include <map>
#include <memory>
#include <mutex>
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
  // `json_text` is endpoints.json (version 3). Throws custos::Error when it cannot be parsed.
  explicit EndpointResolver(std::string_view json_text);
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
    Json data;  // all but "services"
    std::regex region_regex;
    // Each service's entry as JSON text, made a Json when first resolved: the whole file as Json
    // took 15 ms, a third of a cold `run --event`.
    std::map<std::string, std::string, std::less<>> service_text;
    bool matches(std::string_view region) const;
  };
  const Json& service_data(std::size_t partition, std::string_view service) const;

  std::vector<Partition> partitions_;
  mutable std::map<std::pair<std::size_t, std::string>, Json, std::less<>> services_;
  std::unique_ptr<std::mutex> services_mutex_ = std::make_unique<std::mutex>();
};

}  // namespace custos::aws
