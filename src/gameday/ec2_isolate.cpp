// An instance talking to a command-and-control server, contained by the pack's whole EC2 policy:
// evidence kept, role removed, isolated in two steps, stopped, tagged, the team told. Seeded in a
// VPC of its own, so the forensic groups the pack names cannot clash with an account's own.
#include "gameday/events.h"
#include "gameday/instances.h"
#include "gameday/scenario.h"
#include "gameday/seeding.h"
#include "packs/packs.h"

namespace custos::gameday {
namespace {

std::string create_group(const aws::Client& client, const std::string& vpc, const std::string& name,
                         const std::string& description) {
  return client
      .call("ec2", "CreateSecurityGroup",
            {{"VpcId", vpc}, {"GroupName", name}, {"Description", description}})
      .value("GroupId", "");
}

Json everywhere(const std::string& protocol, int from, int to) {
  Json rule = {{"IpProtocol", protocol}, {"IpRanges", Json::array({{{"CidrIp", "0.0.0.0/0"}}})}};
  if (protocol != "-1") rule.update({{"FromPort", from}, {"ToPort", to}});
  return Json::array({rule});
}

// The groups the pack's policy expects in the instance's VPC, and the web group it lives in.
Json seed_groups(const aws::Client& client, const std::string& vpc) {
  std::string web = create_group(client, vpc, "web", "ssh from anywhere, as found");
  client.call("ec2", "AuthorizeSecurityGroupIngress",
              {{"GroupId", web}, {"IpPermissions", everywhere("tcp", 22, 22)}});
  std::string untrack = create_group(client, vpc, "untrack-all", "all traffic: untracks flows");
  client.call("ec2", "AuthorizeSecurityGroupIngress",
              {{"GroupId", untrack}, {"IpPermissions", everywhere("-1", 0, 0)}});
  std::string forensic = create_group(client, vpc, "forensic-isolation", "no traffic at all");
  client.call("ec2", "RevokeSecurityGroupEgress",
              {{"GroupId", forensic}, {"IpPermissions", everywhere("-1", 0, 0)}});
  return {{"web", web}, {"untrack-all", untrack}, {"forensic-isolation", forensic}};
}

// The groups of every network interface of the instance, as the interfaces themselves say
// (moto's DescribeInstances still lists the groups an instance was launched with).
Json groups_of(const aws::Client& client, const std::string& id) {
  Json enis = Json::array();
  for (const Json& eni : describe_instance(client, id).value("NetworkInterfaces", Json::array()))
    enis.push_back(eni.value("NetworkInterfaceId", ""));
  Json ids = Json::array();
  Json interfaces =
      client.call("ec2", "DescribeNetworkInterfaces", {{"NetworkInterfaceIds", enis}});
  for (const Json& eni : interfaces.value("NetworkInterfaces", Json::array()))
    for (const Json& group : eni.value("Groups", Json::array()))
      ids.push_back(group.value("GroupId", ""));
  return ids;
}

Check forensic_group_empty(const aws::Client& client, const std::string& group) {
  Json described = client.call("ec2", "DescribeSecurityGroups", {{"GroupIds", {group}}});
  const Json& found = described.at("SecurityGroups").at(0);
  auto rules = found.value("IpPermissions", Json::array()).size() +
               found.value("IpPermissionsEgress", Json::array()).size();
  return {"forensic-isolation " + group + " allows nothing (" + std::to_string(rules) + " rules)",
          rules == 0};
}

Check flag_set(const aws::Client& client, const std::string& id, const std::string& attribute,
               const std::string& member) {
  Json answer = client.call("ec2", "DescribeInstanceAttribute",
                            {{"InstanceId", id}, {"Attribute", attribute}});
  return check_equal(id + " " + attribute + " on", answer[member]["Value"], true);
}

Check volumes_kept(const Json& instance) {
  std::size_t kept = 0, volumes = 0;
  for (const Json& mapping : instance.value("BlockDeviceMappings", Json::array())) {
    ++volumes;
    kept += !mapping.at("Ebs").value("DeleteOnTermination", true);
  }
  return {std::to_string(kept) + " of " + std::to_string(volumes) +
              " volumes kept when it terminates (DeleteOnTermination false)",
          volumes > 0 && kept == volumes};
}

Check tagged(const Json& instance, const std::string& key, const std::string& value) {
  Json found = nullptr;
  for (const Json& tag : instance.value("Tags", Json::array()))
    if (tag.value("Key", "") == key) found = tag["Value"];
  return check_equal("tagged " + key + "=" + value, found, value);
}

class Ec2Isolate : public Scenario {
 public:
  std::string name() const override { return "ec2-isolate"; }
  std::string description() const override {
    return "an instance calls a command-and-control server (GuardDuty "
           "Backdoor:EC2/C&CActivity.B!DNS): the pack's EC2 policy keeps the evidence, removes "
           "its role, isolates it in two steps, stops it and tells the team";
  }
  std::string policy_yaml() const override {
    return packs::shipped_policy("incident-response/ec2-compromised.yml");
  }

