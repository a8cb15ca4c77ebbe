// custos investigate reading a log bucket (moto's S3): the real invictus-ir records uploaded
// gzipped under CloudTrail's key layout (and an organization trail's), answered as jq answers
// the same files; folders the layout rules out are never read (they hold files that are not
// JSON, which would be reported). Objects larger than a range (8 MB) are read a range at a
// time, in memory that does not grow with them, with the answer the same file gives locally.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <strings.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "integration/fixture.h"
#include "support/fault_proxy.h"
#include "support/paths.h"
#include "unit/investigate/jq.h"

namespace custos::test {
namespace {

namespace fs = std::filesystem;
namespace inv = custos::investigate::test;

class InvestigateS3 : public IntegrationTest {
 protected:
  // The attack's files, gzipped, under AWSLogs/<account>/CloudTrail/us-east-1/2023/07/10/ and
  // (an organization trail) AWSLogs/o-abc123def4/<account>/...; not-JSON poison where a window,
  // region or account rules the folder out.
  std::vector<std::string> upload() {
    fs::path tree = path("tree");
    std::string day = "123837392027/CloudTrail/us-east-1/2023/07/10/";
    std::vector<std::string> files;
    for (const auto& entry :
         fs::directory_iterator(data_path("cloudtrail/invictus-ir_aws_dataset")))
      if (entry.path().extension() == ".json") files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    for (const std::string& file : files) {
      std::string name = fs::path(file).filename().string() + ".gz";
      fs::create_directories(tree / "AWSLogs" / day);
      inv::write_gzip((tree / "AWSLogs" / day / name).string(), read_file(file));
    }
    fs::create_directories(tree / "AWSLogs/o-abc123def4" / day);
    fs::copy_file(files.front(), tree / "AWSLogs/o-abc123def4" / day / "org.json");
    for (const char* poison : {"123837392027/CloudTrail/us-east-1/2023/06/30/",
                               "123837392027/CloudTrail/eu-west-1/2023/07/10/",
                               "999999999999/CloudTrail/us-east-1/2023/07/10/"}) {
      fs::create_directories(tree / "AWSLogs" / poison);
      write_file((tree / "AWSLogs" / poison / "poison.json").string(), "this is not JSON");
    }
    aws_cli({"s3api", "create-bucket", "--bucket", "trail-logs"});
    aws_cli({"s3", "cp", "--recursive", "--quiet", (tree / "AWSLogs").string(),
             "s3://trail-logs/AWSLogs/"});
    return files;
  }
};

TEST_F(InvestigateS3, TheBucketIsReadUnderItsKeyLayoutAsJqReadsTheFiles) {
  std::vector<std::string> files = upload();
  auto result =
      custos({"investigate", "s3://trail-logs/AWSLogs/", "--since", "2023-07-10T12:00:00Z",
              "--until", "2023-07-11T00:00:00Z", "--region", "us-east-1", "--account",
              "123837392027", "--principal", "bert-jan", "--format", "jsonl", "--no-progress"});
  ASSERT_EQ(result.exit_code, 0) << result.err;  // no poison read
  Json theirs =
      inv::jq_lines(std::string(inv::kJqDefs) +
                        R"(.Records[] | select((principal_names | index("bert-jan") != null)
                                     and .eventTime >= "2023-07-10T12:00:00Z"))",
                    files);
  // The organization trail's copy of the first file follows in key order ('1' < 'o').
  Json org = inv::jq_lines(std::string(inv::kJqDefs) +
                               R"(.Records[] | select((principal_names | index("bert-jan") != null)
                                  and .eventTime >= "2023-07-10T12:00:00Z"))",
                           {files.front()});
  for (const Json& record : org) theirs.push_back(record);
  EXPECT_EQ(inv::json_lines(result.out), theirs);
  EXPECT_GT(theirs.size(), 10u);

  // Without the window the poison folders are read and reported, and the exit code says so (a
  // query with no literal to look for, so that every file is parsed).
  auto all = custos({"investigate", "s3://trail-logs/AWSLogs/", "--errors", "--format", "jsonl",
                     "--no-progress"});
  EXPECT_EQ(all.exit_code, 1);
  EXPECT_NE(all.err.find("s3://trail-logs/AWSLogs/123837392027/CloudTrail/us-east-1/2023/06/30/"
                         "poison.json:1: byte 1: invalid JSON"),
            std::string::npos)
      << all.err;
  EXPECT_NE(all.err.find("3 input(s) skipped"), std::string::npos) << all.err;
}

// JSON lines of the real records, each with an eventID of its own, to about `megabytes` MB.
std::string record_lines(std::size_t megabytes) {
  std::vector<Json> real;
  for (const auto& entry :
       fs::directory_iterator(data_path("cloudtrail/invictus-ir_aws_dataset"))) {
    if (entry.path().extension() != ".json") continue;
    Json file = Json::parse(read_file(entry.path().string()));
    for (Json& record : file["Records"]) real.push_back(std::move(record));
  }
  std::string lines;
  for (std::size_t n = 0; lines.size() < (megabytes << 20); ++n) {
    Json record = real[n % real.size()];
    record["eventID"] = "id-" + std::to_string(n);
    lines += record.dump() + "\n";
  }
  return lines;
}

