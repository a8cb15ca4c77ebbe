// The IAM side of the scenarios: GuardDuty's finding about an access key, and the checks and
// clean-up of users and roles the credential-compromise policies act on.
#pragma once

#include <string>

#include "aws/client.h"
#include "core/json.h"
#include "gameday/scenario.h"

namespace custos::gameday {

// GuardDuty's finding that `access_key_id` of `user_name` was used from an anonymising proxy;
// `user_type` "IAMUser" or "AssumedRole" (then `user_name` is the role's name).
Json access_key_finding(const aws::Client& client, const std::string& finding_type,
                        const std::string& user_name, const std::string& access_key_id,
                        const std::string& user_type);

// The inline policy revoke-sessions puts on a user or role: present (or not).
Check sessions_revoked(const aws::Client& client, const std::string& kind, const std::string& name,
                       bool expected);

// Deletes the user with its keys and policies (what a game day gave it, and containment added).
void delete_user(const aws::Client& client, const std::string& user);
void delete_role(const aws::Client& client, const std::string& role);

}  // namespace custos::gameday
