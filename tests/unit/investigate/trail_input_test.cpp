// What custos investigate reads besides CloudTrail's own files (JSON lines, lists, Athena's
// lower-case exports), and what it does with bad input: each bad file is reported with its
// byte offset, the others are still answered.
#include <gtest/gtest.h>

#include "investigate/inputs.h"
#include "investigate/trail.h"
#include "unit/investigate/jq.h"

namespace custos::investigate {
namespace {

namespace fs = std::filesystem;

class TrailInput : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::scratch_folder(std::string("trail-input-") +
                                ::testing::UnitTest::GetInstance()->current_test_info()->name());
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  void write(const std::string& name, const std::string& text) const {
    custos::test::write_file(path(name), text);
  }
  static std::string example(const std::string& name) {
    return custos::test::read_file(
        custos::test::data_path("cloudtrail/invictus-ir_aws_dataset/" + name));
  }

  struct Result {
    Json records = Json::array();
    std::vector<Skipped> skipped;
  };
  Result scan(const TrailQuery& query = {}) const {
    Result result;
    std::string out;
    TrailScan scan;
    scan.query = query;
    InputSet inputs({dir_.string()}, LayoutFilter{}, nullptr);
    auto answer = scan_trail(
        scan, inputs, [&](std::string_view text) { out.append(text); }, [](const Skipped&) {});
    result.records = test::json_lines(out);
    result.skipped = answer.stats.skipped;
    return result;
  }

