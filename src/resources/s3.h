// aws.s3: S3 buckets as Cloud Custodian describes them, with the filters and actions that
// close a bucket exposed by a compromise (public access block, policy statements, ACL grants)
// and remove what an intruder left (delete-objects).
#pragma once

#include "policy/registry.h"

namespace custos::resources {
void register_s3(policy::Registry& registry);
}
