// VPC flow logs answer as jq answers over the same files (AWS's documented records, the
// centralized-logging solution's real traffic, OpenTelemetry's S3-delivery sample), one of them
// gzipped; a custom format is read by its --flow-format, and a short record is reported by line.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

#include "investigate/flow.h"
#include "investigate/inputs.h"
#include "unit/investigate/jq.h"

namespace custos::investigate {
namespace {

namespace fs = std::filesystem;

// A file's records as objects of their fields (the header line's, else version 2's).
constexpr const char* kJqRecords = R"jq(
def v2: ["version","account-id","interface-id","srcaddr","dstaddr","srcport","dstport",
  "protocol","packets","bytes","start","end","action","log-status"];
def port($p): (.srcport == ($p | tostring)) or (.dstport == ($p | tostring));
split("\n") | map([splits("[ \t\r]+")] | map(select(. != ""))) | map(select(length > 0))
| (if (.[0] | all(test("^[a-z-]+$"))) then {h: .[0], rows: .[1:]} else {h: v2, rows: .} end)
| .h as $h | .rows[] | [$h, .] | transpose | map({(.[0]): .[1]}) | add
)jq";

class FlowJq : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::scratch_folder(std::string("flow-jq-") +
                                ::testing::UnitTest::GetInstance()->current_test_info()->name());
    for (const char* name : {"default-format-v2_examples.log", "aws-solutions_vpcflow.log",
                             "valid_vpc_flow_log_multi.log"})
      sources_.push_back(custos::test::data_path(std::string("flowlogs/") + name));
    // Read in name order: a-, b-, c- keep the order jq is given.
    fs::copy_file(sources_[0], dir_ / "a.log");
    test::write_gzip((dir_ / "b.log.gz").string(), custos::test::read_file(sources_[1]));
    fs::copy_file(sources_[2], dir_ / "c.log");
  }
  void TearDown() override { fs::remove_all(dir_); }

  FlowAnswer scan(const FlowQuery& query, std::string& out, bool summarise = false,
                  std::vector<Skipped>* skipped = nullptr,
                  OutputFormat format = OutputFormat::kJsonl) const {
    FlowScan scan;
    scan.query = query;
    scan.format = format;
    scan.summarise = summarise;
    scan.write_records = !summarise;
    InputSet inputs({dir_.string()}, LayoutFilter{LogKind::kFlowLogs, {}, {}, {}, {}}, nullptr);
    return scan_flows(
        scan, inputs, [&](std::string_view text) { out.append(text); },
        [&](const Skipped& s) {
          if (skipped)
            skipped->push_back(s);
          else
            ADD_FAILURE() << s.text();
        });
  }

  static Json theirs(const std::string& select, const std::vector<std::string>& files) {
    Json all = Json::array();
    for (const std::string& file : files)
      for (const Json& record : test::json_lines(test::jq_text(
               std::string(kJqRecords) + " | select(" + select + ")", {file}, {"-R", "-s", "-c"})))
        all.push_back(record);
    return all;
  }

  void expect_jq(const FlowQuery& query, const std::string& select) const {
    std::string out;
    scan(query, out);
    Json mine = test::json_lines(out);
    EXPECT_EQ(mine, theirs(select, sources_)) << select;
    EXPECT_GT(mine.size(), 0u) << select;
  }

  fs::path dir_;
  std::vector<std::string> sources_;
};

TEST_F(FlowJq, EveryRecordOfHeaderAndHeaderlessFiles) {
  expect_jq({}, "true");
  std::string out;
  EXPECT_EQ(scan({}, out).matched, 7u + 17u + 2u);
}

TEST_F(FlowJq, AddressPortActionAndTime) {
  FlowQuery ip;
  ip.ips = {"172.31.16.139", "162.142.125.0/24"};
  expect_jq(ip, R"(.srcaddr == "172.31.16.139" or .dstaddr == "172.31.16.139" or
                   (.srcaddr | startswith("162.142.125.")) or (.dstaddr | startswith("162.142.125.")))");
  FlowQuery port;
  port.ports = {22, 636};
  expect_jq(port, "port(22) or port(636)");
  FlowQuery rejected;
  rejected.action = "REJECT";
  expect_jq(rejected, R"(.action == "REJECT")");
  FlowQuery window;
  window.since = 1651646500'000;
  window.until = 1651646600'000;
  expect_jq(window, R"(.start != "-" and (.end | tonumber) >= 1651646500 and
                       (.start | tonumber) < 1651646600)");
}

