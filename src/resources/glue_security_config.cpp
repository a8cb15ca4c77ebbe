// glue-security-config on aws.account and aws.glue-catalog (Cloud Custodian's
// GlueCatalogEncryptionEnabled): the Data Catalog's encryption settings, EncryptionAtRest and
// ConnectionPasswordEncryption flattened into one mapping (kept as c7n:glue-security-config),
// matched by every attribute given. A key given as an alias matches the key the settings name
// when that alias is its first, as Cloud Custodian compares them.
#include <algorithm>

#include "aws/client.h"
#include "policy/attribute_matcher.h"
#include "policy/filter.h"
#include "resources/kms_key.h"
#include "resources/services.h"

namespace custos::resources {
namespace {

using policy::FilterContext;
using policy::Spec;

const char* const kSettings = "c7n:glue-security-config";
const char* const kKeyAttributes[] = {"SseAwsKmsKeyId", "AwsKmsKeyId"};

class GlueSecurityConfig : public policy::AnnotatingFilter {
 public:
  GlueSecurityConfig(const Spec& spec, const policy::BuildContext& context)
      : catalog_(context.resource.name == "aws.glue-catalog") {
    for (const auto& [key, value] : spec.value().items()) {
      if (key == "type") continue;
      attributes_.emplace_back(spec, key);
      if (value.is_string() && value.get<std::string>().starts_with("alias") &&
          (key == kKeyAttributes[0] || key == kKeyAttributes[1]))
        aliases_.emplace_back(key, value.get<std::string>());
    }
  }

  bool match(const Json& resource, const FilterContext& context) const override {
    Json settings = target(resource, context);
    return matches(settings);
  }
  std::vector<Json> process(std::vector<Json> resources,
                            const FilterContext& context) const override {
    std::vector<Json> kept;
    for (Json& resource : resources) {
      resource[kSettings] = target(resource, context);
      if (matches(resource[kSettings])) kept.push_back(std::move(resource));
    }
    return kept;
  }
  std::vector<std::string> permissions() const override {
    std::vector<std::string> needs = {"glue:GetDataCatalogEncryptionSettings"};
    if (!aliases_.empty()) needs.insert(needs.end(), {"kms:DescribeKey", "kms:ListAliases"});
    return needs;
  }

 private:
  // The flattened settings; a key named by an alias the policy gives is written as that alias
  // when it is the key's first, and null (no match) when it is not.
  Json target(const Json& resource, const FilterContext& context) const {
    Json settings = catalog_ ? resource.value("DataCatalogEncryptionSettings", Json::object())
                             : client(context)
                                   .call("glue", "GetDataCatalogEncryptionSettings", Json::object())
                                   .value("DataCatalogEncryptionSettings", Json::object());
    Json flat = settings.value("EncryptionAtRest", Json::object());
    flat.update(settings.value("ConnectionPasswordEncryption", Json::object()));
    for (const auto& [attribute, alias] : aliases_) {
      std::string named = flat.value(attribute, "");
      Json key = named.empty() ? Json() : kms_key_named(client(context), named);
      flat[attribute] = !key.is_null() && key["c7n:AliasName"] == alias ? Json(alias) : Json();
    }
    return flat;
  }

  bool matches(const Json& settings) const {
    return std::all_of(attributes_.begin(), attributes_.end(),
                       [&](const policy::AttributeMatcher& a) { return a.matches(settings); });
  }

  static const aws::Client& client(const FilterContext& context) {
    return policy::require_client(context, "the Data Catalog's encryption settings");
  }

  bool catalog_;
  std::vector<policy::AttributeMatcher> attributes_;
  std::vector<std::pair<std::string, std::string>> aliases_;  // attribute, alias
};

}  // namespace

void register_glue_security_config(policy::Registry& registry) {
  for (const char* type : {"aws.account", "aws.glue-catalog"})
    registry.add_filter(
        type, "glue-security-config",
        policy::filter_info<GlueSecurityConfig>(
            {"CatalogEncryptionMode", "SseAwsKmsKeyId", "ReturnConnectionPasswordEncrypted",
             "AwsKmsKeyId"},
            "The Data Catalog's encryption settings (EncryptionAtRest and "
            "ConnectionPasswordEncryption, kept as c7n:glue-security-config) with every "
            "attribute given; a key given as an alias is compared with the key's first alias",
            {"glue:GetDataCatalogEncryptionSettings", "kms:DescribeKey", "kms:ListAliases"}));
}

}  // namespace custos::resources
