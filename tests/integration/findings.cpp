#include "integration/findings.h"

#include "support/paths.h"

namespace custos::test {
namespace {

Json event_file(const std::string& name) {
  return Json::parse(read_file(data_path("events/" + name)));
}

// GuardDuty marks its samples; a real finding says false. It is about the emulator's account
// (custos acts only in the account an event names).
Json as_real(Json event) {
  event["detail"]["service"]["additionalInfo"]["sample"] = false;
  event["account"] = "123456789012";
  event["detail"]["accountId"] = "123456789012";
  return event;
}

// A GuardDuty finding object inside the envelope EventBridge delivers it in.
Json guardduty_envelope(Json finding) {
  return {{"version", "0"},
          {"id", "9a6d4a3c-0000-4000-8000-000000000001"},
          {"detail-type", "GuardDuty Finding"},
          {"source", "aws.guardduty"},
          {"account", "123456789012"},
          {"time", "2026-12-05T10:00:00Z"},
          {"region", "us-east-1"},
          {"resources", Json::array()},
          {"detail", std::move(finding)}};
}

}  // namespace

Json instance_finding(const std::string& instance_id, int severity) {
  Json event =
      as_real(event_file("cloud-custodian_ec2-duty-event_Backdoor-EC2-CnCActivity.B-DNS.json"));
  event["detail"]["resource"]["instanceDetails"]["instanceId"] = instance_id;
  event["detail"]["severity"] = severity;
  event["detail"]["type"] = "CryptoCurrency:EC2/BitcoinTool.B!DNS";
  return event;
}

Json access_key_finding(const std::string& user_name, const std::string& access_key_id,
                        const std::string& user_type) {
  Json event = as_real(
      event_file("cloud-custodian_iam-duty-event_UnauthorizedAccess-IAMUser-TorIPCaller.json"));
  Json& key = event["detail"]["resource"]["accessKeyDetails"];
  key["userName"] = user_name;
  key["accessKeyId"] = access_key_id;
  key["userType"] = user_type;
  key["principalId"] =
      user_type == "AssumedRole" ? "AROAEXAMPLE:" + user_name + "-session" : "AIDAEXAMPLE";
  return event;
}

Json bucket_finding(const std::string& bucket) {
  Json finding =
      event_file("aws-samples-gd-automated-response_finding-detail_s3_PenTest-S3-ParrotLinux.json");
  Json& details = finding["resource"]["s3BucketDetails"][0];
  details["name"] = bucket;
  details["arn"] = "arn:aws:s3:::" + bucket;
  return as_real(guardduty_envelope(std::move(finding)));
}

Json cloudtrail_call(const std::string& event_source, const std::string& event_name,
                     const Json& request_parameters) {
  Json event = event_file("reflexivesecurity_StopLoggingEvent.json");
  // Made in the account custos runs in (moto's): custos acts on no other account's events.
  event["account"] = "123456789012";
  event["detail"]["userIdentity"]["accountId"] = "123456789012";
  event["detail"]["userIdentity"]["arn"] = "arn:aws:iam::123456789012:user/example.user";
  event["source"] = "aws." + event_source.substr(0, event_source.find('.'));
  event["detail"]["eventSource"] = event_source;
  event["detail"]["eventName"] = event_name;
  event["detail"]["requestParameters"] = request_parameters;
  return event;
}

std::string contain_policy() {
  return read_file(data_path("policies/ec2-compromised-contain.yml"));
}

}  // namespace custos::test