TEST_F(FlowJq, SummaryIsJqsGrouping) {
  std::string out;
  FlowAnswer answer = scan({}, out, true);
  EXPECT_EQ(out, "");
  Json mine = answer.summary;
  std::string all = "[" + std::string(kJqRecords) + "]";
  auto group = [&](const std::string& records, const std::string& key, const std::string& name,
                   const std::string& order) {
    std::string program = "def rank: group_by(" + key + ") | map({" + name + ": (.[0] | " + key +
                          "), flows: length, bytes: (map(.bytes | tonumber? // 0) | add)}) | "
                          "sort_by(" +
                          order + ");\n";
    std::string records_file = (dir_ / "records.json").string();
    custos::test::write_file(records_file, theirs("true", sources_).dump());
    auto result =
        custos::test::run_process({"jq", "-c", program + records + " | rank", records_file});
    return Json::parse(result.out);
  };
  EXPECT_EQ(test::as_doubles(mine["top_talkers"]),
            test::as_doubles(group(R"(map(select(.srcaddr != "-")))", ".srcaddr", "srcaddr",
                                   "[-.bytes, .srcaddr]")));
  EXPECT_EQ(test::as_doubles(mine["ports"]),
            test::as_doubles(group(R"(map(select(.srcaddr != "-" and .dstport != "-")))",
                                   ".dstport", "dstport", "[-.flows, .dstport]")));
  EXPECT_EQ(test::as_doubles(mine["rejected"]),
            test::as_doubles(group(R"(map(select(.srcaddr != "-" and .action == "REJECT")))",
                                   ".srcaddr", "srcaddr", "[-.flows, .srcaddr]")));
  EXPECT_EQ(
      test::as_doubles(mine["remote_bytes"]),
      test::as_doubles(group(
          R"jq(def private: test("^(10\\.|172\\.(1[6-9]|2[0-9]|3[01])\\.|192\\.168\\.|169\\.254\\.|100\\.(6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])\\.|f[cd]|fe[89ab])");
                   map(select(.srcaddr != "-" and ((.srcaddr | private) != (.dstaddr | private)))
                       | .remote = (if (.srcaddr | private) then .dstaddr else .srcaddr end)))jq",
          ".remote", "address", "[-.bytes, .address]")));
  EXPECT_EQ(mine["records"], 26);
  EXPECT_FALSE(mine["remote_bytes"].empty());
  EXPECT_FALSE(mine["rejected"].empty());
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> all;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) all.push_back(line);
  return all;
}

// Every form holds the same records in the same order: a JSON list of the objects JSON lines
// has, CSV as jq's @csv of the default format's fields, and one table row each.
TEST_F(FlowJq, EveryOutputFormHoldsTheSameRecords) {
  FlowQuery rejected;
  rejected.action = "REJECT";
  std::string jsonl, json, csv, table;
  scan(rejected, jsonl);
  scan(rejected, json, false, nullptr, OutputFormat::kJson);
  scan(rejected, csv, false, nullptr, OutputFormat::kCsv);
  scan(rejected, table, false, nullptr, OutputFormat::kTable);
  Json records = test::json_lines(jsonl);
  ASSERT_EQ(records.size(), 3u);  // from two of the three files: the list joins across files
  EXPECT_EQ(Json::parse(json), records);
  std::string records_file = (dir_ / "rejected.json").string();
  custos::test::write_file(records_file, records.dump());
  auto theirs_csv = custos::test::run_process(
      {"jq", "-r",
       R"(.[] | [.version, .["account-id"], .["interface-id"], .srcaddr, .dstaddr, .srcport,
                 .dstport, .protocol, .packets, .bytes, .start, .end, .action,
                 .["log-status"]] | @csv)",
       records_file});
  EXPECT_EQ(csv,
            "version,account-id,interface-id,srcaddr,dstaddr,srcport,dstport,protocol,packets,"
            "bytes,start,end,action,log-status\n" +
                theirs_csv.out);
  EXPECT_EQ(lines(csv).size(), 4u);
  std::vector<std::string> rows = lines(table);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_TRUE(rows[0].starts_with("START ")) << rows[0];
  EXPECT_TRUE(rows[1].starts_with("2014-12-14T04:06:50Z REJECT   tcp    172.31.9.69:49761  "))
      << rows[1];
  EXPECT_NE(rows[1].find(" 172.31.9.12:3389  "), std::string::npos) << rows[1];
  EXPECT_TRUE(rows[1].ends_with("        20       4249 eni-1235b8ca123456789")) << rows[1];
  EXPECT_NE(table.find("icmp   172.31.16.139"), std::string::npos) << table;
}

TEST_F(FlowJq, SummaryTextRanksAsTheJsonDoes) {
  std::string out;
  Json summary = scan({}, out, true).summary;
  std::string text = flow_summary_text(summary, 3);
  EXPECT_TRUE(text.starts_with("26 records, 2014-12-14T04:06:50Z .. ")) << text;
  const Json& top = summary["top_talkers"][0];
  EXPECT_NE(
      text.find(fmt::format("Top talkers, by bytes sent ({})", summary["top_talkers"].size())),
      std::string::npos)
      << text;
  EXPECT_NE(
      text.find(fmt::format("{:>8}  {:>14}  {}", top["flows"].get<std::uint64_t>(),
                            top["bytes"].get<std::uint64_t>(), top["srcaddr"].get<std::string>())),
      std::string::npos)
      << text;
  EXPECT_NE(text.find(fmt::format("... {} more", summary["ports"].size() - 3)), std::string::npos)
      << text;
}

