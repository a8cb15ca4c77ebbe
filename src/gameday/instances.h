// The EC2 side of the scenarios: instances with roles seeded as a workload would run them, and
// the checks that an instance was contained (stopped, role gone, volumes snapshotted).
#pragma once

#include <string>
#include <vector>

#include "aws/client.h"
#include "core/json.h"
#include "gameday/scenario.h"

namespace custos::gameday {

// A role's trust policy letting EC2 instances assume it.
inline constexpr const char* kEc2TrustPolicy =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]})";

Json describe_instance(const aws::Client& client, const std::string& id);
// The latest Amazon Linux 2023 image, from AWS's public SSM parameter.
std::string latest_linux_image(const aws::Client& client);
// RunInstances, retried while a new instance profile is not yet usable (real IAM takes seconds).
Json run_instances(const aws::Client& client, const Json& params);
// Waits (3 minutes at most) until each instance is in `state` ("running", "terminated").
void wait_for_state(const aws::Client& client, const std::vector<std::string>& ids,
                    const std::string& state);

// A role EC2 may assume and its instance profile, both named `name`; and their removal.
void create_instance_role(const aws::Client& client, const std::string& name);
void delete_instance_role(const aws::Client& client, const std::string& name);

// A GuardDuty finding's detail.resource for `instance` (as DescribeInstances describes it).
Json instance_resource(const Json& instance);

// The checks of a contained instance, and of a bystander left alone.
Check instance_stopped(const aws::Client& client, const std::string& id);
Check no_instance_profile(const aws::Client& client, const std::string& id);
// Each of the `volumes` the instance had is snapshotted, tagged custos:instance-id=<id>.
Check volumes_snapshotted(const aws::Client& client, const std::string& id, std::size_t volumes);
Check still_running(const aws::Client& client, const std::string& id);
// The snapshots containment took of instance `id`'s volumes, deleted.
void delete_snapshots_of(const aws::Client& client, const std::string& id);

}  // namespace custos::gameday
