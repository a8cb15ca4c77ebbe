// Files larger than a piece (scan_impl.h's kPiece, 8 MB): read a piece at a time, plain or
// gzip (inflated as a stream past PieceReader::kWholeGzip), with documents that go on across
// pieces, in memory that does not grow with the file (nor with its answer: a file's matches go
// out piece by piece); a broken line deep in one is named by its line and byte in the whole file.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "support/paths.h"
#include "support/process.h"
#include "unit/investigate/jq.h"

namespace custos::investigate {
namespace {

namespace fs = std::filesystem;

constexpr const char* kEvent = "Decrypt";

class LargeFiles : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(test::scratch_folder("investigate-large"));
    std::vector<Json> real;
    for (const auto& entry :
         fs::directory_iterator(custos::test::data_path("cloudtrail/invictus-ir_aws_dataset"))) {
      if (entry.path().extension() != ".json") continue;
      Json file = Json::parse(custos::test::read_file(entry.path().string()));
      for (Json& record : file["Records"]) real.push_back(std::move(record));
    }
    std::sort(real.begin(), real.end(),
              [](const Json& a, const Json& b) { return a["eventID"] < b["eventID"]; });
    records_ = new std::vector<std::string>;
    for (const Json& record : real) records_->push_back(record.dump() + "\n");
    std::string text;
    expected_ = new std::vector<std::string>;
    // JSON lines of the real records, each with an eventID of its own; every 997th written over
    // many lines; in the middle, one {"Records": [...]} document of 8,000 records on one line,
    // longer than a piece.
    auto next = [&, n = 0]() mutable {
      Json record = real[static_cast<std::size_t>(n) % real.size()];
      record["eventID"] = fmt::format("id-{:08}", n++);
      if (record["eventName"] == kEvent) expected_->push_back(record["eventID"]);
      return record;
    };
    for (int i = 0; i < 100'000; ++i) {
      if (i == 50'000) {
        Json file = {{"Records", Json::array()}};
        for (int j = 0; j < 8'000; ++j) file["Records"].push_back(next());
        text += file.dump() + "\n";
      }
      text += next().dump(i % 997 == 0 ? 2 : -1) + "\n";
    }
    custos::test::write_file(large_file(), text);
  }
  // The file SetUpTestSuite writes: written once, not held, so that the memory of the processes
  // this one starts (which begin as a copy of it) says what custos used.
  static std::string large_file() { return (*dir_ / "large.jsonl").string(); }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
    delete expected_;
    delete records_;
  }

  static custos::test::ProcessResult investigate(const std::string& file) {
    return custos::test::run_process({custos::test::custos_binary(), "investigate", "--no-progress",
                                      file, "--event", kEvent, "--format", "jsonl"});
  }
  static std::vector<std::string> event_ids(const std::string& out) {
    std::vector<std::string> ids;
    for (const Json& record : test::json_lines(out)) ids.push_back(record["eventID"]);
    return ids;
  }
  // A gzip file of two members, stored (level 0) so that it is larger than kWholeGzip, and
  // padded with zeros as some writers do.
  static void write_stored_gzip(const std::string& path, std::string_view text) {
    std::size_t half = text.size() / 2;
    for (auto [part, mode] : {std::pair{text.substr(0, half), "wb0"}, {text.substr(half), "ab0"}}) {
      gzFile out = gzopen(path.c_str(), mode);
      ASSERT_NE(out, nullptr);
      ASSERT_EQ(gzwrite(out, part.data(), static_cast<unsigned>(part.size())),
                static_cast<int>(part.size()));
      gzclose(out);
    }
    std::ofstream(path, std::ios::app | std::ios::binary) << std::string(512, '\0');
  }

  static fs::path* dir_;
  static std::vector<std::string>* expected_;
  static std::vector<std::string>* records_;  // the real records, one line each
};

fs::path* LargeFiles::dir_;
std::vector<std::string>* LargeFiles::expected_;
std::vector<std::string>* LargeFiles::records_;

TEST_F(LargeFiles, PlainJsonLinesAreAnsweredInFileOrderAcrossPieces) {
  auto result = investigate(large_file());
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(event_ids(result.out), *expected_);
  EXPECT_GT(expected_->size(), 1000u);
}

TEST_F(LargeFiles, MemoryDoesNotGrowWithTheFile) {
  std::string lines;
  for (std::size_t i = 0; lines.size() < (40u << 20); ++i)
    lines += (*records_)[i % records_->size()];
  std::string small = (*dir_ / "40mb.jsonl").string(), large = (*dir_ / "160mb.jsonl").string();
  custos::test::write_file(small, lines);
  custos::test::write_file(large, lines + lines + lines + lines);
  std::string().swap(lines);
  auto one = investigate(small), four = investigate(large);
  EXPECT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(four.exit_code, 0) << four.err;
  EXPECT_EQ(test::json_lines(four.out).size(), 4 * test::json_lines(one.out).size());
  if (custos::test::kUnderSanitizer) return;  // its memory is not custos's own
  EXPECT_LT(four.peak_rss_kb, one.peak_rss_kb + 16 * 1024)
      << "40 MB: " << one.peak_rss_kb << " KB, 160 MB: " << four.peak_rss_kb << " KB";
  EXPECT_LT(four.peak_rss_kb, 100 * 1024);
}