TEST_F(FlowJq, ACustomFormatWithoutHeaderIsReadByItsFormat) {
  fs::remove_all(dir_);
  fs::create_directories(dir_);
  std::string file = custos::test::data_path("flowlogs/custom-v3_tcp-flag-sequence_examples.log");
  fs::copy_file(file, dir_ / "custom.log");
  const std::string format =
      "version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport "
      "dstport pkt-srcaddr pkt-dstaddr protocol bytes packets start end action tcp-flags "
      "log-status";
  FlowQuery q;
  q.format = flow_format(format);
  q.ports = {43418};
  std::string out;
  scan(q, out);
  std::string program = R"(split("\n") | map([splits("[ \t\r]+")] | map(select(. != "")))
    | map(select(length > 0))[] | [(")" +
                        format + R"(" | split(" ")), .] | transpose
    | map({(.[0]): .[1]}) | add | select(.srcport == "43418" or .dstport == "43418"))";
  Json expected = test::json_lines(test::jq_text(program, {file}, {"-R", "-s", "-c"}));
  EXPECT_EQ(test::json_lines(out), expected);
  EXPECT_EQ(expected.size(), 4u);
  EXPECT_THROW(flow_format("version SrcAddr"), InputError);
}

TEST_F(FlowJq, ARecordWithTooFewFieldsIsReportedByLine) {
  fs::copy_file(custos::test::data_path("flowlogs/vpc_flow_log_too_few_fields.log"),
                dir_ / "d.log");
  std::string out;
  std::vector<Skipped> skipped;
  FlowAnswer answer = scan({}, out, false, &skipped);
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_EQ(skipped[0].input, (dir_ / "d.log").string());
  EXPECT_EQ(skipped[0].line, 2u);
  EXPECT_NE(skipped[0].text().find("d.log:2: byte "), std::string::npos) << skipped[0].text();
  EXPECT_NE(skipped[0].message.find("13 fields where the format has 14"), std::string::npos)
      << skipped[0].message;
  EXPECT_EQ(answer.matched, 26u);  // the other files are still read
}

// More distinct addresses than the summary holds in memory: the rankings stay exact (they spill
// to files) and each says how many entries it has in all.
TEST_F(FlowJq, ManyDistinctAddressesAreRankedExactlyAndCut) {
  fs::remove_all(dir_);
  fs::create_directories(dir_);
  constexpr int kFlows = 100'000;
  std::string text;
  for (int i = 0; i < kFlows; ++i) {
    bool heavy = i % 1000 == 0;  // 100 flows of one public address, 5,000 bytes each
    std::string src =
        heavy ? "198.51.100.7" : fmt::format("203.{}.{}.{}", i / 65536, i / 256 % 256, i % 256);
    text +=
        fmt::format("2 123456789010 eni-1 {} 10.0.0.5 443 {} 6 10 {} 1418530010 1418530070 {} OK\n",
                    src, 1024 + i % 50, heavy ? 5000 : 100, i % 3 ? "ACCEPT" : "REJECT");
  }
  custos::test::write_file((dir_ / "many.log").string(), text);
  std::string out;
  Json summary = scan({}, out, true).summary;
  EXPECT_EQ(summary["records"], kFlows);
  const int distinct = kFlows - 100 + 1;
  EXPECT_EQ(summary["truncated"]["top_talkers"], distinct);
  EXPECT_EQ(summary["truncated"]["remote_bytes"], distinct);
  EXPECT_FALSE(summary["truncated"].contains("ports"));  // 50 of them
  ASSERT_EQ(summary["top_talkers"].size(), 1000u);
  EXPECT_EQ(summary["top_talkers"][0],
            Json({{"srcaddr", "198.51.100.7"}, {"flows", 100}, {"bytes", 500'000}}));
  EXPECT_EQ(summary["top_talkers"][1]["bytes"], 100);
  EXPECT_EQ(summary["ports"].size(), 50u);
  EXPECT_EQ(summary["ports"][0]["flows"], kFlows / 50);
  std::string shown = flow_summary_text(summary, 3);
  EXPECT_NE(shown.find(fmt::format("Top talkers, by bytes sent ({})", distinct)), std::string::npos)
      << shown;
  EXPECT_NE(
      shown.find(fmt::format("... {} more (--format json lists the first 1000)", distinct - 3)),
      std::string::npos)
      << shown;
}

}  // namespace
}  // namespace custos::investigate
