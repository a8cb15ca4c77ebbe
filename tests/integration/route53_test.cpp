// aws.hostedzone and aws.rrset over real HTTP against moto: zones and their record sets as
// Cloud Custodian describes them (record sets listed per zone, annotated with c7n:parent-id), and
// a hijacked name contained: sinkhole and delete proven three ways (dry run, run, second run),
// each end state read back with the AWS CLI, and recovered from the journal.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class Route53Test : public ActionTest {
 protected:
  std::string make_zone(const std::string& name) const {
    return aws_cli({"route53", "create-hosted-zone", "--name", name, "--caller-reference",
                    "custos-" + name})["HostedZone"]["Id"];
  }
  void upsert(const std::string& zone, const Json& record_set) const {
    Json batch = {
        {"Changes", Json::array({{{"Action", "UPSERT"}, {"ResourceRecordSet", record_set}}})}};
    aws_cli({"route53", "change-resource-record-sets", "--hosted-zone-id", zone, "--change-batch",
             batch.dump()});
  }
  void record(const std::string& zone, const std::string& name, const std::string& type,
              const std::string& value) const {
    upsert(zone, {{"Name", name},
                  {"Type", type},
                  {"TTL", 300},
                  {"ResourceRecords", Json::array({{{"Value", value}}})}});
  }
  // The zone's record sets as the AWS CLI lists them.
  Json record_sets(const std::string& zone) const {
    return aws_cli(
        {"route53", "list-resource-record-sets", "--hosted-zone-id", zone})["ResourceRecordSets"];
  }
  Json find(const std::string& zone, const std::string& name, const std::string& type) const {
    for (const Json& set : record_sets(zone))
      if (set["Name"] == name && set["Type"] == type) return set;
    return nullptr;
  }
};

std::string record_policy(const std::string& name, const std::string& filters,
                          const std::string& actions) {
  return "policies:\n  - name: " + name + "\n    resource: aws.rrset\n    filters:\n" + filters +
         "    actions:\n" + actions;
}

