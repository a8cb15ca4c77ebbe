// An attacker points a company name at their own server: the pack's DNS policy sinkholes the
// record sets the change named; the zone's other records are left alone.
#include "gameday/events.h"
#include "gameday/scenario.h"
#include "gameday/seeding.h"
#include "packs/packs.h"

namespace custos::gameday {
namespace {

void change(const aws::Client& client, const std::string& zone, const std::string& action,
            const std::string& name, const std::string& address) {
  Json set = {{"Name", name},
              {"Type", "A"},
              {"TTL", 300},
              {"ResourceRecords", Json::array({{{"Value", address}}})}};
  client.call("route53", "ChangeResourceRecordSets",
              {{"HostedZoneId", zone},
               {"ChangeBatch",
                {{"Changes", Json::array({{{"Action", action}, {"ResourceRecordSet", set}}})}}}});
}

// The A record of `name` in the zone: its address, or null when there is none.
Json address_of(const aws::Client& client, const std::string& zone, const std::string& name) {
  Json sets = client.call("route53", "ListResourceRecordSets", {{"HostedZoneId", zone}});
  for (const Json& set : sets.value("ResourceRecordSets", Json::array()))
    if (set.value("Name", "") == name && set.value("Type", "") == "A")
      return set.at("ResourceRecords").at(0)["Value"];
  return nullptr;
}

class DnsHijack : public Scenario {
 public:
  std::string name() const override { return "dns-hijack"; }
  std::string description() const override {
    return "www is repointed at an attacker's server (CloudTrail ChangeResourceRecordSets): the "
           "record is sinkholed, its previous value kept for recovery";
  }
  std::string policy_yaml() const override {
    return packs::shipped_policy("incident-response/dns-hijack.yml");
  }

  Seeded seed(const aws::Client& client, std::ostream& out) const override {
    std::string run_id = new_run_id();
    std::string domain = "gameday-" + run_id + ".example.com.";
    std::string zone =
        client
            .call("route53", "CreateHostedZone",
                  {{"Name", domain}, {"CallerReference", "custos-gameday-" + run_id}})
            .at("HostedZone")
            .value("Id", "");
    Seeded seeded;
    seeded.target_id = "www." + domain;
    seeded.bystander_ids = {"mail." + domain};
    change(client, zone, "CREATE", seeded.target_id, "198.51.100.10");
    change(client, zone, "CREATE", seeded.bystander_ids[0], "198.51.100.25");
    change(client, zone, "UPSERT", seeded.target_id, "203.0.113.66");  // the hijack
    seeded.details = {{"zone", zone}};
    out << "seed       zone " << domain << " (" << zone << "): " << seeded.target_id
        << " hijacked to 203.0.113.66; " << seeded.bystander_ids[0] << " untouched\n";
    return seeded;
  }

  Json finding(const aws::Client& client, const Seeded& seeded) const override {
    Json set = {{"name", seeded.target_id},
                {"type", "A"},
                {"tTL", 300},
                {"resourceRecords", Json::array({{{"value", "203.0.113.66"}}})}};
    std::string zone = seeded.details.value("zone", "");
    return cloudtrail_event(
        client, "route53.amazonaws.com", "ChangeResourceRecordSets",
        {{"hostedZoneId", zone.substr(zone.rfind('/') + 1)},
         {"changeBatch",
          {{"changes", Json::array({{{"action", "UPSERT"}, {"resourceRecordSet", set}}})}}}});
  }

  std::vector<Check> verify(const aws::Client& client, const Seeded& seeded) const override {
    std::string zone = seeded.details.value("zone", "");
    return {check_equal(seeded.target_id + " points at the sinkhole 192.0.2.1",
                        address_of(client, zone, seeded.target_id), "192.0.2.1"),
            check_equal(seeded.bystander_ids.at(0) + " (not in the change) unchanged",
                        address_of(client, zone, seeded.bystander_ids.at(0)), "198.51.100.25")};
  }

  void clean_up(const aws::Client& client, const Seeded& seeded, std::ostream& out) const override {
    std::string zone = seeded.details.value("zone", "");
    for (const std::string& name : {seeded.target_id, seeded.bystander_ids.at(0)}) {
      Json address = address_of(client, zone, name);
      if (address.is_string()) change(client, zone, "DELETE", name, address.get<std::string>());
    }
    client.call("route53", "DeleteHostedZone", {{"Id", zone}});
    out << "clean-up   deleted the records and zone " << zone << "\n";
  }
};

}  // namespace

const Scenario& dns_hijack_scenario() {
  static const DnsHijack scenario;
  return scenario;
}

}  // namespace custos::gameday
