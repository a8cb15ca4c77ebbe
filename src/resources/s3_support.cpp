#include "resources/s3_support.h"

#include <algorithm>

#include "policy/describe.h"

namespace custos::resources {

std::string bucket_region(const Json& bucket, const std::string& fallback) {
  static const policy::ResourceType kBuckets = [] {
    policy::ResourceType type;
    type.region_field = kBucketRegionField;
    return type;
  }();
  return policy::region_of(kBuckets, bucket, fallback);
}

aws::Client bucket_client(const aws::Client& client, const Json& bucket) {
  return client.in_region(bucket_region(bucket, client.session().region()));
}

Json public_block_off() {
  Json config = Json::object();
  for (const char* key : kPublicBlockKeys) config[key] = false;
  return config;
}

std::optional<Json> public_block(const aws::Client& client, const std::string& service,
                                 const Json& params) {
  try {
    Json config = public_block_off();
    Json answer = client.call(service, "GetPublicAccessBlock", params)
                      .value("PublicAccessBlockConfiguration", Json::object());
    for (const char* key : kPublicBlockKeys) config[key] = answer.value(key, false);
    return config;
  } catch (const aws::AwsError& e) {
    if (e.code() == "NoSuchPublicAccessBlockConfiguration") return std::nullopt;
    throw;
  }
}

bool is_website(const Json& bucket) {
  auto website = bucket.find("Website");
  return website != bucket.end() && !website->is_null() && !website->empty();
}

Json global_grants(const Json& acl, bool website, bool allow_website,
                   const std::vector<std::string>& grantees) {
  Json found = Json::array();
  if (!acl.is_object()) return found;
  for (const Json& grant : acl.value("Grants", Json::array())) {
    std::string uri = grant.value("Grantee", Json::object()).value("URI", "");
    if (std::find(grantees.begin(), grantees.end(), uri) == grantees.end()) continue;
    if (allow_website && website && grant.value("Permission", "") == "READ") continue;
    found.push_back(grant);
  }
  return found;
}

policy::Variables bucket_variables(const Json& bucket, const std::string& bucket_region,
                                   const std::string& region,
                                   const policy::ActionContext* context) {
  policy::Variables vars;
  vars.set("bucket_name", bucket.value("Name", ""));
  vars.set("bucket_region", bucket_region);
  if (!region.empty()) vars.set("region", region);
  if (context) vars.set_lazy("account_id", [context] { return Json(context->account_id()); });
  return vars;
}

void check_formats(const policy::Spec& spec, const char* key) {
  if (!spec.has(key)) return;
  try {
    policy::format_string_values(spec.value()[key], policy::Variables());
  } catch (const InputError& e) {
    spec.child(key).fail(std::string("'") + key + "': " + e.what());
  }
}

std::vector<std::string> permission_list_option(const policy::Spec& spec, const char* key) {
  static const std::vector<std::string> kPermissions = {"READ", "WRITE", "WRITE_ACP", "READ_ACP",
                                                        "FULL_CONTROL"};
  std::vector<std::string> permissions = spec.string_list(key);
  for (std::size_t i = 0; i < permissions.size(); ++i)
    if (std::find(kPermissions.begin(), kPermissions.end(), permissions[i]) == kPermissions.end())
      spec.child(key).element(i).fail("'" + permissions[i] +
                                      "' is not an ACL permission (READ, WRITE, WRITE_ACP, "
                                      "READ_ACP, FULL_CONTROL)");
  return permissions;
}

}  // namespace custos::resources
