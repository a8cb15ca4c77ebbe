// Every CloudTrail query kind answers as jq answers it over the same real log files (the
// invictus-ir attack simulation and the CloudTrail guide's examples), half of them read as gzip.
#include <gtest/gtest.h>

#include <algorithm>

#include "investigate/inputs.h"
#include "investigate/trail.h"
#include "unit/investigate/jq.h"

namespace custos::investigate {
namespace {

namespace fs = std::filesystem;
using test::jq_lines;
using test::jq_text;

using test::kJqDefs;

class TrailJq : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(test::scratch_folder("trail-jq"));
    files_ = new std::vector<std::string>();
    // The guide's examples first, then the attack's files, every other one gzipped.
    int n = 0;
    for (const char* set : {"aws-docs-log-file-examples", "invictus-ir_aws_dataset"}) {
      fs::path from = custos::test::data_path(std::string("cloudtrail/") + set);
      fs::path to = *dir_ / (n == 0 ? "a-docs" : "b-invictus");
      fs::create_directories(to);
      std::vector<fs::path> names;
      for (const auto& entry : fs::directory_iterator(from))
        if (entry.path().extension() == ".json") names.push_back(entry.path());
      std::sort(names.begin(), names.end());
      for (const auto& path : names) {
        files_->push_back(path.string());
        if (++n % 2 == 0)
          test::write_gzip((to / path.filename()).string() + ".gz",
                           custos::test::read_file(path.string()));
        else
          fs::copy_file(path, to / path.filename());
      }
    }
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
    delete files_;
  }

  static TrailAnswer scan(const TrailQuery& query, std::string& out,
                          OutputFormat format = OutputFormat::kJsonl, bool summarise = false) {
    TrailScan scan;
    scan.query = query;
    scan.format = format;
    scan.summarise = summarise;
    scan.write_records = !summarise;
    InputSet inputs({dir_->string()}, LayoutFilter{}, nullptr);
    return scan_trail(
        scan, inputs, [&](std::string_view text) { out.append(text); },
        [](const Skipped& s) { ADD_FAILURE() << s.text(); });
  }

  static Json records(const TrailQuery& query) {
    std::string out;
    scan(query, out);
    return test::json_lines(out);
  }

  // custos's records for `query` are jq's for `.Records[] | select(CONDITION)`, and there are
  // some (but not all) of them.
  static void expect_jq(const TrailQuery& query, const std::string& condition) {
    Json mine = records(query);
    Json theirs =
        jq_lines(std::string(kJqDefs) + ".Records[] | select(" + condition + ")", *files_);
    EXPECT_EQ(mine.size(), theirs.size()) << condition;
    EXPECT_TRUE(mine == theirs) << condition;
    EXPECT_GT(mine.size(), 0u) << condition;
    EXPECT_LT(mine.size(), 2908u) << condition;
  }

  static TrailQuery where(const std::string& filter) {
    TrailQuery q;
    q.where = {filter};
    return q;
  }

  static fs::path* dir_;
  static std::vector<std::string>* files_;
};

fs::path* TrailJq::dir_ = nullptr;
std::vector<std::string>* TrailJq::files_ = nullptr;

TEST_F(TrailJq, NoQueryIsEveryRecordInFileOrder) {
  Json mine = records({});
  Json theirs = jq_lines(".Records[]", *files_);
  EXPECT_EQ(mine.size(), 2908u);
  EXPECT_TRUE(mine == theirs);
}

TEST_F(TrailJq, TimeWindowIsSinceInclusiveUntilExclusive) {
  TrailQuery q;
  q.since = *parse_event_time("2023-07-10T12:05:00Z");
  q.until = *parse_event_time("2023-07-10T12:15:00Z");
  expect_jq(q, R"(.eventTime >= "2023-07-10T12:05:00Z" and .eventTime < "2023-07-10T12:15:00Z")");
  TrailQuery since_only;
  since_only.since = *parse_event_time("2023-07-10T12:30:00Z");
  expect_jq(since_only, R"(.eventTime >= "2023-07-10T12:30:00Z")");
}

