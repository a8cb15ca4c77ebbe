// The tag actions and marked-for-op over real HTTP: custos tags, untags, renames and marks
// instances on a moto server through `custos run`, the AWS CLI (an independent client) reads
// the tags back, and a second policy stops what was marked.
#include <gtest/gtest.h>

#include <chrono>

#include "integration/fixture.h"
#include "policy/dates.h"
#include "policy/mark_for_op.h"
#include "support/paths.h"

namespace custos::test {
namespace {

const std::string kTagPolicies = R"(policies:
  - name: tag-them
    resource: aws.ec2
    filters:
      - "tag:custodian": present
    actions:
      - {type: tag, key: owner, value: security}
      - {type: mark, tags: {env: prod, team: red}}
      - {type: remove-tag, tags: [custodian]}
  - name: rename-env
    resource: aws.ec2
    filters:
      - "tag:env": present
    actions:
      - {type: rename-tag, old_key: env, new_key: environment}
  - name: mark-them
    resource: aws.ec2
    filters:
      - "tag:owner": security
    actions:
      - {type: mark-for-op, op: stop, days: 0}
)";

const std::string kStopMarked = R"(policies:
  - name: stop-marked
    resource: aws.ec2
    filters:
      - {type: marked-for-op, op: stop}
    actions:
      - stop
)";

class TagActionsTest : public IntegrationTest {
 protected:
  std::string run_instance(const std::string& tags) const {
    std::vector<std::string> args = {"ec2",          "run-instances",   "--image-id",
                                     "ami-12c6146b", "--instance-type", "t3.micro"};
    if (!tags.empty()) {
      args.push_back("--tag-specifications");
      args.push_back("ResourceType=instance,Tags=[" + tags + "]");
    }
    return aws_cli(args)["Instances"][0]["InstanceId"].get<std::string>();
  }

  // The instance's tags as the AWS CLI sees them.
  Json tags_of(const std::string& id) const {
    Json found = aws_cli({"ec2", "describe-tags", "--filters", "Name=resource-id,Values=" + id});
    Json tags = Json::object();
    for (const Json& tag : found["Tags"]) tags[tag["Key"].get<std::string>()] = tag["Value"];
    return tags;
  }

  Json actions_of(const std::string& policy) const {
    return Json::parse(read_file(path("out/" + policy + "/actions.json")));
  }
};

