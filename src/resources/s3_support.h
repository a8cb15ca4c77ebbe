// What aws.s3's filters and actions share: the public access block, ACL grants to everyone,
// the {bucket_name}-style fields of statements, and their options.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "aws/client.h"
#include "core/json.h"
#include "policy/action.h"
#include "policy/registry.h"
#include "policy/spec.h"
#include "policy/vars.h"

namespace custos::resources {

// Where a bucket document says its region (Location, as GetBucketLocation answers).
inline constexpr const char* kBucketRegionField = "Location.LocationConstraint";
// The bucket's region from its Location (`fallback` while that is unknown), and `client`
// acting there.
std::string bucket_region(const Json& bucket, const std::string& fallback);
aws::Client bucket_client(const aws::Client& client, const Json& bucket);

inline constexpr const char* kPublicBlockKeys[] = {"BlockPublicAcls", "IgnorePublicAcls",
                                                   "BlockPublicPolicy", "RestrictPublicBuckets"};
inline constexpr const char* kPublicBlockAnnotation = "c7n:PublicAccessBlock";
// Every setting false: what a bucket without a public access block has.
Json public_block_off();
// The bucket's (or, with s3control and {AccountId}, the account's) public access block with
// every setting, or nullopt when it has none.
std::optional<Json> public_block(const aws::Client& client, const std::string& service,
                                 const Json& params);
inline std::optional<Json> bucket_public_block(const aws::Client& client,
                                               const std::string& bucket) {
  return public_block(client, "s3", {{"Bucket", bucket}});
}

inline constexpr const char* kAllUsers = "http://acs.amazonaws.com/groups/global/AllUsers";
inline constexpr const char* kAuthenticatedUsers =
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
inline const std::vector<std::string> kGlobalGroups = {kAuthenticatedUsers, kAllUsers};
// Whether the bucket serves a website (its Website configuration is not empty).
bool is_website(const Json& bucket);
// The grants of `acl` to one of `grantees` (group URIs), READ on a website bucket aside when
// `allow_website`, as Cloud Custodian's global-grants and delete-global-grants see them.
Json global_grants(const Json& acl, bool website, bool allow_website,
                   const std::vector<std::string>& grantees);

// Cloud Custodian's get_std_format_args: bucket_name, bucket_region, region (when known) and,
// when `context` is given, account_id (asked of STS on first use).
policy::Variables bucket_variables(const Json& bucket, const std::string& bucket_region,
                                   const std::string& region, const policy::ActionContext* context);
// Fails at compile time on a malformed {field} in the strings of option `key`.
void check_formats(const policy::Spec& spec, const char* key);

// A list of ACL permissions (absent: empty).
std::vector<std::string> permission_list_option(const policy::Spec& spec, const char* key);

// Empties a bucket so that DeleteBucket can remove it (delete's remove-contents, as Cloud
// Custodian's): multipart uploads aborted, then every delete marker and object version deleted
// by its version id, 1,000 a call. Cloud Custodian also stops replication and suspends
// versioning first; deleting by version id makes no new markers, so custos leaves both alone
// (and moto 5.2, once versioning is suspended, fails to delete a key's last version).
// Says what it did.
std::string empty_bucket(const aws::Client& client, const Json& bucket);

void register_s3_actions(policy::Registry& registry);
// bucket-logging and toggle-logging (s3_logging.cpp).
void register_s3_logging(policy::Registry& registry);
// intelligent-tiering and set-intelligent-tiering (s3_intelligent_tiering.cpp).
void register_s3_intelligent_tiering(policy::Registry& registry);
// bucket-notification and delete-bucket-notification (s3_notifications.cpp).
void register_s3_notifications(policy::Registry& registry);

}  // namespace custos::resources