TEST_F(TrailJq, PrincipalByArnUserNameKeySessionRoleAndPrincipalId) {
  for (std::string who : {"arn:aws:iam::123837392027:user/benjamin", "bert-jan",
                          "AKIATFQR7NSCUXC3DDDP", "aws-go-sdk-1688990082523310002",
                          "stratus-red-team-get-usr-data-role", "AIDATFQR7NSC5U6Q3TMDR"}) {
    TrailQuery q;
    q.principals = {who};
    expect_jq(q, "principal_names | index(\"" + who + "\") != null");
  }
  TrailQuery two;
  two.principals = {"benjamin", "i-0dbc91f429e48eeed"};
  expect_jq(two, R"(principal_names | (index("benjamin") != null or
                                       index("i-0dbc91f429e48eeed") != null))");
}

TEST_F(TrailJq, ResourceByIdOrArnInRequestResponseOrResources) {
  for (std::string id : {"i-0dbc91f429e48eeed", "stratus-red-team-ec2-steal-credentials-role"}) {
    TrailQuery q;
    q.resources = {id};
    expect_jq(q, "names_resource([\"" + id + "\"])");
  }
  TrailQuery arn;
  arn.resources = {"arn:aws:iam::123837392027:role/stratus-red-team-ec2-steal-credentials-role"};
  expect_jq(
      arn,
      R"(names_resource(["arn:aws:iam::123837392027:role/stratus-red-team-ec2-steal-credentials-role",
                               "stratus-red-team-ec2-steal-credentials-role"]))");
}

TEST_F(TrailJq, SourceAddressExactNetworkOrServiceName) {
  TrailQuery exact;
  exact.ips = {"10.8.8.10"};
  expect_jq(exact, R"(.sourceIPAddress == "10.8.8.10")");
  TrailQuery network;
  network.ips = {"192.168.0.0/16", "3.225.16.109"};
  expect_jq(network, R"(.sourceIPAddress | test("^192\\.168\\.") or . == "3.225.16.109")");
  TrailQuery service;
  service.ips = {"AWS Internal"};
  expect_jq(service, R"(.sourceIPAddress == "AWS Internal")");
}

TEST_F(TrailJq, EventNamesAndGlobsIgnoreCaseAndTakeAService) {
  TrailQuery exact;
  exact.events = {"ListBuckets", "getcalleridentity"};
  expect_jq(exact, R"(.eventName | ascii_downcase | IN("listbuckets", "getcalleridentity"))");
  TrailQuery glob;
  glob.events = {"Get*"};
  expect_jq(glob, R"(.eventName | test("^get"; "i"))");
  TrailQuery service;
  service.events = {"iam:*User*"};
  expect_jq(service, R"(event_label | test("^iam:.*user"; "i"))");
}

TEST_F(TrailJq, ServiceByShortOrFullName) {
  TrailQuery q;
  q.services = {"iam", "sts.amazonaws.com"};
  expect_jq(q, R"(.eventSource | IN("iam.amazonaws.com", "sts.amazonaws.com"))");
}

TEST_F(TrailJq, ErrorsReadOnlyMutatingAccountAndRegion) {
  TrailQuery errors;
  errors.errors = true;
  expect_jq(errors, R"(.errorCode != null and .errorCode != "")");
  TrailQuery reads;
  reads.access = TrailQuery::Access::kReadOnly;
  expect_jq(reads, "reads == true");
  TrailQuery changes;
  changes.access = TrailQuery::Access::kMutating;
  expect_jq(changes, "reads == false");
  TrailQuery place;
  place.accounts = {"123456789012", "777788889999"};
  place.regions = {"us-east-2", "us-west-2"};
  expect_jq(place, R"(((.recipientAccountId // .userIdentity.accountId) | IN("123456789012",
                     "777788889999")) and (.awsRegion | IN("us-east-2", "us-west-2")))");
}

