#include "aws/endpoints.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "core/error.h"
#include "core/version.h"

namespace custos::aws {
namespace {

const Json& service_data(const Json& partition, std::string_view service) {
  static const Json kUnknownService = {{"endpoints", Json::object()}};
  auto services = partition.find("services");
  if (services == partition.end()) return kUnknownService;
  auto it = services->find(service);
  return it == services->end() ? kUnknownService : *it;
}

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// Keys of `from` that `result` lacks (botocore's _merge_keys: what is set first wins).
void merge_keys(const Json& from, Json& result) {
  if (!from.is_object()) return;
  for (const auto& [key, value] : from.items()) {
    if (!result.contains(key)) result[key] = value;
  }
}

// The entry of `scope`'s "variants" whose tags are exactly `tags`; nullptr when none.
const Json* variant_data(const Json& scope, const std::vector<std::string>& tags) {
  if (!scope.is_object() || !scope.contains("variants")) return nullptr;
  for (const Json& variant : scope["variants"]) {
    auto have = variant.value("tags", std::vector<std::string>{});
    std::sort(have.begin(), have.end());
    if (have == tags) return &variant;
  }
  return nullptr;
}

std::vector<std::string> variant_tags(const EndpointVariant& variant) {
  std::vector<std::string> tags;
  if (variant.dualstack) tags.push_back("dualstack");
  if (variant.fips) tags.push_back("fips");
  return tags;  // sorted
}

// botocore's EndpointResolver._resolve: the endpoint's own keys (or its variant's, merged from
// the endpoint, service defaults and partition defaults), then the defaults' keys.
Json merged_endpoint(const Json& partition, const Json& service_data, std::string_view service,
                     const std::string& endpoint_name, const EndpointVariant& variant) {
  static const Json kNone = Json::object();
  const auto& endpoints = service_data["endpoints"];
  const Json& endpoint = endpoints.contains(endpoint_name) ? endpoints[endpoint_name] : kNone;
  const Json& service_defaults =
      service_data.contains("defaults") ? service_data["defaults"] : kNone;
  const Json& partition_defaults = partition.contains("defaults") ? partition["defaults"] : kNone;
  Json result = Json::object();
  if (const auto tags = variant_tags(variant); !tags.empty()) {
    for (const Json* scope : {&endpoint, &service_defaults, &partition_defaults}) {
      if (const Json* data = variant_data(*scope, tags)) merge_keys(*data, result);
    }
    if (result.empty()) {
      const std::string kind = variant.fips && variant.dualstack ? "FIPS dual-stack"
                               : variant.fips                    ? "FIPS"
                                                                 : "dual-stack";
      throw InputError("AWS has no " + kind + " endpoint for " + std::string(service) + " in " +
                       endpoint_name + ": turn that setting off or pick another region");
    }
  }
  merge_keys(endpoint, result);
  if (!result.contains("dnsSuffix") && partition.contains("dnsSuffix")) {
    result["dnsSuffix"] = partition["dnsSuffix"];
  }
  merge_keys(service_defaults, result);
  merge_keys(partition_defaults, result);
  return result;
}

Endpoint build(const Json& partition, const Json& service_data, std::string_view service,
               const std::string& endpoint_name, const EndpointVariant& variant) {
  const Json result = merged_endpoint(partition, service_data, service, endpoint_name, variant);
  if (!result.contains("hostname") || !result.contains("dnsSuffix")) {
    throw Error("botocore's endpoints.json has no hostname for " + std::string(service) +
                " in partition " + partition.value("partition", "?") +
                "; reinstall python3-botocore or set CUSTOS_BOTOCORE_DATA");
  }
  std::string host = result["hostname"].get<std::string>();
  replace_all(host, "{service}", service);
  replace_all(host, "{region}", endpoint_name);
  replace_all(host, "{dnsSuffix}", result["dnsSuffix"].get<std::string>());
  std::string signing_region = endpoint_name;
  if (result.contains("credentialScope") && result["credentialScope"].contains("region")) {
    signing_region = result["credentialScope"]["region"].get<std::string>();
  }
  return {"https://" + host, signing_region};
}

}  // namespace

bool EndpointResolver::Partition::matches(std::string_view region) const {
  return (data.contains("regions") && data["regions"].contains(region)) ||
         std::regex_search(region.begin(), region.end(), region_regex);
}

EndpointResolver::EndpointResolver(Json endpoints) {
  for (auto& partition : endpoints.at("partitions")) {
    const std::string pattern = partition.value("regionRegex", "$^");
    try {
      std::regex regex(pattern);
      partitions_.push_back({std::move(partition), std::move(regex)});
    } catch (const std::regex_error& e) {
      throw Error("botocore's endpoints.json: bad regionRegex '" + pattern + "' of partition " +
                  partition.value("partition", "?") + ": " + e.what());
    }
  }
}

EndpointResolver EndpointResolver::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw Error(
        "cannot read " + path +
        ": install python3-botocore or point CUSTOS_BOTOCORE_DATA at botocore's data folder");
  }
  try {
    return EndpointResolver(Json::parse(in));
  } catch (const Json::exception& e) {
    throw Error("cannot parse " + path + " (" + e.what() + "): reinstall python3-botocore");
  }
}

const EndpointResolver& EndpointResolver::standard() {
  static const EndpointResolver resolver = [] {
    const char* folder = std::getenv("CUSTOS_BOTOCORE_DATA");
    std::string path(folder != nullptr && *folder != '\0' ? folder : botocore_data_default());
    return load(path + "/endpoints.json");
  }();
  return resolver;
}

Endpoint EndpointResolver::resolve(std::string_view service, std::string_view region,
                                   const EndpointVariant& variant) const {
  const std::string name(region);
  for (const auto& partition : partitions_) {
    const Json& data = service_data(partition.data, service);
    if (data["endpoints"].contains(name))
      return build(partition.data, data, service, name, variant);
    if (!partition.matches(region)) continue;
    if (data.contains("partitionEndpoint") && !data.value("isRegionalized", true)) {
      return build(partition.data, data, service, data["partitionEndpoint"].get<std::string>(),
                   variant);
    }
    return build(partition.data, data, service, name, variant);
  }
  return {"https://" + std::string(service) + "." + name + ".amazonaws.com", name};
}

std::string EndpointResolver::partition_of(std::string_view region) const {
  for (const auto& partition : partitions_)
    if (partition.matches(region)) return partition.data.value("partition", "aws");
  return "aws";
}

std::vector<std::string> EndpointResolver::service_regions(std::string_view service,
                                                           std::string_view region) const {
  std::vector<std::string> regions;
  for (const auto& partition : partitions_) {
    if (!partition.matches(region)) continue;
    const Json& known = partition.data.value("regions", Json::object());
    for (const auto& [name, unused] : service_data(partition.data, service)["endpoints"].items())
      if (known.contains(name)) regions.push_back(name);
    break;
  }
  std::sort(regions.begin(), regions.end());
  return regions;
}

std::optional<Endpoint> EndpointResolver::resolve_global(std::string_view service,
                                                         const EndpointVariant& variant) const {
  if (partitions_.empty()) return std::nullopt;
  const Json& partition = partitions_.front().data;
  const Json& data = service_data(partition, service);
  if (!data.contains("partitionEndpoint")) return std::nullopt;
  return build(partition, data, service, data["partitionEndpoint"].get<std::string>(), variant);
}

}  // namespace custos::aws