TEST_F(TagActionsTest, TagRemoveRenameMarkThenStopWhatWasMarked) {
  std::string marked = run_instance("{Key=custodian,Value=yes},{Key=env,Value=dev}");
  std::string bystander = run_instance("{Key=Name,Value=db}");
  write("tag.yml", kTagPolicies);
  auto result = custos({"run", "-s", path("out"), path("tag.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;

  std::string date =
      policy::mark_date(*policy::TimeZone::find("utc"), 0, 0, std::chrono::system_clock::now());
  Json expected = {{"owner", "security"},
                   {"environment", "prod"},
                   {"team", "red"},
                   {"maid_status", "Resource does not meet policy: stop@" + date}};
  EXPECT_EQ(tags_of(marked), expected);
  EXPECT_EQ(tags_of(bystander), Json({{"Name", "db"}}));

  // The records say what each tag was before, so the change can be undone.
  Json tagged = actions_of("tag-them");
  ASSERT_EQ(tagged.size(), 3u);
  EXPECT_EQ(tagged[1]["before"]["Tags"], Json({{"env", "dev"}, {"team", nullptr}}));
  EXPECT_EQ(tagged[2]["before"]["Tags"], Json({{"custodian", "yes"}}));
  Json renamed = actions_of("rename-env");
  ASSERT_EQ(renamed.size(), 1u);
  EXPECT_EQ(renamed[0]["before"]["Tags"], Json({{"env", "prod"}, {"environment", nullptr}}));

  EXPECT_EQ(instance_state(marked), "running");
  write("stop.yml", kStopMarked);
  result = custos({"run", "-s", path("out"), path("stop.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  Json selected = Json::parse(read_file(path("out/stop-marked/resources.json")));
  ASSERT_EQ(selected.size(), 1u);
  EXPECT_EQ(selected[0]["InstanceId"], marked);
  EXPECT_EQ(instance_state(marked), "stopped");
  EXPECT_EQ(instance_state(bystander), "running");
}

TEST_F(TagActionsTest, AMarkForLaterIsNotDueYet) {
  std::string id = run_instance("{Key=custodian,Value=yes}");
  write("mark.yml", R"(policies:
  - name: mark-later
    resource: aws.ec2
    actions:
      - {type: mark-for-op, op: stop, days: 3}
)");
  ASSERT_EQ(custos({"run", "-s", path("out"), path("mark.yml")}).exit_code, 0);
  std::string value = tags_of(id)["maid_status"];
  EXPECT_EQ(value.rfind("Resource does not meet policy: stop@", 0), 0u) << value;
  write("stop.yml", kStopMarked);
  auto result = custos({"run", "-s", path("out"), path("stop.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(Json::parse(read_file(path("out/stop-marked/resources.json"))).size(), 0u);
  EXPECT_EQ(instance_state(id), "running");
}

// Cloud Custodian's aws.asg tag actions take their own option forms: tag's `propagate`,
// remove-tag's and mark-for-op's `key`, mark-for-op's `message`.
TEST_F(TagActionsTest, AutoScalingGroupsTakeCloudCustodiansAsgOptionForms) {
  aws_cli({"autoscaling", "create-launch-configuration", "--launch-configuration-name", "web",
           "--image-id", "ami-12c6146b", "--instance-type", "t3.micro"});
  aws_cli({"autoscaling", "create-auto-scaling-group", "--auto-scaling-group-name", "web",
           "--launch-configuration-name", "web", "--min-size", "0", "--max-size", "1",
           "--availability-zones", "us-east-1a", "--tags",
           "Key=UnnecessaryTag,Value=x,PropagateAtLaunch=false"});
  auto tags = [&] {
    Json found = aws_cli(
        {"autoscaling", "describe-tags", "--filters", "Name=auto-scaling-group,Values=web"});
    Json by_key = Json::object();
    for (const Json& tag : found["Tags"])
      by_key[tag["Key"].get<std::string>()] = {tag["Value"], tag["PropagateAtLaunch"]};
    return by_key;
  };
  write("asg.yml", R"(policies:
  - name: asg-forms
    resource: asg
    actions:
      - {type: tag, key: OwnerName, value: security, propagate: true}
      - {type: remove-tag, key: UnnecessaryTag}
      - {type: mark-for-op, key: custodian_suspend, message: "Deleting: {op}@{action_date}",
         op: delete, days: 7}
)");
  auto result = custos({"run", "--no-journal", "-s", path("out"), path("asg.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  const Json now = tags();
  EXPECT_EQ(now["OwnerName"], Json::array({"security", true}));
  EXPECT_FALSE(now.contains("UnnecessaryTag")) << now.dump();
  const std::string mark = now["custodian_suspend"][0];
  EXPECT_EQ(mark.rfind("Deleting: delete@", 0), 0u) << mark;
  EXPECT_EQ(now["custodian_suspend"][1], false);
  for (const Json& record : actions_of("asg-forms")) EXPECT_EQ(record["outcome"], "changed");

  // Elsewhere they are Cloud Custodian's mistakes, refused as it refuses them.
  write("ec2.yml", R"(policies:
  - name: ec2-propagate
    resource: ec2
    actions:
      - {type: tag, key: OwnerName, value: security, propagate: true}
)");
  result = custos({"validate", path("ec2.yml")});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("unknown key 'propagate' in action 'tag'"), std::string::npos)
      << result.err;
}

// Cloud Custodian's documented ec2-require-encrypted-volumes, unchanged: an instance starting
// with an unencrypted volume is terminated; its bare `mark` sets no tag (Cloud Custodian's Tag
// has no default value), recorded as unchanged.
TEST_F(TagActionsTest, RequireEncryptedVolumesTerminatesAndItsBareMarkSetsNoTag) {
  const std::string id = run_instance("{Key=team,Value=red}");
  write("policy.yml",
        read_file(data_path("policies/c7n/ec2/docs-lambda-99-ec2-require-encrypted-volumes.yml")));
  write("event.json", Json{{"version", "0"},
                           {"id", "ee376907-2647-4179-9203-343cfb3017a4"},
                           {"detail-type", "EC2 Instance State-change Notification"},
                           {"source", "aws.ec2"},
                           {"account", "123456789012"},
                           {"time", "2026-12-07T18:00:00Z"},
                           {"region", "us-east-1"},
                           {"resources", {"arn:aws:ec2:us-east-1:123456789012:instance/" + id}},
                           {"detail", {{"instance-id", id}, {"state", "pending"}}}}
                          .dump());
  auto result =
      custos({"run", "-s", path("out"), "--event", path("event.json"), path("policy.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(instance_state(id), "terminated");
  EXPECT_EQ(tags_of(id), (Json{{"team", "red"}}));
  const Json records = actions_of("ec2-require-encrypted-volumes");
  ASSERT_EQ(records.size(), 2u) << records.dump();
  EXPECT_EQ(records[0]["action"], "tag");
  EXPECT_EQ(records[0]["outcome"], "unchanged");
  EXPECT_EQ(records[1]["action"], "terminate");
  EXPECT_EQ(records[1]["outcome"], "changed");
}

}  // namespace
}  // namespace custos::test