  fs::path dir_;
};

constexpr const char* kSmall =
    "218007301253_CloudTrail_us-east-1_20230710T1150Z_1vnLavRRp0ek1mP4.json";
constexpr const char* kOther =
    "218007301253_CloudTrail_us-east-1_20230710T1205Z_lKy08gyrqqRJyzsn.json";

TEST_F(TrailInput, JsonLinesListsAndSingleRecordsAreRead) {
  Json file = Json::parse(example(kSmall));
  std::string lines;
  for (const Json& record : file["Records"]) lines += record.dump() + "\n";
  write("a-lines.jsonl", lines);
  write("b-list.json", file["Records"].dump(2));
  write("c-one.json", file["Records"][0].dump());
  write("d-files.jsonl", file.dump() + "\n" + file.dump() + "\n");
  Result result = scan();
  EXPECT_TRUE(result.skipped.empty());
  std::size_t n = file["Records"].size();
  ASSERT_EQ(result.records.size(), 4 * n + 1);
  EXPECT_EQ(result.records[0], test::as_doubles(file["Records"][0]));
  EXPECT_EQ(result.records[2 * n], test::as_doubles(file["Records"][0]));
}

TEST_F(TrailInput, AthenaLowerCaseNamesAreQueried) {
  write("athena.json",
        R"({"eventversion":"1.08","useridentity":{"type":"IAMUser","arn":"arn:aws:iam::1:user/x",)"
        R"("accesskeyid":"AKIAEXAMPLE","username":"x"},"eventtime":"2023-07-10T11:00:00Z",)"
        R"("eventsource":"iam.amazonaws.com","eventname":"CreateUser","awsregion":"us-east-1",)"
        R"("sourceipaddress":"198.51.100.1","readonly":"false"})"
        "\n");
  TrailQuery q;
  q.principals = {"AKIAEXAMPLE"};
  q.events = {"createuser"};
  q.ips = {"198.51.100.0/24"};
  q.access = TrailQuery::Access::kMutating;
  q.since = *parse_event_time("2023-07-10T10:00:00Z");
  EXPECT_EQ(scan(q).records.size(), 1u);
}

TEST_F(TrailInput, MalformedJsonIsReportedWithItsOffsetAndTheScanGoesOn) {
  std::string good = example(kSmall);
  std::string broken = example(kOther);
  std::size_t cut = broken.find("\"eventName\"");
  broken.insert(cut, "\"oops\" ");  // a value where a key belongs
  write("a.json", good);
  write("b.json", broken);
  Result result = scan();
  ASSERT_EQ(result.skipped.size(), 1u);
  EXPECT_EQ(result.skipped[0].input, path("b.json"));
  EXPECT_GE(result.skipped[0].offset, cut);
  EXPECT_LE(result.skipped[0].offset, cut + 20);
  EXPECT_NE(result.skipped[0].message.find("invalid JSON"), std::string::npos);
  EXPECT_EQ(result.records.size(), Json::parse(good)["Records"].size());
}

TEST_F(TrailInput, AMalformedJsonLineIsReportedWithItsLineNumber) {
  Json file = Json::parse(example(kSmall));
  std::string lines;
  for (const Json& record : file["Records"]) lines += record.dump() + "\n";
  std::string bad = lines + "{\"eventName\": \"x\", \"eventTime\": }\n" + lines;
  for (const char* name : {"lines.jsonl", "lines.jsonl.gz"}) {
    if (std::string(name).ends_with(".gz"))
      test::write_gzip(path(name), bad);
    else
      write(name, bad);
    Result result = scan();
    ASSERT_EQ(result.skipped.size(), 1u) << name;
    EXPECT_EQ(result.skipped[0].line, file["Records"].size() + 1) << name;
    std::string expected_start =
        path(name) + ":" + std::to_string(file["Records"].size() + 1) + ": byte ";
    EXPECT_TRUE(result.skipped[0].text().starts_with(expected_start)) << result.skipped[0].text();
    fs::remove(path(name));
  }
}

TEST_F(TrailInput, TruncatedGzipIsReportedWithItsOffset) {
  write("a.json", example(kSmall));
  std::string big =
      example("218007301253_CloudTrail_us-east-1_20230710T1200Z_iLj9fb7yyUG9X4Bf.json");
  test::write_gzip(path("b.json.gz"), big);
  std::string compressed = custos::test::read_file(path("b.json.gz"));
  custos::test::write_file(path("b.json.gz"), compressed.substr(0, compressed.size() / 2));
  Result result = scan();
  ASSERT_EQ(result.skipped.size(), 1u);
  EXPECT_EQ(result.skipped[0].input, path("b.json.gz"));
  EXPECT_NE(result.skipped[0].message.find("truncated gzip member"), std::string::npos);
  EXPECT_EQ(result.skipped[0].offset, compressed.size() / 2);  // where the data ran out
  EXPECT_EQ(result.skipped[0].line, 0u);                       // an offset in gzip data has no line
  EXPECT_EQ(result.records.size(), Json::parse(example(kSmall))["Records"].size());
}

TEST_F(TrailInput, NonCloudTrailJsonIsReported) {
  write("a.json", example(kSmall));
  fs::copy_file(custos::test::data_path("events/cloud-custodian_ec2-duty-event_Backdoor-EC2-"
                                        "CnCActivity.B-DNS.json"),
                path("finding.json"));
  Result result = scan();
  ASSERT_EQ(result.skipped.size(), 1u);
  EXPECT_EQ(result.skipped[0].input, path("finding.json"));
  EXPECT_EQ(result.skipped[0].offset, 0u);
  EXPECT_NE(result.skipped[0].message.find("not CloudTrail records"), std::string::npos);
}

TEST_F(TrailInput, AnIncompleteLastDocumentIsReported) {
  std::string text = example(kSmall);
  write("a.json", text.substr(0, text.size() - 40));
  Result result = scan();
  ASSERT_EQ(result.skipped.size(), 1u);
  EXPECT_LE(result.skipped[0].offset, text.size());
}

TEST_F(TrailInput, FilesThatCannotHoldTheNeedleAreNotParsed) {
  write("a.json", example(kSmall));
  write("b.json", "{\"Records\": [ this is not JSON ]}");
  TrailQuery q;
  q.principals = {"AKIATFQR7NSC8Q4X20BJ"};
  EXPECT_TRUE(scan(q).skipped.empty());  // b.json cannot name the key: it is not read
  EXPECT_EQ(scan().skipped.size(), 1u);  // but a query without a needle reads it
}

// An --event's literal is looked for in any case, outside a glob's brackets; a record that
// escapes its name as \uXXXX cannot be ruled out by text and is parsed.
TEST_F(TrailInput, EventNeedlesNeverHideAMatch) {
  write("a.json",
        "{\"Records\": [{\"eventName\": \"Decrypt\", \"eventTime\": \"2024-01-01T00:00:00Z\"},\n"
        "{\"eventName\": \"Decr\\u0079pt\", \"eventTime\": \"2024-01-01T00:00:01Z\"},\n"
        "{\"eventName\": \"GenerateDataKey\", \"eventTime\": \"2024-01-01T00:00:02Z\"}]}");
  auto names = [&](std::vector<std::string> events) {
    TrailQuery q;
    q.events = std::move(events);
    std::vector<std::string> found;
    for (const Json& record : scan(q).records) found.push_back(record["eventName"]);
    return found;
  };
  const std::vector<std::string> decrypts = {"Decrypt", "Decrypt"};
  EXPECT_EQ(names({"DECRYPT"}), decrypts);
  EXPECT_EQ(names({"kms:decr*"}), std::vector<std::string>{});  // no eventSource: no service
  EXPECT_EQ(names({"[dD]ecrypt"}), decrypts);
  EXPECT_EQ(names({"[!x]ecrypt"}), decrypts);
  EXPECT_EQ(names({"[]x]ecrypt", "Gen*"}), (std::vector<std::string>{"GenerateDataKey"}));
  EXPECT_EQ(names({"*e[n]erate*", "*RYPT"}),
            (std::vector<std::string>{"Decrypt", "Decrypt", "GenerateDataKey"}));
}

TEST(TrailTimes, IsoSpansAndEventTimes) {
  Millis now = *parse_event_time("2024-05-01T12:00:00Z");
  EXPECT_EQ(parse_when("2h", "--since", now), *parse_event_time("2024-05-01T10:00:00Z"));
  EXPECT_EQ(parse_when("3d", "--since", now), *parse_event_time("2024-04-28T12:00:00Z"));
  EXPECT_EQ(parse_when("2024-05-01", "--since", now), *parse_event_time("2024-05-01T00:00:00Z"));
  EXPECT_EQ(parse_when("2024-05-01T10:00:00+02:00", "--since", now),
            *parse_event_time("2024-05-01T08:00:00Z"));
  EXPECT_THROW(parse_when("yesterday", "--since", now), InputError);
  EXPECT_EQ(parse_event_time("2023-07-10 11:42:36.250"),
            *parse_event_time("2023-07-10T11:42:36Z") + 250);
  EXPECT_FALSE(parse_event_time("2023-07-10TT11:42:36Z"));
  EXPECT_EQ(iso_time(*parse_event_time("2023-07-10T11:42:36Z")), "2023-07-10T11:42:36Z");
  EXPECT_EQ(iso_time(*parse_event_time("1999-12-31T23:59:59.5Z")), "1999-12-31T23:59:59.500Z");
}

}  // namespace
}  // namespace custos::investigate
