// value_from with an s3:// URL against moto: the object is put with the AWS CLI, read once by
// the filter through the client (GetObject's blob Body), and compared like any value.
#include <gtest/gtest.h>

#include "integration/fixture.h"
#include "policy/core_filters.h"
#include "policy/policy.h"
#include "policy/registry.h"
#include "policy/source.h"

namespace custos::test {
namespace {

class ValueFromTest : public IntegrationTest {
 protected:
  // A bucket holding `text` at `key`.
  void put_object(const std::string& key, const std::string& text) const {
    aws_cli({"s3api", "create-bucket", "--bucket", "lists"});
    write("body", text);
    aws_cli({"s3api", "put-object", "--bucket", "lists", "--key", key, "--body", path("body")});
  }

  policy::Policy compile(const std::string& filter) const {
    static const policy::Registry registry = [] {
      policy::Registry r;
      policy::register_core_filters(r);
      policy::ResourceType thing;
      thing.name = "test.thing";
      r.add_resource(thing);
      return r;
    }();
    auto source = policy::SourceDocument::parse(
        "policies:\n- name: t\n  resource: test.thing\n  filters:\n  - " + filter + "\n", "f.yml");
    auto policies = policy::compile_policies(source, registry);
    return std::move(policies.at(0));
  }
};

TEST_F(ValueFromTest, ReadsAJsonObjectFromS3OnFirstUse) {
  put_object("amis/approved.json", R"({"Images": [{"Id": "ami-1"}, {"Id": "ami-2"}]})");
  auto policy = compile(
      "{type: value, key: ImageId, op: in, value_from: {url: 's3://lists/amis/approved.json', "
      "expr: 'Images[].Id'}}");
  aws::Client aws = client();
  policy::FilterContext context;
  context.client = &aws;
  std::vector<Json> kept = policy.filter_resources(
      {{{"ImageId", "ami-1"}}, {{"ImageId", "ami-9"}}, {{"ImageId", "ami-2"}}}, context);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0]["ImageId"], "ami-1");
  EXPECT_EQ(kept[1]["ImageId"], "ami-2");
  // Kept after the first read: deleting the object changes nothing.
  aws_cli({"s3api", "delete-object", "--bucket", "lists", "--key", "amis/approved.json"});
  EXPECT_TRUE(policy.matches({{"ImageId", "ami-2"}}, context));
}

TEST_F(ValueFromTest, FillsInRegionAndAccountAndReadsText) {
  put_object("123456789012/us-east-1/owners.txt", "alice\n bob\n");
  aws::Client aws = client();
  ASSERT_EQ(aws.session().region(), "us-east-1");
  auto policy = compile(
      "{type: value, key: 'tag:Owner', op: in, value_from: "
      "{url: 's3://lists/{account_id}/{region}/owners.txt'}}");
  policy::FilterContext context;
  context.client = &aws;
  EXPECT_TRUE(policy.matches({{"Tags", {{{"Key", "Owner"}, {"Value", "bob"}}}}}, context));
  EXPECT_FALSE(policy.matches({{"Tags", {{{"Key", "Owner"}, {"Value", "eve"}}}}}, context));
}

TEST_F(ValueFromTest, AMissingObjectIsAnErrorNamingTheUrl) {
  aws_cli({"s3api", "create-bucket", "--bucket", "lists"});
  auto policy = compile("{type: value, key: K, op: in, value_from: {url: 's3://lists/none.csv'}}");
  aws::Client aws = client();
  policy::FilterContext context;
  context.client = &aws;
  try {
    policy.matches({{"K", "x"}}, context);
    FAIL() << "reading a missing object must fail";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("s3://lists/none.csv"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("NoSuchKey"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace custos::test
