// rest services beyond S3 (Route 53: rest-xml; GuardDuty: rest-json) through custos's client
// against moto, each result checked against botocore's parse of the same bytes (ServicesTest),
// and `custos call` against the AWS CLI.
#include "integration/services_support.h"

namespace custos::test {
namespace {

class RestServicesTest : public ServicesTest {
 protected:
  Json change(const std::string& zone, const std::string& name, const std::string& value) {
    const Json record = {
        {"Name", name}, {"Type", "A"}, {"TTL", 300}, {"ResourceRecords", {{{"Value", value}}}}};
    return call("route53", "ChangeResourceRecordSets",
                {{"HostedZoneId", zone},
                 {"ChangeBatch",
                  {{"Comment", "containment"},
                   {"Changes", {{{"Action", "UPSERT"}, {"ResourceRecordSet", record}}}}}}});
  }
};

TEST_F(RestServicesTest, Route53ZonesAndRecordSets) {
  const Json zone = call("route53", "CreateHostedZone",
                         {{"Name", "example.com"},
                          {"CallerReference", "custos-1"},
                          {"HostedZoneConfig", {{"Comment", "prod"}, {"PrivateZone", false}}}});
  const std::string id = zone["HostedZone"]["Id"];
  EXPECT_EQ(zone["HostedZone"]["Name"], "example.com.");
  EXPECT_EQ(change(id, "www.example.com", "192.0.2.10")["ChangeInfo"]["Status"], "INSYNC");
  change(id, "api.example.com", "192.0.2.11");
  change(id, "db.example.com", "192.0.2.12");
  const Json first =
      call("route53", "ListResourceRecordSets", {{"HostedZoneId", id}, {"MaxItems", "2"}});
  EXPECT_EQ(first["ResourceRecordSets"].size(), 2u);
  EXPECT_EQ(first["IsTruncated"], true);
  const Json rest = call("route53", "ListResourceRecordSets",
                         {{"HostedZoneId", id},
                          {"StartRecordName", first["NextRecordName"]},
                          {"StartRecordType", first["NextRecordType"]}});
  EXPECT_FALSE(rest["ResourceRecordSets"].empty());
  EXPECT_EQ(call("route53", "GetHostedZone", {{"Id", id}})["HostedZone"]["Config"]["Comment"],
            "prod");
  call("route53", "GetHostedZone", {{"Id", "Z0000000000NONE"}}, true);
  // The CLI paginates these and prints botocore's full result, as --paginate does; two records
  // a page exercise Route 53's three-part next token.
  EXPECT_EQ(normalized(custos_call("route53", "ListResourceRecordSets",
                                   {{"HostedZoneId", id}, {"MaxItems", "2"}}, {"--paginate"})),
            normalized(aws_cli({"route53", "list-resource-record-sets", "--hosted-zone-id", id})));
  EXPECT_EQ(normalized(custos_call("route53", "ListHostedZones", Json::object(), {"--paginate"})),
            normalized(aws_cli({"route53", "list-hosted-zones"})));
}

TEST_F(RestServicesTest, GuardDutyDetectors) {
  const std::string id =
      call("guardduty", "CreateDetector",
           {{"Enable", true}, {"FindingPublishingFrequency", "FIFTEEN_MINUTES"}})["DetectorId"];
  EXPECT_EQ(call("guardduty", "ListDetectors")["DetectorIds"], Json::array({id}));
  call("guardduty", "UpdateDetector", {{"DetectorId", id}, {"Enable", false}});
  const Json detector = call("guardduty", "GetDetector", {{"DetectorId", id}});
  EXPECT_EQ(detector["Status"], "DISABLED");
  EXPECT_EQ(detector["FindingPublishingFrequency"], "FIFTEEN_MINUTES");
  call("guardduty", "GetDetector", {{"DetectorId", "0000missing"}}, true);
  EXPECT_EQ(normalized(custos_call("guardduty", "GetDetector", {{"DetectorId", id}})),
            normalized(aws_cli({"guardduty", "get-detector", "--detector-id", id})));
}

}  // namespace
}  // namespace custos::test