TEST_F(Route53Test, ZonesAndRecordSetsAsCloudCustodianDescribesThem) {
  std::string zone = make_zone("example.com");
  std::string other = make_zone("example.org");
  aws_cli({"route53", "change-tags-for-resource", "--resource-type", "hostedzone", "--resource-id",
           zone.substr(zone.rfind('/') + 1), "--add-tags", "Key=env,Value=prod"});
  record(zone, "www.example.com", "A", "203.0.113.10");
  record(zone, "www.example.com", "AAAA", "2001:db8::10");
  record(other, "mail.example.org", "MX", "10 mx.example.org");
  write("p.yml", R"(policies:
  - name: zones
    resource: hostedzone
  - name: records
    resource: rrset
)");
  auto result = custos({"run", "-s", path("out"), path("p.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  Json zones = Json::parse(read_file(path("out/zones/resources.json")));
  ASSERT_EQ(zones.size(), 2u);
  for (const Json& z : zones) {
    bool tagged = z["Id"] == zone;
    EXPECT_EQ(z["c7n:ConfigHostedZoneId"], z["Id"].get<std::string>().substr(12));
    EXPECT_EQ(z["Tags"],
              tagged ? Json::parse(R"([{"Key": "env", "Value": "prod"}])") : Json::array());
  }
  Json records = Json::parse(read_file(path("out/records/resources.json")));
  // Each zone's NS and SOA, plus the three records.
  ASSERT_EQ(records.size(), 7u);
  std::size_t in_zone = 0;
  for (const Json& r : records) {
    EXPECT_TRUE(r["c7n:parent-id"] == zone || r["c7n:parent-id"] == other) << r.dump();
    in_zone += r["c7n:parent-id"] == zone;
    std::string id = r["custos:record-set-id"];
    EXPECT_EQ(id, r["c7n:parent-id"].get<std::string>().substr(12) + "/" +
                      r["Name"].get<std::string>() + "/" + r["Type"].get<std::string>());
  }
  EXPECT_EQ(in_zone, 4u);
}

// DNS hijack: www's A record was pointed at an attacker; custos points it at the sinkhole and
// leaves its AAAA record (not matched) alone.
TEST_F(Route53Test, SinkholePointsAHijackedNameAtTheSinkhole) {
  std::string zone = make_zone("example.com");
  record(zone, "www.example.com", "A", "203.0.113.66");
  record(zone, "www.example.com", "AAAA", "2001:db8::10");
  std::string yaml =
      record_policy("dns-hijack", "      - Name: www.example.com.\n      - Type: A\n",
                    "      - {type: sinkhole, address: 192.0.2.1, ttl: 60}\n");
  Json records = prove_action(
      yaml, "dns-hijack", [&] { return record_sets(zone); }, "route53 ChangeResourceRecordSets");
  EXPECT_EQ(find(zone, "www.example.com.", "A"),
            Json::parse(R"({"Name": "www.example.com.", "Type": "A", "TTL": 60,
                            "ResourceRecords": [{"Value": "192.0.2.1"}]})"));
  EXPECT_EQ(find(zone, "www.example.com.", "AAAA")["ResourceRecords"][0]["Value"], "2001:db8::10");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["summary"], "www.example.com. A 203.0.113.66 -> 192.0.2.1");
  const Json& undo = records[0]["undo"][0];
  EXPECT_EQ(undo["operation"], "ChangeResourceRecordSets");
  EXPECT_EQ(undo["params"]["ChangeBatch"]["Changes"][0]["ResourceRecordSet"]["ResourceRecords"],
            Json::parse(R"([{"Value": "203.0.113.66"}])"));
}

// Each record type goes where its option says; a record type the action has no value for fails
// with what to give, and the journal's undo puts every changed value back.
TEST_F(Route53Test, SinkholeByTypeAndRecoveryPutsTheValuesBack) {
  std::string zone = make_zone("example.com");
  record(zone, "a.example.com", "A", "203.0.113.66");
  record(zone, "a.example.com", "AAAA", "2001:db8::66");
  record(zone, "c.example.com", "CNAME", "evil.example.net");
  record(zone, "t.example.com", "TXT", "\"hello\"");
  Json before = record_sets(zone);
  write("policy.yml",
        record_policy("sinkhole-all",
                      "      - {type: value, key: Type, op: ne, value: SOA}\n"
                      "      - {type: value, key: Type, op: ne, value: NS}\n",
                      "      - {type: sinkhole, address: 0.0.0.0, ipv6-address: '::', "
                      "cname: sinkhole.example.com}\n"));
  auto run = custos({"run", "-s", path("out"), path("policy.yml")});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;  // the TXT record failed
  Json records = actions_of("sinkhole-all");
  ASSERT_EQ(records.size(), 4u);
  for (const Json& r : records) {
    bool txt = r["resource"].get<std::string>().ends_with("/TXT");
    EXPECT_EQ(r["outcome"], txt ? "failed" : "changed") << r.dump();
    if (txt) {
      EXPECT_NE(r["error"].get<std::string>().find("no value for TXT records"), std::string::npos);
    }
  }
  EXPECT_EQ(find(zone, "a.example.com.", "A")["ResourceRecords"][0]["Value"], "0.0.0.0");
  EXPECT_EQ(find(zone, "a.example.com.", "AAAA")["ResourceRecords"][0]["Value"], "::");
  EXPECT_EQ(find(zone, "c.example.com.", "CNAME")["ResourceRecords"][0]["Value"],
            "sinkhole.example.com.");

  expect_recovered(run);
  EXPECT_EQ(record_sets(zone), before);
}

TEST_F(Route53Test, DeleteRemovesTheRecordSetButNeverTheZonesOwn) {
  std::string zone = make_zone("example.com");
  record(zone, "evil.example.com", "TXT", "\"verification=attacker\"");
  std::string yaml =
      record_policy("dns-delete", "      - Name: evil.example.com.\n", "      - delete\n");
  const Json before = record_sets(zone);
  ProcessResult dry = run_policy(yaml, {"--dryrun"});
  EXPECT_NE(dry.out.find("would call route53 ChangeResourceRecordSets"), std::string::npos);
  EXPECT_EQ(record_sets(zone), before) << "the dry run changed something";

  run_policy(yaml);
  Json records = actions_of("dns-delete");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["outcome"], "changed");
  EXPECT_EQ(find(zone, "evil.example.com.", "TXT"), nullptr);
  EXPECT_EQ(records[0]["undo"][0]["params"]["ChangeBatch"]["Changes"][0]["Action"], "CREATE");
  // Deleted, the record set is no longer there to match: the second run changes nothing.
  const Json after = record_sets(zone);
  run_policy(yaml);
  EXPECT_TRUE(actions_of("dns-delete").empty());
  EXPECT_EQ(record_sets(zone), after);

  // The zone's NS and SOA are listed, and left alone.
  write("policy.yml",
        record_policy("zone-records", "      - Name: example.com.\n", "      - delete\n"));
  auto run = custos({"run", "--no-journal", "-s", path("out"), path("policy.yml")});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  Json kept = actions_of("zone-records");
  ASSERT_EQ(kept.size(), 2u);
  for (const Json& r : kept) EXPECT_EQ(r["outcome"], "unchanged");
  EXPECT_EQ(record_sets(zone).size(), 2u);
}

}  // namespace
}  // namespace custos::test