  Seeded seed(const aws::Client& client, std::ostream& out) const override {
    std::string run_id = new_run_id();
    Json vpc_tags = Json::array(
        {{{"ResourceType", "vpc"}, {"Tags", tag_list("custos-gameday-" + run_id, run_id)}}});
    std::string vpc = client
                          .call("ec2", "CreateVpc",
                                {{"CidrBlock", "10.99.0.0/16"}, {"TagSpecifications", vpc_tags}})
                          .at("Vpc")
                          .value("VpcId", "");
    std::string subnet = client
                             .call("ec2", "CreateSubnet",
                                   {{"VpcId", vpc},
                                    {"CidrBlock", "10.99.1.0/24"},
                                    {"AvailabilityZone", client.session().region() + "a"}})
                             .at("Subnet")
                             .value("SubnetId", "");
    Json groups = seed_groups(client, vpc);
    std::string role = "custos-gameday-c2-" + run_id;
    create_instance_role(client, role);
    Json params = {{"ImageId", latest_linux_image(client)},
                   {"InstanceType", "t3.micro"},
                   {"MinCount", 1},
                   {"MaxCount", 1},
                   {"SubnetId", subnet},
                   {"SecurityGroupIds", {groups["web"]}}};
    Json target = params;
    // Launched on an interface of its own making: moto reports an instance's launch groups on
    // its interface for ever after, whatever the interface is changed to; AWS does not.
    std::string eni = client
                          .call("ec2", "CreateNetworkInterface",
                                {{"SubnetId", subnet}, {"Groups", {groups["web"]}}})
                          .at("NetworkInterface")
                          .value("NetworkInterfaceId", "");
    target.erase("SubnetId");
    target.erase("SecurityGroupIds");
    target["NetworkInterfaces"] = Json::array({{{"DeviceIndex", 0}, {"NetworkInterfaceId", eni}}});
    target["IamInstanceProfile"] = {{"Name", role}};
    target["BlockDeviceMappings"] =
        Json::array({{{"DeviceName", "/dev/xvda"}, {"Ebs", {{"VolumeSize", 8}}}}});
    target["TagSpecifications"] =
        Json::array({{{"ResourceType", "instance"}, {"Tags", tag_list("gameday-c2", run_id)}}});
    params["TagSpecifications"] = Json::array(
        {{{"ResourceType", "instance"}, {"Tags", tag_list("gameday-bystander", run_id)}}});
    Seeded seeded;
    seeded.target_id = run_instances(client, target).at("Instances").at(0).value("InstanceId", "");
    seeded.bystander_ids = {
        run_instances(client, params).at("Instances").at(0).value("InstanceId", "")};
    wait_for_state(client, {seeded.target_id, seeded.bystander_ids[0]}, "running");
    seeded.details = {{"vpc", vpc},
                      {"subnet", subnet},
                      {"groups", groups},
                      {"eni", eni},
                      {"role", role},
                      {"instance", describe_instance(client, seeded.target_id)},
                      {"queue", alert_queue_json(alert_queue(client))}};
    out << "seed       VPC " << vpc << " with groups web, untrack-all, forensic-isolation; "
        << "instance " << seeded.target_id << " (role " << role << ", group web); bystander "
        << seeded.bystander_ids[0] << " (group web); queue custos-alerts\n";
    return seeded;
  }