TEST_F(TrailJq, FlagsOfDifferentKindsMustAllMatch) {
  TrailQuery q;
  q.principals = {"bert-jan"};
  q.events = {"Describe*"};
  q.errors = true;
  q.since = *parse_event_time("2023-07-10T12:00:00Z");
  expect_jq(q, R"((principal_names | index("bert-jan") != null) and
                  (.eventName | startswith("Describe")) and .errorCode != null and
                  .eventTime >= "2023-07-10T12:00:00Z")");
}

TEST_F(TrailJq, WhereIsThePolicyValueFilter) {
  expect_jq(where("{key: userIdentity.type, value: AssumedRole}"),
            R"(.userIdentity.type == "AssumedRole")");
  expect_jq(where("{key: errorCode, op: regex, value: '^Access.*'}"),
            R"(.errorCode | type == "string" and test("^Access"))");
  expect_jq(where("{key: eventName, op: in, value: [CreateUser, DeleteUser, ListBuckets]}"),
            R"(.eventName | IN("CreateUser", "DeleteUser", "ListBuckets"))");
  expect_jq(where("{key: eventName, op: ni, value: [ListBuckets, GetCallerIdentity]}"),
            R"(.eventName | IN("ListBuckets", "GetCallerIdentity") | not)");
  expect_jq(where("{key: requestParameters.bucketName, value: present}"),
            R"(.requestParameters.bucketName != null)");
  expect_jq(where("{key: errorCode, value: absent}"), R"(.errorCode == null)");
  expect_jq(where("{key: eventTime, value_type: date, op: gte, value: '2023-07-10T12:30:00Z'}"),
            R"(.eventTime >= "2023-07-10T12:30:00Z")");
  expect_jq(where("{key: resources, value_type: size, op: gte, value: 2}"),
            R"((.resources // []) | length >= 2)");
  expect_jq(where("{key: userAgent, op: glob, value: '*aws-cli*'}"),
            R"(.userAgent | test("aws-cli"))");
  expect_jq(where("{key: sourceIPAddress, value_type: cidr, op: in, value: 10.0.0.0/8}"),
            R"(.sourceIPAddress | test("^10\\.[0-9.]+$"))");
  expect_jq(where("{key: userAgent, value_type: normalize, value: aws internal}"),
            R"(.userAgent | ascii_downcase == "aws internal")");
  expect_jq(where("{key: 'resources[].type', op: contains, value: 'AWS::IAM::Role'}"),
            R"([.resources[]?.type] | index("AWS::IAM::Role") != null)");
  expect_jq(where("{key: userIdentity.sessionContext.attributes.mfaAuthenticated, value: 'true'}"),
            R"(.userIdentity.sessionContext.attributes.mfaAuthenticated == "true")");
  expect_jq(where("{key: requestParameters.instanceType, op: ne, value: t3.micro}"),
            R"(.requestParameters.instanceType != "t3.micro")");
}

