// The IAM credential report as Cloud Custodian's `credential` filter reads it: the CSV parsed and
// each row transformed as CredentialReport.process_user_record does, fetched (and generated when
// missing or stale) once per account in a process; and which access keys its matches name.
#pragma once

#include <string_view>

#include "core/json.h"
#include "policy/registry.h"

namespace custos::resources {

// {user name: record} from the report's CSV text: "N/A" and "no_information" become null,
// "true"/"false" booleans, and access_key_1_* .. cert_2_* lists of objects under access_keys
// and certs (with the prefix stripped; only keys active or ever rotated).
Json credential_records(std::string_view csv);

// The access keys of `keys` (ListAccessKeys' AccessKeyMetadata) that the items of
// c7n:matched-keys name, each once: a credential-report match by its last_rotated time (the
// key's CreateDate, to the second, as Cloud Custodian's resolve_credential_keys), any other by
// its AccessKeyId.
Json resolve_matched_keys(const Json& matched, const Json& keys);

// The `credential` filter of aws.iam-user.
policy::FilterInfo credential_filter_info();

}  // namespace custos::resources
