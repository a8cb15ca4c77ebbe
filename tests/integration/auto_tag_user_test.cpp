// auto-tag-user on moto: a RunInstances call (a real CloudTrail event's shape) tags the instances
// it made with who made it, read back with the AWS CLI: an IAM user's name and principal id; an
// instance already tagged keeps its tag unless `update`; an assumed role's session name.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "integration/findings.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class AutoTagUserTest : public ActionTest {
 protected:
  std::string launch(const std::vector<std::string>& tags = {}) const {
    std::vector<std::string> args = {"ec2",          "run-instances", "--image-id",
                                     "ami-12c6146b", "--count",       "1"};
    if (!tags.empty()) args.insert(args.end(), tags.begin(), tags.end());
    return aws_cli(args)["Instances"][0]["InstanceId"];
  }
  // The RunInstances call that made `instances`, by `identity`.
  void called_by(const std::vector<std::string>& instances, const Json& identity) const {
    Json event = cloudtrail_call("ec2.amazonaws.com", "RunInstances", Json::object());
    Json items = Json::array();
    for (const std::string& id : instances) items.push_back({{"instanceId", id}});
    event["detail"]["responseElements"] = {{"instancesSet", {{"items", items}}}};
    event["detail"]["userIdentity"] = identity;
    // A call of its own each time: the same event again is a repeat custos does not act on.
    event["detail"]["eventID"] = "auto-tag-" + std::to_string(++calls_);
    event["id"] = event["detail"]["eventID"];
    write("event.json", event.dump());
  }
  std::string tag_of(const std::string& instance, const std::string& key) const {
    Json tags = aws_cli({"ec2", "describe-tags", "--filters", "Name=resource-id,Values=" + instance,
                         "Name=key,Values=" + key})["Tags"];
    return tags.empty() ? "" : tags[0]["Value"].get<std::string>();
  }
  mutable int calls_ = 0;

  void policy(const std::string& action) const {
    write("policy.yml", R"(policies:
  - name: owner
    resource: ec2
    mode: {type: cloudtrail, events: [RunInstances]}
    actions:
      - )" + action + "\n");
  }
};

TEST_F(AutoTagUserTest, TagsTheInstancesACallMadeWithTheUserWhoMadeIt) {
  std::string fresh = launch(),
              owned = launch(
                  {"--tag-specifications", "ResourceType=instance,Tags=[{Key=Owner,Value=bob}]"});
  called_by({fresh, owned}, {{"type", "IAMUser"},
                             {"principalId", "AIDAEXAMPLEALICE"},
                             {"arn", "arn:aws:iam::123456789012:user/alice"},
                             {"accountId", "123456789012"},
                             {"userName", "alice"}});
  policy("{type: auto-tag-user, tag: Owner, principal_id_tag: OwnerId}");
  run_event({"--dryrun"});
  EXPECT_EQ(tag_of(fresh, "Owner"), "");
  run_event();
  EXPECT_EQ(tag_of(fresh, "Owner"), "alice");
  EXPECT_EQ(tag_of(fresh, "OwnerId"), "AIDAEXAMPLEALICE");
  EXPECT_EQ(tag_of(owned, "Owner"), "bob");  // not `update`: an owner stays
  EXPECT_EQ(tag_of(owned, "OwnerId"), "");
  Json records = actions_of("owner");
  ASSERT_EQ(records.size(), 2u) << records.dump();
  int changed = 0;
  for (const Json& record : records) changed += record["outcome"] == "changed";
  EXPECT_EQ(changed, 1) << records.dump();
}

TEST_F(AutoTagUserTest, AnAssumedRoleTagsWithItsSessionAndUpdateReplacesAnOwner) {
  std::string owned =
      launch({"--tag-specifications", "ResourceType=instance,Tags=[{Key=Owner,Value=bob}]"});
  called_by({owned}, {{"type", "AssumedRole"},
                      {"principalId", "AROAEXAMPLEROLE:jane"},
                      {"arn", "arn:aws:sts::123456789012:assumed-role/Responder/jane"},
                      {"accountId", "123456789012"},
                      {"sessionContext", {{"sessionIssuer", {{"userName", "Responder"}}}}}});
  policy("{type: auto-tag-user, tag: Owner, update: true}");
  run_event();
  EXPECT_EQ(tag_of(owned, "Owner"), "jane");
  policy("{type: auto-tag-user, tag: Owner, update: true, value: userName}");
  called_by({owned}, Json::parse(read_file(path("event.json")))["detail"]["userIdentity"]);
  run_event();
  EXPECT_EQ(tag_of(owned, "Owner"), "Responder");  // the role, as c7n's value: userName says
}

}  // namespace
}  // namespace custos::test