TEST_F(TrailJq, CsvIsJqsCsvOfTheSameFields) {
  TrailQuery q;
  q.principals = {"benjamin"};
  std::string out;
  scan(q, out, OutputFormat::kCsv);
  std::string header = out.substr(0, out.find('\n') + 1);
  EXPECT_EQ(header,
            "eventTime,eventSource,eventName,awsRegion,sourceIPAddress,principal,"
            "userIdentityType,accessKeyId,userAgent,errorCode,errorMessage,readOnly,eventID,"
            "recipientAccountId\n");
  std::string theirs =
      jq_text(std::string(kJqDefs) +
                  R"(.Records[] | select(principal_names | index("benjamin") != null)
             | [.eventTime, .eventSource, .eventName, .awsRegion, .sourceIPAddress, principal,
                .userIdentity.type, .userIdentity.accessKeyId, .userAgent, .errorCode,
                .errorMessage, (.readOnly | if . == null then "" else tostring end), .eventID,
                .recipientAccountId] | map(. // "") | @csv)",
              *files_, {"-r"});
  EXPECT_EQ(out.substr(header.size()), theirs);
  EXPECT_GT(theirs.size(), 1000u);
}

TEST_F(TrailJq, JsonIsTheListOfJsonLines) {
  TrailQuery q;
  q.events = {"CreateUser"};
  std::string out;
  scan(q, out, OutputFormat::kJson);
  Json theirs = jq_lines(".Records[] | select(.eventName == \"CreateUser\")", *files_);
  EXPECT_TRUE(test::as_doubles(Json::parse(out)) == theirs) << out;
  std::string none;
  TrailQuery nothing;
  nothing.events = {"NoSuchEvent"};
  scan(nothing, none, OutputFormat::kJson);
  EXPECT_EQ(Json::parse(none), Json::array());
}

TEST_F(TrailJq, SummaryCountsFirstUsesBurstsAndNewRegionsAsJqComputesThem) {
  std::string out;
  TrailAnswer answer = scan({}, out, OutputFormat::kJsonl, true);
  EXPECT_EQ(out, "");
  Json mine = answer.summary;
  Json theirs = Json::parse(jq_text(std::string(kJqDefs) + R"jq(
    # Of simultaneous records (times are to the second), the first is the least by content.
    def first_use: [.eventTime, principal, event_label, .sourceIPAddress, .awsRegion];
    def ranked(f; $name): map(select((f // "") != "")) | group_by(f)
      | map({($name): (.[0] | f), count: length, first_seen: (map(.eventTime) | min),
             last_seen: (map(.eventTime) | max)}) | sort_by([-.count, .[$name]]);
    [.[].Records[]] as $all
    | ($all | map(.eventTime | fromdateiso8601) | min) as $first
    | {records: ($all | length),
       first_seen: ($all | map(.eventTime) | min), last_seen: ($all | map(.eventTime) | max),
       principals: ($all | ranked(principal; "principal")),
       events: ($all | ranked(event_label; "event")),
       source_ips: ($all | ranked(.sourceIPAddress; "source_ip")),
       regions: ($all | ranked(.awsRegion; "region")),
       user_agents: ($all | ranked(.userAgent; "user_agent")),
       errors: ($all | ranked(.errorCode; "error")),
       access_keys: ($all | map(select((.userIdentity.accessKeyId // "") != ""))
         | group_by(.userIdentity.accessKeyId)
         | map(min_by(first_use) as $r | {access_key: $r.userIdentity.accessKeyId,
             first_used: $r.eventTime, principal: ($r | principal), event: ($r | event_label),
             source_ip: $r.sourceIPAddress, region: $r.awsRegion, count: length})
         | sort_by([.first_used, .access_key])),
       access_denied_bursts: ($all
         | map(select((.errorCode // "") | test("AccessDenied|Unauthorized") or . == "Forbidden")
           | {p: principal, t: (.eventTime | fromdateiso8601)})
         | group_by(.p)
         | map(.[0].p as $p | (map(.t) | sort) as $ts
           | reduce range(0; $ts | length) as $i ([];
               if $i == 0 or $ts[$i] - $ts[$i - 1] > 300 then . + [[$ts[$i]]]
               else .[:-1] + [.[-1] + [$ts[$i]]] end)
           | map(select(length >= 5)
             | {principal: $p, start: (.[0] | todate), end: (.[-1] | todate), count: length}))
         | add // [] | sort_by([.start, .principal])),
       new_regions: ($all | group_by(.awsRegion) | map(min_by(first_use))
         | map(select((.eventTime | fromdateiso8601) > $first + 3600)
           | {region: .awsRegion, first_seen: .eventTime, principal: principal, event: event_label})
         | sort_by([.first_seen, .region]))}
  )jq",
                                    *files_, {"-s", "-c"}));
  for (const auto& [key, value] : theirs.items()) EXPECT_EQ(mine[key], value) << key;
  EXPECT_EQ(mine.size(), theirs.size());
  EXPECT_FALSE(mine["access_denied_bursts"].empty());
  EXPECT_FALSE(mine["new_regions"].empty());
}

}  // namespace
}  // namespace custos::investigate
