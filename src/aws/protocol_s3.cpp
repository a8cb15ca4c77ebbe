// What botocore does around S3's rest-xml beyond the model: virtual-hosted addressing,
// GetBucketLocation's bare body, url-encoded listings, and region errors that say the region.
#include <array>
#include <set>

#include "aws/protocol_codec.h"
#include "aws/protocol_internal.h"

namespace custos::aws::wire {

namespace {

// Listings whose keys botocore asks S3 to url-encode (so that any key survives XML 1.0) and
// decodes again: top-level members, then (list, member) pairs.
struct Listing {
  std::string_view operation;
  std::vector<std::string_view> top;
  std::vector<std::pair<std::string_view, std::string_view>> nested;
};

const Listing* find_listing(std::string_view operation) {
  static const std::array<Listing, 3> kListings = {{
      {"ListObjects",
       {"Delimiter", "Marker", "NextMarker"},
       {{"Contents", "Key"}, {"CommonPrefixes", "Prefix"}}},
      {"ListObjectsV2",
       {"Delimiter", "Prefix", "StartAfter"},
       {{"Contents", "Key"}, {"CommonPrefixes", "Prefix"}}},
      {"ListObjectVersions",
       {"KeyMarker", "NextKeyMarker", "Prefix", "Delimiter"},
       {{"Versions", "Key"}, {"DeleteMarkers", "Key"}, {"CommonPrefixes", "Prefix"}}},
  }};
  for (const auto& listing : kListings) {
    if (listing.operation == operation) return &listing;
  }
  return nullptr;
}

// Python's unquote_plus, which botocore applies: '+' is a space.
Json unquote_plus(const Json& value) {
  if (!value.is_string()) return value;
  std::string text = value.get<std::string>();
  std::replace(text.begin(), text.end(), '+', ' ');
  return codec::percent_decode(text);
}

void decode_listing(const Listing& listing, Json& result) {
  for (std::string_view key : listing.top) {
    if (auto it = result.find(key); it != result.end()) *it = unquote_plus(*it);
  }
  for (const auto& [list, member] : listing.nested) {
    auto items = result.find(list);
    if (items == result.end() || !items->is_array()) continue;
    for (auto& item : *items) {
      if (auto it = item.find(member); it != item.end()) *it = unquote_plus(*it);
    }
  }
}

// botocore's check_dns_name: one DNS label (dots would break the TLS wildcard certificate).
bool dns_compatible(std::string_view bucket) {
  if (bucket.size() < 3 || bucket.size() > 63) return false;
  const auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(bucket.front()) || !alnum(bucket.back())) return false;
  return std::all_of(bucket.begin(), bucket.end(), [&](char c) { return alnum(c) || c == '-'; });
}

// An endpoint of AWS's own S3 (s3.amazonaws.com, s3.eu-west-1.amazonaws.com, s3-external-1...):
// anything else (an emulator, a proxy, an IP) was set by the user and is addressed by path.
bool aws_s3_endpoint(std::string_view endpoint) {
  auto start = endpoint.find("://");
  std::string_view host = endpoint.substr(start == std::string_view::npos ? 0 : start + 3);
  host = host.substr(0, host.find_first_of(":/"));
  const bool s3 = host.starts_with("s3.") || host.starts_with("s3-");
  return s3 && (host.ends_with(".amazonaws.com") || host.ends_with(".amazonaws.com.cn"));
}

std::string region_note(const std::string& region) {
  return "the bucket is in region " + region + ": call it with that region (--region " + region +
         " or AWS_REGION=" + region + ")";
}

}  // namespace

bool is_s3(const ServiceModel& model) { return model.metadata().endpoint_prefix == "s3"; }

void s3_default_params(const Operation& op, Json& params) {
  if (find_listing(op.name) && params.is_object() && !params.contains("EncodingType")) {
    params["EncodingType"] = "url";
  }
}

std::string s3_address(const Operation& op, const Json& params, Request& request,
                       const std::string& endpoint) {
  if (!op.request_uri.starts_with("/{Bucket}") || !params.contains("Bucket") ||
      !params["Bucket"].is_string()) {
    return endpoint;
  }
  const std::string bucket = params["Bucket"].get<std::string>();
  if (!dns_compatible(bucket) || !aws_s3_endpoint(endpoint)) return endpoint;
  std::string path = request.path.substr(1 + bucket.size());  // "/bucket/key?x" -> "/key?x"
  request.path = path.starts_with('/') ? path : "/" + path;
  std::string host_style = endpoint;
  host_style.insert(endpoint.find("://") + 3, bucket + ".");
  return host_style;
}

void s3_adjust_result(const Operation& op, const HttpResponse& response, const Json& params,
                      Json& result) {
  if (op.name == "GetBucketLocation" && !result.contains("LocationConstraint")) {
    // The body is a bare <LocationConstraint>; empty for us-east-1.
    const auto region = xml_element_text(response.body, "LocationConstraint");
    result["LocationConstraint"] = region && !region->empty() ? Json(*region) : Json();
  }
  const Listing* listing = find_listing(op.name);
  // Decoded only when custos asked for the encoding: a caller who did reads encoded keys.
  if (listing && params.is_object() && !params.contains("EncodingType") &&
      result.value("EncodingType", "") == "url") {
    decode_listing(*listing, result);
  }
}

void s3_error_details(const HttpResponse& response, ErrorInfo& info) {
  static const std::set<std::string, std::less<>> kRegionErrors = {
      "PermanentRedirect",
      "AuthorizationHeaderMalformed",
      "IllegalLocationConstraintException",
      "TemporaryRedirect",
      "301",
      "307"};
  if (!kRegionErrors.contains(info.code)) return;
  std::string region = response.header("x-amz-bucket-region");
  if (region.empty()) region = xml_element_text(response.body, "Region").value_or("");
  if (region.empty()) return;
  info.message += (info.message.empty() ? "" : "; ") + region_note(region);
}

}  // namespace custos::aws::wire