TEST_F(LargeFiles, AFileWhoseEveryRecordMatchesIsWrittenOutAsItIsRead) {
  std::string lines;
  for (std::size_t i = 0; lines.size() < (40u << 20); ++i)
    lines += (*records_)[i % records_->size()];
  std::string small = (*dir_ / "all-40mb.jsonl").string(),
              large = (*dir_ / "all-160mb.jsonl").string();
  custos::test::write_file(small, lines);
  custos::test::write_file(large, lines + lines + lines + lines);
  std::size_t size = lines.size();
  std::string().swap(lines);
  auto everything = [](const std::string& file) {
    return custos::test::run_process(
        {custos::test::custos_binary(), "investigate", "--no-progress", file, "--format", "jsonl"});
  };
  // Each answer is let go before the next run: a child's peak counts this process's memory.
  auto one = everything(small);
  EXPECT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(one.out.size(), size);  // JSON lines out as they came in
  std::string().swap(one.out);
  auto four = everything(large);
  EXPECT_EQ(four.exit_code, 0) << four.err;
  EXPECT_EQ(four.out.size(), 4 * size);
  EXPECT_TRUE(four.out == custos::test::read_file(large));  // every record, in order
  if (custos::test::kUnderSanitizer) return;                // its memory is not custos's own
  // Held until the file's end, the 160 MB of answer alone would pass the bound.
  EXPECT_LT(four.peak_rss_kb, one.peak_rss_kb + 16 * 1024)
      << "40 MB: " << one.peak_rss_kb << " KB, 160 MB: " << four.peak_rss_kb << " KB";
  EXPECT_LT(four.peak_rss_kb, 100 * 1024);
}

TEST_F(LargeFiles, LargeGzipIsInflatedAsAStreamWithTheSameAnswer) {
  std::string file = (*dir_ / "large.jsonl.gz").string();
  write_stored_gzip(file, custos::test::read_file(large_file()));
  ASSERT_GT(fs::file_size(file), 4u << 20);
  auto result = investigate(file);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(event_ids(result.out), *expected_);

  // Cut short: what came before is answered, and the member is named.
  std::string cut = (*dir_ / "cut.jsonl.gz").string();
  std::string whole = custos::test::read_file(file);
  custos::test::write_file(cut, whole.substr(0, whole.size() / 4));
  auto truncated = investigate(cut);
  EXPECT_EQ(truncated.exit_code, 1);
  EXPECT_NE(truncated.err.find(cut + ": byte "), std::string::npos) << truncated.err;
  EXPECT_NE(truncated.err.find("truncated gzip member (starting at byte 0)"), std::string::npos)
      << truncated.err;
  std::vector<std::string> before = event_ids(truncated.out);
  EXPECT_GT(before.size(), 100u);
  EXPECT_TRUE(std::equal(before.begin(), before.end(), expected_->begin()));
}

TEST_F(LargeFiles, ABrokenLineDeepInAFileIsNamedByItsLineAndByteInTheWholeFile) {
  std::string text = custos::test::read_file(large_file());
  std::size_t at = text.size() * 3 / 4;
  at = text.find('\n', at) + 1;  // the start of a line past the first pieces
  std::uint64_t line =
      1 + static_cast<std::uint64_t>(std::count(text.begin(), text.begin() + at, '\n'));
  text.insert(at, "{\"eventName\": \"GetObject\",, }\n");
  std::string file = (*dir_ / "broken.jsonl").string();
  custos::test::write_file(file, text);
  auto result = investigate(file);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find(fmt::format("{}:{}: byte {}: invalid JSON", file, line, at + 26)),
            std::string::npos)
      << result.err;
  std::vector<std::string> before = event_ids(result.out);
  EXPECT_TRUE(std::equal(before.begin(), before.end(), expected_->begin()));
  EXPECT_GT(before.size(), expected_->size() / 2);
}

TEST_F(LargeFiles, AFlowLogLargerThanAPieceKeepsItsHeadersFormat) {
  std::string text = "version srcaddr dstaddr srcport dstport protocol bytes action log-status\n";
  int rejected = 0, last = 0;
  for (int i = 0; i < 650'000; ++i) {
    bool reject = i % 7 == 0;
    rejected += reject;
    if (reject) last = i;
    text += fmt::format("5 10.0.{}.{} 198.51.100.{} {} 443 6 {} {} OK\n", i / 256 % 256, i % 256,
                        i % 200, 1024 + i % 60000, 100 + i % 900, reject ? "REJECT" : "ACCEPT");
  }
  ASSERT_GT(text.size(), 32u << 20);
  std::string file = (*dir_ / "flows.log").string();
  custos::test::write_file(file, text);
  auto result =
      custos::test::run_process({custos::test::custos_binary(), "investigate", "--no-progress",
                                 "--flow-logs", file, "--action", "REJECT", "--format", "jsonl"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  Json flows = test::json_lines(result.out);
  ASSERT_EQ(flows.size(), static_cast<std::size_t>(rejected));
  EXPECT_EQ(flows.back()["srcaddr"], fmt::format("10.0.{}.{}", last / 256 % 256, last % 256));
  EXPECT_EQ(flows.back()["bytes"], std::to_string(100 + last % 900));
}

}  // namespace
}  // namespace custos::investigate
