#include "gameday/instances.h"

#include <chrono>
#include <thread>

#include "core/error.h"

namespace custos::gameday {

Json describe_instance(const aws::Client& client, const std::string& id) {
  Json result = client.call("ec2", "DescribeInstances", {{"InstanceIds", {id}}});
  return result.at("Reservations").at(0).at("Instances").at(0);
}

std::string latest_linux_image(const aws::Client& client) {
  return client
      .call("ssm", "GetParameter",
            {{"Name", "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"}})
      .at("Parameter")
      .value("Value", "");
}

Json run_instances(const aws::Client& client, const Json& params) {
  for (int attempt = 1;; ++attempt) {
    try {
      return client.call("ec2", "RunInstances", params);
    } catch (const aws::AwsError& e) {
      bool propagating = e.code() == "InvalidParameterValue" &&
                         e.aws_message().find("nstance profile") != std::string::npos;
      if (!propagating || attempt == 15) throw;
      std::this_thread::sleep_for(std::chrono::seconds(2));
    }
  }
}

void wait_for_state(const aws::Client& client, const std::vector<std::string>& ids,
                    const std::string& state) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
  for (const auto& id : ids) {
    while (describe_instance(client, id).at("State").value("Name", "") != state) {
      if (std::chrono::steady_clock::now() > deadline)
        throw Error("instance " + id + " did not reach '" + state + "' within 3 minutes");
      std::this_thread::sleep_for(std::chrono::seconds(2));
    }
  }
}

void create_instance_role(const aws::Client& client, const std::string& name) {
  client.call("iam", "CreateRole",
              {{"RoleName", name}, {"AssumeRolePolicyDocument", kEc2TrustPolicy}});
  client.call("iam", "CreateInstanceProfile", {{"InstanceProfileName", name}});
  client.call("iam", "AddRoleToInstanceProfile",
              {{"InstanceProfileName", name}, {"RoleName", name}});
}

void delete_instance_role(const aws::Client& client, const std::string& name) {
  client.call("iam", "RemoveRoleFromInstanceProfile",
              {{"InstanceProfileName", name}, {"RoleName", name}});
  client.call("iam", "DeleteInstanceProfile", {{"InstanceProfileName", name}});
  client.call("iam", "DeleteRole", {{"RoleName", name}});
}

Json instance_resource(const Json& instance) {
  Json tags = Json::array();
  for (const Json& tag : instance.value("Tags", Json::array()))
    tags.push_back({{"key", tag.value("Key", "")}, {"value", tag.value("Value", "")}});
  const Json& profile = instance.value("IamInstanceProfile", Json::object());
  Json details = {
      {"instanceId", instance.value("InstanceId", "")},
      {"instanceType", instance.value("InstanceType", "")},
      {"imageId", instance.value("ImageId", "")},
      {"instanceState", "running"},
      {"availabilityZone",
       instance.value("Placement", Json::object()).value("AvailabilityZone", "")},
      {"iamInstanceProfile", {{"arn", profile.value("Arn", "")}, {"id", profile.value("Id", "")}}},
      {"tags", tags}};
  return {{"resourceType", "Instance"}, {"instanceDetails", details}};
}

Check instance_stopped(const aws::Client& client, const std::string& id) {
  std::string state = describe_instance(client, id).at("State").value("Name", "");
  return {id + " is stopped (state: " + state + ")", state == "stopped" || state == "stopping"};
}

Check no_instance_profile(const aws::Client& client, const std::string& id) {
  Json associations = client.call(
      "ec2", "DescribeIamInstanceProfileAssociations",
      {{"Filters", Json::array({{{"Name", "instance-id"}, {"Values", {id}}},
                                {{"Name", "state"}, {"Values", {"associated", "associating"}}}})}});
  auto attached = associations.value("IamInstanceProfileAssociations", Json::array()).size();
  return {id + " has no instance profile (attached: " + std::to_string(attached) + ")",
          attached == 0};
}

namespace {

Json snapshots_of(const aws::Client& client, const std::string& id) {
  return client
      .call("ec2", "DescribeSnapshots",
            {{"OwnerIds", {"self"}},
             {"Filters", Json::array({{{"Name", "tag:custos:instance-id"}, {"Values", {id}}}})}})
      .value("Snapshots", Json::array());
}

}  // namespace

Check volumes_snapshotted(const aws::Client& client, const std::string& id, std::size_t volumes) {
  auto taken = snapshots_of(client, id).size();
  return {std::to_string(taken) + " of " + std::to_string(volumes) +
              " volumes snapshotted and tagged custos:instance-id=" + id,
          volumes > 0 && taken == volumes};
}

Check still_running(const aws::Client& client, const std::string& id) {
  std::string state = describe_instance(client, id).at("State").value("Name", "");
  return {id + " (not in the finding) still running (state: " + state + ")", state == "running"};
}

void delete_snapshots_of(const aws::Client& client, const std::string& id) {
  for (const Json& snapshot : snapshots_of(client, id))
    client.call("ec2", "DeleteSnapshot", {{"SnapshotId", snapshot.value("SnapshotId", "")}});
}

}  // namespace custos::gameday
