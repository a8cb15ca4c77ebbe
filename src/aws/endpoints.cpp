#include "aws/endpoints.h"

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

// The first of `scopes` (most specific first) that has `key`, as botocore merges defaults.
const Json* first_with(std::initializer_list<const Json*> scopes, std::string_view key) {
  for (const Json* scope : scopes) {
    if (scope->is_object() && scope->contains(key)) return &(*scope)[std::string(key)];
  }
  return nullptr;
}

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

Endpoint build(const Json& partition, const Json& service_data, std::string_view service,
               const std::string& endpoint_name) {
  static const Json kNone = Json::object();
  const auto& endpoints = service_data["endpoints"];
  const Json& endpoint = endpoints.contains(endpoint_name) ? endpoints[endpoint_name] : kNone;
  const Json& service_defaults =
      service_data.contains("defaults") ? service_data["defaults"] : kNone;
  const Json& partition_defaults = partition.contains("defaults") ? partition["defaults"] : kNone;

  const Json* hostname =
      first_with({&endpoint, &service_defaults, &partition_defaults}, "hostname");
  const Json* suffix = first_with({&endpoint, &partition}, "dnsSuffix");
  const Json* scope = first_with({&endpoint, &service_defaults}, "credentialScope");
  if (hostname == nullptr || suffix == nullptr) {
    throw Error("botocore's endpoints.json has no hostname for " + std::string(service) +
                " in partition " + partition.value("partition", "?") +
                "; reinstall python3-botocore or set CUSTOS_BOTOCORE_DATA");
  }
  std::string host = hostname->get<std::string>();
  replace_all(host, "{service}", service);
  replace_all(host, "{region}", endpoint_name);
  replace_all(host, "{dnsSuffix}", suffix->get<std::string>());
  std::string signing_region = endpoint_name;
  if (scope != nullptr && scope->contains("region")) {
    signing_region = (*scope)["region"].get<std::string>();
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

Endpoint EndpointResolver::resolve(std::string_view service, std::string_view region) const {
  const std::string name(region);
  for (const auto& partition : partitions_) {
    const Json& data = service_data(partition.data, service);
    if (data["endpoints"].contains(name)) return build(partition.data, data, service, name);
    if (!partition.matches(region)) continue;
    if (data.contains("partitionEndpoint") && !data.value("isRegionalized", true)) {
      return build(partition.data, data, service, data["partitionEndpoint"].get<std::string>());
    }
    return build(partition.data, data, service, name);
  }
  return {"https://" + std::string(service) + "." + name + ".amazonaws.com", name};
}

std::optional<Endpoint> EndpointResolver::resolve_global(std::string_view service) const {
  if (partitions_.empty()) return std::nullopt;
  const Json& partition = partitions_.front().data;
  const Json& data = service_data(partition, service);
  if (!data.contains("partitionEndpoint")) return std::nullopt;
  return build(partition, data, service, data["partitionEndpoint"].get<std::string>());
}

}  // namespace custos::aws
