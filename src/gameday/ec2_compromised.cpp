#include <chrono>
#include <thread>

#include "core/error.h"
#include "core/uuid.h"
#include "gameday/scenario.h"

namespace custos::gameday {
namespace {

// The reference incident's policy, exactly as a Cloud Custodian user would write it.
constexpr const char* kPolicy = R"(policies:
  - name: ec2-compromised-contain
    resource: aws.ec2
    mode:
      type: guard-duty
    filters:
      - type: event
        key: detail.severity
        op: gte
        value: 4          # medium and high
    actions:
      - type: set-instance-profile   # no name: remove the role
      - stop
      - snapshot
)";

constexpr const char* kTrustPolicy =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]})";

Json tag_list(const std::string& name, const std::string& run_id) {
  return Json::array(
      {{{"Key", "Name"}, {"Value", name}}, {{"Key", "custos:gameday"}, {"Value", run_id}}});
}

Json describe_instance(const aws::Client& client, const std::string& id) {
  Json result = client.call("ec2", "DescribeInstances", {{"InstanceIds", {id}}});
  return result.at("Reservations").at(0).at("Instances").at(0);
}

// Real IAM takes seconds to make a new instance profile usable by EC2; retry until it is.
Json run_instances_when_profile_ready(const aws::Client& client, const Json& params) {
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

void wait_until_running(const aws::Client& client, const std::vector<std::string>& ids) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
  for (const auto& id : ids) {
    while (describe_instance(client, id).at("State").value("Name", "") != "running") {
      if (std::chrono::steady_clock::now() > deadline)
        throw Error("instance " + id + " did not reach 'running' within 3 minutes");
      std::this_thread::sleep_for(std::chrono::seconds(2));
    }
  }
}

std::string iso_now() {
  auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return text;
}

class Ec2Compromised : public Scenario {
 public:
  std::string name() const override { return "ec2-compromised"; }
  std::string description() const override {
    return "an instance with a role queries a bitcoin-mining domain (GuardDuty "
           "CryptoCurrency:EC2/BitcoinTool.B!DNS, severity 8): remove its role, stop it, "
           "snapshot its volumes";
  }
  std::string policy_yaml() const override { return kPolicy; }

  Seeded seed(const aws::Client& client, std::ostream& out) const override {
    std::string run_id = random_uuid().substr(0, 8);
    std::string role = "custos-gameday-web-" + run_id;
    client.call("iam", "CreateRole",
                {{"RoleName", role}, {"AssumeRolePolicyDocument", kTrustPolicy}});
    client.call("iam", "CreateInstanceProfile", {{"InstanceProfileName", role}});
    client.call("iam", "AddRoleToInstanceProfile",
                {{"InstanceProfileName", role}, {"RoleName", role}});
    std::string image = client
                            .call("ssm", "GetParameter",
                                  {{"Name",
                                    "/aws/service/ami-amazon-linux-latest/"
                                    "al2023-ami-kernel-default-x86_64"}})
                            .at("Parameter")
                            .value("Value", "");
    Json web = run_instances_when_profile_ready(
        client,
        {{"ImageId", image},
         {"InstanceType", "t3.micro"},
         {"MinCount", 1},
         {"MaxCount", 1},
         {"IamInstanceProfile", {{"Name", role}}},
         {"BlockDeviceMappings",
          Json::array({{{"DeviceName", "/dev/xvda"}, {"Ebs", {{"VolumeSize", 8}}}},
                       {{"DeviceName", "/dev/sdf"}, {"Ebs", {{"VolumeSize", 4}}}}})},
         {"TagSpecifications", Json::array({{{"ResourceType", "instance"},
                                             {"Tags", tag_list("gameday-web", run_id)}}})}});
    Json others = client.call(
        "ec2", "RunInstances",
        {{"ImageId", image},
         {"InstanceType", "t3.micro"},
         {"MinCount", 2},
         {"MaxCount", 2},
         {"TagSpecifications", Json::array({{{"ResourceType", "instance"},
                                             {"Tags", tag_list("gameday-bystander", run_id)}}})}});
    Seeded seeded;
    seeded.target_id = web.at("Instances").at(0).value("InstanceId", "");
    for (const Json& instance : others.at("Instances"))
      seeded.bystander_ids.push_back(instance.value("InstanceId", ""));
    std::vector<std::string> all = seeded.bystander_ids;
    all.push_back(seeded.target_id);
    wait_until_running(client, all);
    Json target = describe_instance(client, seeded.target_id);
    seeded.details = {{"role", role}, {"image", image}, {"instance", target}};
    out << "seed       role and instance profile " << role << "; instance " << seeded.target_id
        << " (with the role, volumes";
    for (const Json& mapping : target.value("BlockDeviceMappings", Json::array()))
      out << " " << mapping.at("Ebs").value("VolumeId", "");
    out << "); bystanders";
    for (const auto& id : seeded.bystander_ids) out << " " << id;
    out << "\n";
    return seeded;
  }

