// mismatch-s3-origin on aws.distribution (Cloud Custodian's MismatchS3Origin): distributions
// with an S3 origin whose bucket is not one of this account's (ListBuckets), a bucket another
// account can create and serve content from. With check_custom_origins, custom origins on an
// S3 website or REST domain count too (the bucket from their OriginPath when the domain does
// not name it). The buckets not found are kept as c7n:mismatched-s3-origin.
#include <set>

#include "aws/client.h"
#include "policy/filter.h"
#include "policy/regex.h"
#include "policy/registry.h"
#include "policy/spec.h"
#include "resources/services.h"

namespace custos::resources {
namespace {

using policy::FilterContext;
using policy::Spec;

class MismatchS3Origin : public policy::AnnotatingFilter {
 public:
  explicit MismatchS3Origin(const Spec& spec)
      : check_custom_(spec.optional_bool("check_custom_origins", false)) {}

  bool match(const Json& distribution, const FilterContext& context) const override {
    return !mismatched(distribution, context, buckets(context)).empty();
  }

  std::vector<Json> process(std::vector<Json> distributions,
                            const FilterContext& context) const override {
    std::vector<Json> kept;
    if (distributions.empty()) return kept;
    const std::set<std::string> owned = buckets(context);
    for (Json& distribution : distributions) {
      Json missing = mismatched(distribution, context, owned);
      if (missing.empty()) continue;
      distribution["c7n:mismatched-s3-origin"] = std::move(missing);
      kept.push_back(std::move(distribution));
    }
    return kept;
  }
  std::vector<std::string> permissions() const override {
    return {"s3:ListAllMyBuckets", "cloudfront:GetDistributionConfig"};
  }

 private:
  static std::set<std::string> buckets(const FilterContext& context) {
    std::set<std::string> names;
    Json answer =
        policy::require_client(context, "mismatch-s3-origin").call("s3", "ListBuckets", {});
    for (const Json& bucket : answer.value("Buckets", Json::array()))
      names.insert(bucket.value("Name", ""));
    return names;
  }

  // The distribution's origins as listed; read from its configuration when the listing has
  // none (an emulator's short summary).
  static Json origins(const Json& distribution, const FilterContext& context) {
    if (distribution.contains("Origins"))
      return distribution["Origins"].value("Items", Json::array());
    Json config =
        policy::require_client(context, "mismatch-s3-origin")
            .call("cloudfront", "GetDistributionConfig", {{"Id", distribution.value("Id", "")}});
    return config.value("/DistributionConfig/Origins/Items"_json_pointer, Json::array());
  }

  // c7n's is_s3_domain and its S3 origin check: the bucket an origin serves from, if any.
  std::optional<std::string> bucket_of(const Json& origin) const {
    const std::string domain = origin.value("DomainName", "");
    if (origin.contains("S3OriginConfig")) {
      if (auto bucket = prefix_.first_group(domain)) return std::string(*bucket);
      return std::nullopt;
    }
    if (!origin.contains("CustomOriginConfig") || !check_custom_) return std::nullopt;
    if (auto bucket = prefix_.first_group(domain)) return std::string(*bucket);
    if (suffix_.match_start(domain)) {
      std::string path = origin.value("OriginPath", "");
      if (path.starts_with("/")) path.erase(0, 1);
      return path;
    }
    return std::nullopt;
  }

  Json mismatched(const Json& distribution, const FilterContext& context,
                  const std::set<std::string>& owned) const {
    Json missing = Json::array();
    for (const Json& origin : origins(distribution, context))
      if (auto bucket = bucket_of(origin); bucket && !owned.count(*bucket))
        missing.push_back(*bucket);
    return missing;
  }

  bool check_custom_;
  // c7n's s3_prefix (the bucket before .s3[-...][.region].amazonaws.com) and s3_suffix.
  policy::Regex prefix_{R"((.*)(?=\.s3(-.*)?(\..*-\d)?\.amazonaws.com))", false};
  policy::Regex suffix_{R"(^([^.]+\.)?s3(-.*)?(\..*-\d)?\.amazonaws.com)", false};
};

}  // namespace

void register_mismatch_s3_origin(policy::Registry& registry) {
  registry.add_filter("aws.distribution", "mismatch-s3-origin",
                      policy::filter_info<MismatchS3Origin>(
                          {"check_custom_origins"},
                          "Distributions with an S3 origin whose bucket this account does not "
                          "own (check_custom_origins: S3 domains behind custom origins too)",
                          {"s3:ListAllMyBuckets"}));
}

}  // namespace custos::resources
