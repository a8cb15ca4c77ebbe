// The IAM types' own logic against Cloud Custodian's expectations and AWS's recorded answers:
// the credential report transformed as CredentialReport.process_user_record (its own test
// cases), the credential filter generating, waiting for and reading recorded reports served
// over HTTP, which keys matched items name, and which GuardDuty findings name users or roles.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "aws/client.h"
#include "aws/protocol_codec.h"
#include "policy/event.h"
#include "policy/policy.h"
#include "resources/builtin.h"
#include "resources/iam_credential_report.h"
#include "support/fault_proxy.h"
#include "support/paths.h"

namespace custos {
namespace {

using test::FaultProxy;

// A CSV with one row: the columns and values of a record, in order.
std::string one_row_csv(const std::vector<std::pair<std::string, std::string>>& row) {
  std::string header, values;
  for (const auto& [column, value] : row) {
    header += (header.empty() ? "" : ",") + column;
    values += (values.empty() ? "" : ",") + value;
  }
  return header + "\n" + values + "\n";
}

// Cloud Custodian's test_record_transform input (tests/test_iam.py), with access key 1's
// last_rotated as given.
std::vector<std::pair<std::string, std::string>> anthony(const std::string& key_1_rotated) {
  return {{"access_key_2_active", "false"},
          {"password_next_rotation", "2017-01-24T13:15:33+00:00"},
          {"access_key_2_last_rotated", "N/A"},
          {"mfa_active", "true"},
          {"cert_1_active", "false"},
          {"cert_1_last_rotated", "N/A"},
          {"access_key_1_last_used_date", "N/A"},
          {"arn", "arn:aws:iam::644160558196:user/anthony"},
          {"cert_2_active", "false"},
          {"password_enabled", "true"},
          {"access_key_2_last_used_region", "N/A"},
          {"password_last_changed", "2016-10-26T13:15:33+00:00"},
          {"access_key_1_last_rotated", key_1_rotated},
          {"user_creation_time", "2016-10-06T16:11:27+00:00"},
          {"access_key_1_last_used_service", "N/A"},
          {"user", "anthony"},
          {"password_last_used", "2016-10-26T13:14:37+00:00"},
          {"cert_2_last_rotated", "N/A"},
          {"access_key_2_last_used_date", "N/A"},
          {"access_key_2_last_used_service", "N/A"},
          {"access_key_1_last_used_region", "N/A"},
          {"access_key_1_active", "false"}};
}

const Json kAnthony = {{"arn", "arn:aws:iam::644160558196:user/anthony"},
                       {"mfa_active", true},
                       {"password_enabled", true},
                       {"password_last_changed", "2016-10-26T13:15:33+00:00"},
                       {"password_last_used", "2016-10-26T13:14:37+00:00"},
                       {"password_next_rotation", "2017-01-24T13:15:33+00:00"},
                       {"user", "anthony"},
                       {"user_creation_time", "2016-10-06T16:11:27+00:00"}};

TEST(CredentialReport, TransformsARecordAsCloudCustodian) {
  Json records = resources::credential_records(one_row_csv(anthony("N/A")));
  EXPECT_EQ(records, Json({{"anthony", kAnthony}}));  // test_record_transform

  records = resources::credential_records(one_row_csv(anthony("2019-12-04T13:22:47+00:00")));
  Json expected = kAnthony;  // test_record_transform_with_keys
  expected["access_keys"] = Json::array({{{"active", false},
                                          {"last_rotated", "2019-12-04T13:22:47+00:00"},
                                          {"last_used_date", nullptr},
                                          {"last_used_region", nullptr},
                                          {"last_used_service", nullptr}}});
  EXPECT_EQ(records["anthony"], expected);
}

Json placebo(const std::string& file) {
  return Json::parse(
      test::read_file(test::data_path("responses/cloud-custodian-placebo/" + file)))["data"];
}

TEST(CredentialReport, ReadsARecordedReport) {
  Json records = resources::credential_records(
      placebo("test_iam_user_unused_keys__iam.GetCredentialReport_2.json")["Content"]
          .get<std::string>());
  ASSERT_EQ(records.size(), 8u);
  const Json& root = records["<root_account>"];
  EXPECT_EQ(root["password_enabled"], "not_supported");  // left as AWS wrote it
  ASSERT_EQ(root["access_keys"].size(), 2u);             // key 2 inactive, but rotated once: listed
  EXPECT_EQ(root["access_keys"][1]["active"], false);
  EXPECT_EQ(root["access_keys"][1]["last_rotated"], "2007-10-13T16:49:50+00:00");
  EXPECT_EQ(root["certs"],
            Json::array({{{"active", true}, {"last_rotated", "2008-06-25T02:07:10+00:00"}}}));
  EXPECT_EQ(records["kaleb"]["password_last_used"], nullptr);  // no_information
  EXPECT_FALSE(records["kapilt"].contains("certs"));
}

// A query-protocol answer rebuilt from a recorded one: its scalar members (the report's Content
// base64, as AWS sends a blob; timestamps ISO 8601), or AWS's error document.
FaultProxy::Reply answer(const std::string& operation, const std::string& file) {
  Json recorded =
      Json::parse(test::read_file(test::data_path("responses/cloud-custodian-placebo/" + file)));
  const Json& data = recorded["data"];
  std::string request_id = data["ResponseMetadata"]["RequestId"];
  FaultProxy::Reply reply;
  reply.status = recorded["status_code"];
  if (data.contains("Error")) {
    reply.body = "<ErrorResponse><Error><Type>Sender</Type><Code>" +
                 data["Error"]["Code"].get<std::string>() + "</Code><Message>recorded</Message>" +
                 "</Error><RequestId>" + request_id + "</RequestId></ErrorResponse>";
    return reply;
  }
  std::string members;
  for (const auto& [key, value] : data.items()) {
    std::string text;
    if (key == "ResponseMetadata") continue;
    if (key == "Content") text = aws::codec::base64_encode(value.get<std::string>());
    if (value.is_object() && value.value("__class__", "") == "datetime")
      text =
          fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", value["year"].get<int>(),
                      value["month"].get<int>(), value["day"].get<int>(), value["hour"].get<int>(),
                      value["minute"].get<int>(), value["second"].get<int>());
    if (text.empty() && value.is_string()) text = value.get<std::string>();
    members += "<" + key + ">" + text + "</" + key + ">";
  }
  reply.body = "<" + operation + "Response xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><" +
               operation + "Result>" + members + "</" + operation +
               "Result><ResponseMetadata><RequestId>" + request_id +
               "</RequestId></ResponseMetadata></" + operation + "Response>";
  return reply;
}

aws::Client client_for(const std::string& url) {
  aws::SessionOptions options;
  options.region = "us-east-1";
  options.endpoint_url = url;
  aws::Credentials keys;
  keys.access_key_id = keys.secret_access_key = "testing";
  keys.source = "test";
  options.credentials = keys;
  return aws::Client(std::make_shared<const aws::Session>(options));
}

std::vector<std::string> actions_asked(const FaultProxy& server) {
  std::vector<std::string> actions;
  for (const auto& arrival : server.arrivals()) {
    auto at = arrival.body.find("Action=");
    actions.push_back(arrival.body.substr(at + 7, arrival.body.find('&', at) - at - 7));
  }
  return actions;
}

// The users of Cloud Custodian's recording, through one credential filter.
std::vector<std::string> users_matching(const std::string& filter, const aws::Client& client) {
  auto source = policy::SourceDocument::parse(
      "policies:\n  - name: p\n    resource: iam-user\n    filters:\n      - " + filter + "\n",
      "p.yml");
  auto policies = policy::compile_policies(source, resources::builtin_registry());
  Json listed = placebo("test_iam_user_unused_keys__iam.ListUsers_1.json");
  std::vector<Json> users(listed["Users"].begin(), listed["Users"].end());
  std::vector<std::string> names;
  for (const Json& user :
       policies.at(0).filter_resources(users, {.client = &client, .annotate = true}))
    names.push_back(user["UserName"]);
  return names;
}

const std::string kUnusedKeys =
    "{type: credential, key: access_keys.last_used_date, value: empty, report_delay: 2}";

// Cloud Custodian's test_credential_report_generate: no report, so one is generated and read.
TEST(CredentialFilter, GeneratesAMissingReportAndMatchesAsCloudCustodian) {
  FaultProxy aws(
      answer("GetCredentialReport", "test_iam_user_unused_keys__iam.GetCredentialReport_2.json"));
  aws.fail_next(1, answer("GetCredentialReport",
                          "test_iam_user_unused_keys__iam.GetCredentialReport_1.json"));
  aws.answer_action("GenerateCredentialReport",
                    answer("GenerateCredentialReport",
                           "test_iam_user_unused_keys__iam.GenerateCredentialReport_1.json"));
  aws::Client client = client_for(aws.url());
  EXPECT_EQ(users_matching(kUnusedKeys, client), (std::vector<std::string>{"Hazmat", "kapilt"}));
  EXPECT_EQ(actions_asked(aws),
            (std::vector<std::string>{"GetCredentialReport", "GenerateCredentialReport",
                                      "GetCredentialReport"}));
  // Read once per account and process: a second policy asks nothing.
  EXPECT_EQ(users_matching("{type: credential, key: user, value: rome}", client),
            std::vector<std::string>{"rome"});
  EXPECT_EQ(actions_asked(aws).size(), 3u);
}

// test_credential_report_generate_in_progress: someone else's report is on its way.
TEST(CredentialFilter, WaitsForAReportInProgress) {
  FaultProxy aws(
      answer("GetCredentialReport", "test_iam_user_unused_keys__iam.GetCredentialReport_2.json"));
  aws.fail_next(1, answer("GetCredentialReport",
                          "test_iam_user_unused_keys_report_in_progress__iam."
                          "GetCredentialReport_1.json"));
  EXPECT_EQ(users_matching(kUnusedKeys, client_for(aws.url())),
            (std::vector<std::string>{"Hazmat", "kapilt"}));
  EXPECT_EQ(actions_asked(aws),
            (std::vector<std::string>{"GetCredentialReport", "GetCredentialReport"}));
}

TEST(CredentialFilter, DoesNotGenerateWhenToldNotTo) {
  FaultProxy aws(
      answer("GetCredentialReport", "test_iam_user_unused_keys__iam.GetCredentialReport_1.json"));
  try {
    users_matching("{type: credential, key: mfa_active, value: true, report_generate: false}",
                   client_for(aws.url()));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("report_generate is false"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(actions_asked(aws), std::vector<std::string>{"GetCredentialReport"});
}

TEST(MatchedKeys, CredentialMatchesNameKeysByCreationSecondOthersById) {
  const Json keys = {
      {{"AccessKeyId", "AKIA1"}, {"Status", "Active"}, {"CreateDate", "2019-12-04T13:22:47.5Z"}},
      {{"AccessKeyId", "AKIA2"}, {"Status", "Active"}, {"CreateDate", "2020-01-01T00:00:00Z"}}};
  Json by_report = resources::resolve_matched_keys(
      Json::array(
          {{{"last_rotated", "2019-12-04T13:22:47+00:00"}, {"c7n:match-type", "credential"}}}),
      keys);
  ASSERT_EQ(by_report.size(), 1u);
  EXPECT_EQ(by_report[0]["AccessKeyId"], "AKIA1");
  EXPECT_EQ(by_report[0]["c7n:match-type"], "access");

  Json by_finding = resources::resolve_matched_keys(
      Json::array({{{"AccessKeyId", "AKIA2"}, {"c7n:match-type", "guard-duty"}},
                   {{"AccessKeyId", "AKIAGONE"}, {"c7n:match-type", "guard-duty"}}}),
      keys);
  ASSERT_EQ(by_finding.size(), 2u);
  EXPECT_EQ(by_finding[0]["Status"], "Active");  // the live key, as listed now
  EXPECT_EQ(by_finding[0]["c7n:match-type"], "guard-duty");
  EXPECT_FALSE(by_finding[1].contains("Status"));  // named, but no longer there
  EXPECT_TRUE(resources::resolve_matched_keys(nullptr, keys).empty());
}

policy::Policy compiled(const std::string& resource) {
  auto source = policy::SourceDocument::parse(
      "policies:\n  - name: p\n    resource: " + resource + "\n    mode: {type: guard-duty}\n",
      "p.yml");
  return std::move(policy::compile_policies(source, resources::builtin_registry()).at(0));
}

// Cloud Custodian's recorded IAM finding (UnauthorizedAccess:IAMUser/TorIPCaller), as a real one.
Json iam_finding(const std::string& user_type) {
  Json event = policy::load_event_file(test::data_path(
      "events/cloud-custodian_iam-duty-event_UnauthorizedAccess-IAMUser-TorIPCaller.json"));
  event["detail"]["service"]["additionalInfo"]["sample"] = false;
  event["detail"]["resource"]["accessKeyDetails"]["userType"] = user_type;
  return event;
}

TEST(IamFindings, AnIamUsersKeyNamesTheUserAndTheKey) {
  auto target = policy::event_target(compiled("iam-user"), iam_finding("IAMUser"));
  ASSERT_TRUE(target.applies) << target.reason;
  EXPECT_EQ(target.resource_ids, std::vector<std::string>{"GeneratedFindingUserName"});
  EXPECT_EQ(target.annotation,
            Json({{"c7n:matched-keys", Json::array({{{"AccessKeyId", "GeneratedFindingAccessKeyId"},
                                                     {"c7n:match-type", "guard-duty"}}})}}));
  EXPECT_FALSE(policy::event_target(compiled("iam-role"), iam_finding("IAMUser")).applies);
}

TEST(IamFindings, AnAssumedRolesKeyNamesTheRole) {
  auto target = policy::event_target(compiled("aws.iam-role"), iam_finding("AssumedRole"));
  ASSERT_TRUE(target.applies) << target.reason;
  EXPECT_EQ(target.resource_ids, std::vector<std::string>{"GeneratedFindingUserName"});
  auto user = policy::event_target(compiled("aws.iam-user"), iam_finding("AssumedRole"));
  EXPECT_FALSE(user.applies);
  EXPECT_NE(user.reason.find("userType == 'IAMUser'"), std::string::npos) << user.reason;
  EXPECT_FALSE(policy::event_target(compiled("aws.iam-role"), iam_finding("Root")).applies);
}

}  // namespace
}  // namespace custos