  Json finding(const aws::Client& client, const Seeded& seeded) const override {
    return guardduty_finding(
        client, {.type = "Backdoor:EC2/C&CActivity.B!DNS",
                 .severity = 8,
                 .resource = instance_resource(seeded.details.at("instance")),
                 .action = {{"actionType", "DNS_REQUEST"},
                            {"dnsRequestAction",
                             {{"domain", "c2.gameday.custos.invalid"}, {"protocol", "UDP"}}}},
                 .title = "Command and Control server domain name queried by EC2 instance " +
                          seeded.target_id + "."});
  }

  std::vector<Check> verify(const aws::Client& client, const Seeded& seeded) const override {
    const std::string& id = seeded.target_id;
    const Json& groups = seeded.details.at("groups");
    Json instance = describe_instance(client, id);
    std::string forensic = groups.value("forensic-isolation", "");
    std::string bystander = seeded.bystander_ids.at(0);
    return {check_equal(id + " is only in forensic-isolation", groups_of(client, id),
                        Json::array({forensic})),
            forensic_group_empty(client, forensic),
            no_instance_profile(client, id),
            instance_stopped(client, id),
            flag_set(client, id, "disableApiTermination", "DisableApiTermination"),
            volumes_kept(instance),
            volumes_snapshotted(client, id, 1),
            tagged(instance, "custos-incident", "ec2-compromised"),
            alert_sent(client, seeded.details.at("queue")),
            still_running(client, bystander),
            check_equal(bystander + " (not in the finding) still in web",
                        groups_of(client, bystander), Json::array({groups["web"]}))};
  }

  void clean_up(const aws::Client& client, const Seeded& seeded, std::ostream& out) const override {
    const std::string& id = seeded.target_id;
    client.call("ec2", "ModifyInstanceAttribute",
                {{"InstanceId", id}, {"DisableApiTermination", {{"Value", false}}}});
    std::vector<std::string> ids = {id, seeded.bystander_ids.at(0)};
    client.call("ec2", "TerminateInstances", {{"InstanceIds", ids}});
    wait_for_state(client, ids, "terminated");
    delete_snapshots_of(client, id);
    for (const Json& mapping :
         seeded.details.at("instance").value("BlockDeviceMappings", Json::array()))
      client.call("ec2", "DeleteVolume", {{"VolumeId", mapping.at("Ebs").value("VolumeId", "")}});
    try {  // AWS keeps an interface an instance was launched on; moto deletes it
      client.call("ec2", "DeleteNetworkInterface",
                  {{"NetworkInterfaceId", seeded.details.value("eni", "")}});
    } catch (const aws::AwsError& e) {
      if (e.code() != "InvalidNetworkInterfaceID.NotFound") throw;
    }
    for (const auto& [name, group] : seeded.details.at("groups").items())
      client.call("ec2", "DeleteSecurityGroup", {{"GroupId", group}});
    client.call("ec2", "DeleteSubnet", {{"SubnetId", seeded.details.value("subnet", "")}});
    client.call("ec2", "DeleteVpc", {{"VpcId", seeded.details.value("vpc", "")}});
    delete_instance_role(client, seeded.details.value("role", ""));
    remove_alert_queue(client, seeded.details.at("queue"));
    out << "clean-up   terminated 2 instances; deleted the kept volume, snapshots, groups, subnet, "
           "VPC, profile and role\n";
  }
};

}  // namespace

const Scenario& ec2_isolate_scenario() {
  static const Ec2Isolate scenario;
  return scenario;
}

}  // namespace custos::gameday
