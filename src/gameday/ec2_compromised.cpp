#include "gameday/events.h"
#include "gameday/instances.h"
#include "gameday/scenario.h"
#include "gameday/seeding.h"

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
    std::string run_id = new_run_id();
    std::string role = "custos-gameday-web-" + run_id;
    create_instance_role(client, role);
    std::string image = latest_linux_image(client);
    Json web = run_instances(
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
    wait_for_state(client, all, "running");
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
    return guardduty_finding(
        client,
        {.type = "CryptoCurrency:EC2/BitcoinTool.B!DNS",
         .severity = 8,
         .resource = instance_resource(seeded.details.at("instance")),
         .action =
             {{"actionType", "DNS_REQUEST"},
              {"dnsRequestAction",
               {{"domain", "xmr.pool.minergate.com"}, {"protocol", "UDP"}, {"blocked", false}}}},
         .title = "Bitcoin-related domain name queried by EC2 instance " + seeded.target_id + "."});
  }

  std::vector<Check> verify(const aws::Client& client, const Seeded& seeded) const override {
    const std::string& id = seeded.target_id;
    std::size_t volumes =
        seeded.details.at("instance").value("BlockDeviceMappings", Json::array()).size();
    std::vector<Check> checks = {instance_stopped(client, id), no_instance_profile(client, id),
                                 volumes_snapshotted(client, id, volumes)};
    for (const auto& bystander : seeded.bystander_ids)
      checks.push_back(still_running(client, bystander));
    return checks;
  }

  void clean_up(const aws::Client& client, const Seeded& seeded, std::ostream& out) const override {
    std::vector<std::string> ids = seeded.bystander_ids;
    ids.push_back(seeded.target_id);
    client.call("ec2", "TerminateInstances", {{"InstanceIds", ids}});
    delete_snapshots_of(client, seeded.target_id);
    std::string role = seeded.details.value("role", "");
    delete_instance_role(client, role);
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