  Json finding(const aws::Client& client, const Seeded& seeded) const override {
    const Json& instance = seeded.details.at("instance");
    std::string account = client.call("sts", "GetCallerIdentity").value("Account", "");
    std::string region = client.session().region();
    std::string id = random_uuid();
    std::string now = iso_now();
    Json tags = Json::array();
    for (const Json& tag : instance.value("Tags", Json::array()))
      tags.push_back({{"key", tag.value("Key", "")}, {"value", tag.value("Value", "")}});
    Json detail = {
        {"schemaVersion", "2.0"},
        {"accountId", account},
        {"region", region},
        {"partition", "aws"},
        {"id", id},
        {"arn",
         "arn:aws:guardduty:" + region + ":" + account + ":detector/custosgameday/finding/" + id},
        {"type", "CryptoCurrency:EC2/BitcoinTool.B!DNS"},
        {"resource",
         {{"resourceType", "Instance"},
          {"instanceDetails",
           {{"instanceId", seeded.target_id},
            {"instanceType", instance.value("InstanceType", "")},
            {"imageId", instance.value("ImageId", "")},
            {"instanceState", "running"},
            {"availabilityZone",
             instance.value("Placement", Json::object()).value("AvailabilityZone", "")},
            {"iamInstanceProfile",
             {{"arn", instance.value("IamInstanceProfile", Json::object()).value("Arn", "")},
              {"id", instance.value("IamInstanceProfile", Json::object()).value("Id", "")}}},
            {"tags", tags}}}}},
        {"service",
         {{"serviceName", "guardduty"},
          {"detectorId", "custosgameday"},
          {"action",
           {{"actionType", "DNS_REQUEST"},
            {"dnsRequestAction",
             {{"domain", "xmr.pool.minergate.com"}, {"protocol", "UDP"}, {"blocked", false}}}}},
          {"resourceRole", "ACTOR"},
          {"eventFirstSeen", now},
          {"eventLastSeen", now},
          {"archived", false},
          {"count", 1}}},
        {"severity", 8},
        {"createdAt", now},
        {"updatedAt", now},
        {"title", "Bitcoin-related domain name queried by EC2 instance " + seeded.target_id + "."},
        {"description",
         "EC2 instance " + seeded.target_id +
             " is querying a domain name that is associated with Bitcoin-related activity."}};
    return {{"version", "0"},
            {"id", random_uuid()},
            {"detail-type", "GuardDuty Finding"},
            {"source", "aws.guardduty"},
            {"account", account},
            {"time", now},
            {"region", region},
            {"resources", Json::array()},
            {"detail", detail}};
  }

  std::vector<Check> verify(const aws::Client& client, const Seeded& seeded) const override {
    std::vector<Check> checks;
    const std::string& id = seeded.target_id;
    Json target = describe_instance(client, id);
    std::string state = target.at("State").value("Name", "");
    checks.push_back(
        {id + " is stopped (state: " + state + ")", state == "stopped" || state == "stopping"});
    Json associations = client.call(
        "ec2", "DescribeIamInstanceProfileAssociations",
        {{"Filters",
          Json::array({{{"Name", "instance-id"}, {"Values", {id}}},
                       {{"Name", "state"}, {"Values", {"associated", "associating"}}}})}});
    auto attached = associations.value("IamInstanceProfileAssociations", Json::array()).size();
    checks.push_back({id + " has no instance profile (attached: " + std::to_string(attached) + ")",
                      attached == 0});
    std::size_t volumes =
        seeded.details.at("instance").value("BlockDeviceMappings", Json::array()).size();
    Json snapshots = client.call(
        "ec2", "DescribeSnapshots",
        {{"OwnerIds", {"self"}},
         {"Filters", Json::array({{{"Name", "tag:custos:instance-id"}, {"Values", {id}}}})}});
    auto taken = snapshots.value("Snapshots", Json::array()).size();
    checks.push_back({std::to_string(taken) + " of " + std::to_string(volumes) +
                          " volumes snapshotted and tagged custos:instance-id=" + id,
                      volumes > 0 && taken == volumes});
    for (const auto& bystander : seeded.bystander_ids) {
      std::string other = describe_instance(client, bystander).at("State").value("Name", "");
      checks.push_back({bystander + " (not in the finding) still running (state: " + other + ")",
                        other == "running"});
    }
    return checks;
  }

  void clean_up(const aws::Client& client, const Seeded& seeded, std::ostream& out) const override {
    std::vector<std::string> ids = seeded.bystander_ids;
    ids.push_back(seeded.target_id);
    client.call("ec2", "TerminateInstances", {{"InstanceIds", ids}});
    Json snapshots = client.call(
        "ec2", "DescribeSnapshots",
        {{"OwnerIds", {"self"}},
         {"Filters",
          Json::array({{{"Name", "tag:custos:instance-id"}, {"Values", {seeded.target_id}}}})}});
    for (const Json& snap : snapshots.value("Snapshots", Json::array()))
      client.call("ec2", "DeleteSnapshot", {{"SnapshotId", snap.value("SnapshotId", "")}});
    std::string role = seeded.details.value("role", "");
    client.call("iam", "RemoveRoleFromInstanceProfile",
                {{"InstanceProfileName", role}, {"RoleName", role}});
    client.call("iam", "DeleteInstanceProfile", {{"InstanceProfileName", role}});
    client.call("iam", "DeleteRole", {{"RoleName", role}});
    out << "clean-up   terminated " << ids.size()
        << " instances, deleted snapshots, profile and role " << role << "\n";
  }
};

}  // namespace

const Scenario& ec2_compromised_scenario() {
  static const Ec2Compromised scenario;
  return scenario;
}

}  // namespace custos::gameday
