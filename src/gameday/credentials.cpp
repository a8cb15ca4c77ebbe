#include "gameday/credentials.h"

#include <algorithm>

#include "gameday/events.h"
#include "gameday/seeding.h"

namespace custos::gameday {
namespace {

constexpr const char* kRevokePolicy = "custos-revoke-older-sessions";

// Inline and attached policies of a user or role ("User"/"Role"), removed.
void remove_policies(const aws::Client& client, const std::string& kind, const std::string& name) {
  Json who = {{kind + "Name", name}};
  for (const Json& inline_name :
       client.call("iam", "List" + kind + "Policies", who).value("PolicyNames", Json::array())) {
    Json params = who;
    params["PolicyName"] = inline_name;
    client.call("iam", "Delete" + kind + "Policy", params);
  }
  for (const Json& attached : client.call("iam", "ListAttached" + kind + "Policies", who)
                                  .value("AttachedPolicies", Json::array())) {
    Json params = who;
    params["PolicyArn"] = attached["PolicyArn"];
    client.call("iam", "Detach" + kind + "Policy", params);
  }
}

}  // namespace

Json access_key_finding(const aws::Client& client, const std::string& finding_type,
                        const std::string& user_name, const std::string& access_key_id,
                        const std::string& user_type) {
  Json key = {
      {"accessKeyId", access_key_id},
      {"principalId", (user_type == "IAMUser" ? "AIDA" : "AROA") + std::string("CUSTOSGAMEDAY") +
                          (user_type == "IAMUser" ? "" : ":stolen-session")},
      {"userName", user_name},
      {"userType", user_type}};
  Json action = {
      {"actionType", "AWS_API_CALL"},
      {"awsApiCallAction",
       {{"api", "ListBuckets"},
        {"serviceName", "s3.amazonaws.com"},
        {"callerType", "Remote IP"},
        {"remoteIpDetails",
         {{"ipAddressV4", "198.51.100.77"}, {"organization", {{"asnOrg", "Tor exit"}}}}}}}};
  return guardduty_finding(client,
                           {.type = finding_type,
                            .severity = 8,
                            .resource = {{"resourceType", "AccessKey"}, {"accessKeyDetails", key}},
                            .action = action,
                            .title = "API ListBuckets was invoked using " + user_type +
                                     " credentials from an unusual address."});
}

Check sessions_revoked(const aws::Client& client, const std::string& kind, const std::string& name,
                       bool expected) {
  Json names = client.call("iam", "List" + kind + "Policies", {{kind + "Name", name}})
                   .value("PolicyNames", Json::array());
  bool present = std::find(names.begin(), names.end(), kRevokePolicy) != names.end();
  std::string what = kind + " " + name +
                     (expected ? ": sessions issued before containment revoked"
                               : " (not in the finding): sessions untouched");
  return {what + " (inline policies: " + names.dump() + ")", present == expected};
}

void delete_user(const aws::Client& client, const std::string& user) {
  for (const Json& key : client.call("iam", "ListAccessKeys", {{"UserName", user}})
                             .value("AccessKeyMetadata", Json::array()))
    client.call("iam", "DeleteAccessKey",
                {{"UserName", user}, {"AccessKeyId", key.value("AccessKeyId", "")}});
  remove_policies(client, "User", user);
  client.call("iam", "DeleteUser", {{"UserName", user}});
}

void delete_role(const aws::Client& client, const std::string& role) {
  remove_policies(client, "Role", role);
  client.call("iam", "DeleteRole", {{"RoleName", role}});
}

}  // namespace custos::gameday
