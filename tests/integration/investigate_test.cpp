// custos investigate reading a log bucket (moto's S3): the real invictus-ir records uploaded
// gzipped under CloudTrail's key layout (and an organization trail's), answered as jq answers
// the same files; folders the layout rules out are never read (they hold files that are not
// JSON, which would be reported).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "integration/fixture.h"
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

}  // namespace
}  // namespace custos::test
