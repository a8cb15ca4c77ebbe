#include "gameday/events.h"

#include <chrono>
#include <ctime>

#include "core/uuid.h"

namespace custos::gameday {
namespace {

std::string caller_account(const aws::Client& client) {
  return client.call("sts", "GetCallerIdentity").value("Account", "");
}

Json eventbridge_envelope(const std::string& detail_type, const std::string& source,
                          const std::string& account, const std::string& region, Json detail) {
  return {{"version", "0"},   {"id", random_uuid()},        {"detail-type", detail_type},
          {"source", source}, {"account", account},         {"time", iso_now()},
          {"region", region}, {"resources", Json::array()}, {"detail", std::move(detail)}};
}

}  // namespace

std::string iso_now() {
  auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return text;
}

Json guardduty_finding(const aws::Client& client, const FindingSpec& spec) {
  std::string account = caller_account(client);
  std::string region = client.session().region();
  std::string id = random_uuid();
  std::string now = iso_now();
  Json detail = {{"schemaVersion", "2.0"},
                 {"accountId", account},
                 {"region", region},
                 {"partition", "aws"},
                 {"id", id},
                 {"arn", "arn:aws:guardduty:" + region + ":" + account +
                             ":detector/custosgameday/finding/" + id},
                 {"type", spec.type},
                 {"resource", spec.resource},
                 {"service",
                  {{"serviceName", "guardduty"},
                   {"detectorId", "custosgameday"},
                   {"action", spec.action},
                   {"resourceRole", "TARGET"},
                   {"eventFirstSeen", now},
                   {"eventLastSeen", now},
                   {"archived", false},
                   {"count", 1}}},
                 {"severity", spec.severity},
                 {"createdAt", now},
                 {"updatedAt", now},
                 {"title", spec.title},
                 {"description", spec.title}};
  return eventbridge_envelope("GuardDuty Finding", "aws.guardduty", account, region,
                              std::move(detail));
}

Json cloudtrail_event(const aws::Client& client, const std::string& event_source,
                      const std::string& event_name, const Json& request_parameters) {
  std::string account = caller_account(client);
  std::string region = client.session().region();
  Json detail = {{"eventVersion", "1.08"},
                 {"userIdentity",
                  {{"type", "IAMUser"},
                   {"principalId", "AIDACUSTOSGAMEDAYINTRUDER"},
                   {"arn", "arn:aws:iam::" + account + ":user/intruder"},
                   {"accountId", account},
                   {"userName", "intruder"}}},
                 {"eventTime", iso_now()},
                 {"eventSource", event_source},
                 {"eventName", event_name},
                 {"awsRegion", region},
                 {"sourceIPAddress", "198.51.100.23"},  // TEST-NET-2: an address nobody owns
                 {"userAgent", "aws-cli/2.9.19"},
                 {"requestParameters", request_parameters},
                 {"responseElements", nullptr},
                 {"requestID", random_uuid()},
                 {"eventID", random_uuid()},
                 {"readOnly", false},
                 {"eventType", "AwsApiCall"},
                 {"managementEvent", true},
                 {"recipientAccountId", account}};
  std::string service = event_source.substr(0, event_source.find('.'));
  return eventbridge_envelope("AWS API Call via CloudTrail", "aws." + service, account, region,
                              std::move(detail));
}

}  // namespace custos::gameday
