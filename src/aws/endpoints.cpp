#include "aws/endpoints.h"

#include <algorithm>
#include <cstdlib>

#include <simdjson.h>

#include "core/error.h"
#include "core/file.h"
#include "core/version.h"

namespace custos::aws {
namespace {

// A value's text as it is in the file (simdjson 3.0 has raw_json() on objects and arrays only).
std::string_view raw_json(simdjson::ondemand::value value) {
  switch (value.type()) {
    case simdjson::ondemand::json_type::object:
      return value.get_object().value().raw_json();
    case simdjson::ondemand::json_type::array:
      return value.get_array().value().raw_json();
    default:
      return value.raw_json_token();
  }
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

EndpointResolver::EndpointResolver(std::string_view json_text) {
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(json_text);
  simdjson::ondemand::document document = parser.iterate(padded);
  for (simdjson::ondemand::object partition : document["partitions"].get_array()) {
    Partition entry;
    entry.data = Json::object();
    for (auto field : partition) {
      std::string_view key = field.unescaped_key();
      if (key != "services") {
        entry.data[std::string(key)] = Json::parse(raw_json(field.value()));
        continue;
      }
      for (auto service : field.value().get_object()) {
        std::string_view name = service.unescaped_key();
        entry.service_text.emplace(name, raw_json(service.value()));
      }
    }
    const std::string pattern = entry.data.value("regionRegex", "$^");
    try {
      entry.region_regex = std::regex(pattern);
    } catch (const std::regex_error& e) {
      throw Error("bad regionRegex '" + pattern + "' of partition " +
                  entry.data.value("partition", "?") + ": " + e.what());
    }
    partitions_.push_back(std::move(entry));
  }
}

EndpointResolver EndpointResolver::load(const std::string& path) {
  auto text = read_file(path);
  if (!text) {
    throw Error(
        "cannot read " + path +
        ": install python3-botocore or point CUSTOS_BOTOCORE_DATA at botocore's data folder");
  }
  try {
    return EndpointResolver(*text);
  } catch (const std::exception& e) {
    throw Error("cannot parse " + path + " (" + e.what() + "): reinstall python3-botocore");
  }
}

const Json& EndpointResolver::service_data(std::size_t partition, std::string_view service) const {
  static const Json kUnknownService = {{"endpoints", Json::object()}};
  const auto& known = partitions_[partition].service_text;
  auto text = known.find(service);
  if (text == known.end()) return kUnknownService;
  std::lock_guard lock(*services_mutex_);
  auto key = std::make_pair(partition, text->first);
  auto parsed = services_.find(key);
  if (parsed == services_.end()) parsed = services_.emplace(key, Json::parse(text->second)).first;
  return parsed->second;
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
  for (std::size_t i = 0; i < partitions_.size(); ++i) {
    const Partition& partition = partitions_[i];
    const Json& data = service_data(i, service);
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
  for (std::size_t i = 0; i < partitions_.size(); ++i) {
    const Partition& partition = partitions_[i];
    if (!partition.matches(region)) continue;
    const Json& known = partition.data.value("regions", Json::object());
    for (const auto& [name, unused] : service_data(i, service)["endpoints"].items())
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
  const Json& data = service_data(0, service);
  if (!data.contains("partitionEndpoint")) return std::nullopt;
  return build(partition, data, service, data["partitionEndpoint"].get<std::string>(), variant);
}

}  // namespace custos::aws
