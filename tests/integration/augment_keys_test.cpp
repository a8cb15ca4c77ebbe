// The query's augment-keys on aws.s3 (Cloud Custodian's, from after 0.9.21): only the detail
// calls named (or, with detect, those the value filters read) are made, besides the bucket's
// location and tags; what the policy matches is the same. A proxy in front of moto records which
// of S3's subresources each bucket was asked for.
#include <gtest/gtest.h>

#include <set>

#include "integration/action_check.h"
#include "support/fault_proxy.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class AugmentKeysTest : public ActionTest {
 protected:
  void SetUp() override {
    ActionTest::SetUp();
    for (const char* bucket : {"site", "plain"})
      aws_cli({"s3api", "create-bucket", "--bucket", bucket});
    aws_cli({"s3api", "put-bucket-website", "--bucket", "site", "--website-configuration",
             R"({"IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "e.html"}})"});
    aws_cli({"s3api", "put-bucket-versioning", "--bucket", "site", "--versioning-configuration",
             "Status=Enabled"});
    aws_cli({"s3api", "put-bucket-replication", "--bucket", "site", "--replication-configuration",
             R"({"Role": "arn:aws:iam::123456789012:role/replication", "Rules": [{"ID": "all",
                 "Status": "Enabled", "Prefix": "", "Destination":
                 {"Bucket": "arn:aws:s3:::plain"}}]})"});
  }

  // The bucket names `file` (an example) matches, and the subresources asked for.
  std::pair<Json, std::set<std::string>> run_example(const std::string& file) const {
    FaultProxy proxy(emulator().url());
    Json matched = matched_by(read_file(data_path("policies/c7n/s3/" + file)),
                              "check-website-replication", {{"AWS_ENDPOINT_URL", proxy.url()}});
    Json names = Json::array();
    for (const Json& bucket : matched) names.push_back(bucket["Name"]);
    std::set<std::string> asked;
    for (const auto& arrival : proxy.arrivals()) {
      std::size_t query = arrival.target.find('?');
      if (arrival.method == "GET" && query != std::string::npos)
        asked.insert(arrival.target.substr(query + 1,
                                           arrival.target.find_first_of("=&", query) - query - 1));
    }
    return {names, asked};
  }
};

TEST_F(AugmentKeysTest, OnlyTheNamedDetailsAreAskedFor) {
  for (const char* example : {"check-website-replication.yml", "check-website-replication-2.yml"}) {
    auto [names, asked] = run_example(example);
    EXPECT_EQ(names, Json::array({"site"})) << example;
    EXPECT_EQ(asked, (std::set<std::string>{"location", "tagging", "website", "replication"}))
        << example;
  }
}

}  // namespace
}  // namespace custos::test