class InvestigateLargeObjects : public IntegrationTest {
 protected:
  // 24 MB of lines as `small`, the same four times over as `large` (plain) and `large.gz`
  // (gzip at level 1, about 10 MB: more than a range, inflated as a stream), each uploaded
  // to s3://big-logs/NAME/NAME. The text is not kept: the memory of the processes this
  // one starts begins as a copy of it.
  void upload() {
    std::string lines = record_lines(24);
    write("small.jsonl", lines);
    std::ofstream large(path("large.jsonl"), std::ios::binary);
    gzFile gzipped = gzopen(path("large.jsonl.gz").c_str(), "wb1");
    ASSERT_NE(gzipped, nullptr);
    for (int copy = 0; copy < 4; ++copy) {
      large << lines;
      ASSERT_EQ(gzwrite(gzipped, lines.data(), static_cast<unsigned>(lines.size())),
                static_cast<int>(lines.size()));
    }
    large.close();
    gzclose(gzipped);
    ASSERT_GT(fs::file_size(path("large.jsonl.gz")), 8u << 20);
    aws_cli({"s3api", "create-bucket", "--bucket", "big-logs"});
    for (const char* name : {"small.jsonl", "large.jsonl", "large.jsonl.gz"})  // no key a prefix
      aws_cli(
          {"s3", "cp", "--quiet", path(name), std::string("s3://big-logs/") + name + "/" + name});
  }
  // A query whose answer is small: a file's matches are held until the file is done.
  ProcessResult secrets_created(const std::string& source,
                                std::map<std::string, std::string> env = {}) const {
    return custos(
        {"investigate", source, "--event", "Decrypt", "--format", "jsonl", "--no-progress"},
        std::move(env));
  }
};

TEST_F(InvestigateLargeObjects, AreAnsweredAsTheSameFilesLocallyInMemoryThatDoesNotGrowWithThem) {
  upload();
  auto small = secrets_created("s3://big-logs/small.jsonl/"),
       large = secrets_created("s3://big-logs/large.jsonl/"),
       gzipped = secrets_created("s3://big-logs/large.jsonl.gz/");
  for (const auto* result : {&small, &large, &gzipped})
    ASSERT_EQ(result->exit_code, 0) << result->err;
  auto local = secrets_created(path("large.jsonl"));
  ASSERT_EQ(local.exit_code, 0) << local.err;
  EXPECT_EQ(large.out, local.out);
  EXPECT_EQ(gzipped.out, local.out);
  EXPECT_EQ(inv::json_lines(large.out).size(), 4 * inv::json_lines(small.out).size());
  EXPECT_GT(inv::json_lines(small.out).size(), 100u);
  if (kUnderSanitizer) return;  // its memory is not custos's own
  // Read whole, the 96 MB object alone would take more than the bound (this process's memory
  // counts too: the child begins as a copy of it).
  EXPECT_LT(large.peak_rss_kb, small.peak_rss_kb + 16 * 1024)
      << "24 MB: " << small.peak_rss_kb << " KB, 96 MB: " << large.peak_rss_kb << " KB";
  EXPECT_LT(large.peak_rss_kb, 128 * 1024);
  EXPECT_LT(gzipped.peak_rss_kb, 128 * 1024);
}

TEST_F(InvestigateLargeObjects, RangesAfterTheFirstAskForItsETag) {
  upload();
  FaultProxy proxy(emulator().url());
  auto result = secrets_created("s3://big-logs/small.jsonl/", {{"AWS_ENDPOINT_URL", proxy.url()}});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::vector<std::string> ranges, etags;
  for (const auto& arrival : proxy.arrivals()) {
    if (arrival.method != "GET" || !arrival.target.starts_with("/big-logs/small.jsonl/")) continue;
    auto header = [&](const char* name) {
      for (const auto& [key, value] : arrival.headers)
        if (strcasecmp(key.c_str(), name) == 0) return value;
      return std::string();
    };
    ranges.push_back(header("range"));
    etags.push_back(header("if-match"));
  }
  std::uint64_t size = fs::file_size(path("small.jsonl"));
  ASSERT_EQ(ranges.size(), (size + (8u << 20) - 1) / (8u << 20));
  for (std::size_t i = 0; i < ranges.size(); ++i)
    EXPECT_EQ(ranges[i], fmt::format("bytes={}-{}", i * (8u << 20), (i + 1) * (8u << 20) - 1));
  Json head =
      aws_cli({"s3api", "head-object", "--bucket", "big-logs", "--key", "small.jsonl/small.jsonl"});
  EXPECT_EQ(etags.front(), "");
  for (std::size_t i = 1; i < etags.size(); ++i) EXPECT_EQ(etags[i], head["ETag"]);
}

}  // namespace
}  // namespace custos::test
