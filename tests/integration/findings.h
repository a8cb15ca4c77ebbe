// GuardDuty findings and CloudTrail calls as EventBridge delivers them, built from the real
// samples in tests/data/events/ and pointed at the resources a test created.
#pragma once

#include <string>

#include "core/json.h"

namespace custos::test {

// Cloud Custodian's EC2 finding (Backdoor:EC2/C&CActivity.B!DNS) about `instance_id`, as a
// real finding (the sample's "sample": true cleared).
Json instance_finding(const std::string& instance_id, int severity = 8);
// Cloud Custodian's IAM finding (UnauthorizedAccess:IAMUser/TorIPCaller) about the access key
// `access_key_id` of `user_name`; `user_type` "IAMUser" or "AssumedRole" (then `user_name` is
// the role's name).
Json access_key_finding(const std::string& user_name, const std::string& access_key_id,
                        const std::string& user_type = "IAMUser");
// GuardDuty's S3 finding (PenTest:S3/ParrotLinux) naming `bucket`.
Json bucket_finding(const std::string& bucket);
// An "AWS API Call via CloudTrail" event: `event_name` of `event_source` with these request
// parameters, made by an IAM user.
Json cloudtrail_call(const std::string& event_source, const std::string& event_name,
                     const Json& request_parameters);

// The policy that contains an instance a finding names (tests/data/policies/).
std::string contain_policy();

}  // namespace custos::test
