// aws.ec2's own filters, the common metrics filter and tag-trim action, and the `query` policy
// key over real HTTP against moto: which of two instances each selects, the instances' state
// set up and read back with the AWS CLI.
#include <gtest/gtest.h>

#include <ctime>
#include <set>

#include "integration/action_check.h"
#include "integration/recorded_answers.h"
#include "support/fault_proxy.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class Ec2FiltersTest : public ActionTest {
 protected:
  void SetUp() override {
    ActionTest::SetUp();
    guarded_ = launch({"--disable-api-stop"});
    // moto 5.2.1 ignores run-instances' --disable-api-termination.
    aws_cli({"ec2", "modify-instance-attribute", "--instance-id", guarded_,
             "--disable-api-termination"});
    plain_ = launch({});
  }

  std::string launch(std::vector<std::string> extra) const {
    std::vector<std::string> args = {"ec2",          "run-instances",   "--image-id",
                                     "ami-12c6146b", "--instance-type", "t3.micro"};
    args.insert(args.end(), extra.begin(), extra.end());
    return aws_cli(args)["Instances"][0]["InstanceId"];
  }

  // The ids `filters` (YAML flow text) select among the instances, run as `custos run`.
  std::set<std::string> selected(const std::string& filters, const std::string& more = "",
                                 const std::map<std::string, std::string>& env = {}) const {
    write("p.yml", "policies:\n  - name: pick\n    resource: ec2\n" + more +
                       "    filters: " + filters + "\n");
    auto run = custos({"run", "-s", path("out"), path("p.yml")}, env);
    EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
    std::set<std::string> ids;
    for (const Json& instance : Json::parse(read_file(path("out/pick/resources.json"))))
      ids.insert(instance["InstanceId"].get<std::string>());
    return ids;
  }

  std::string guarded_, plain_;
};

TEST_F(Ec2FiltersTest, TerminationAndStopProtection) {
  EXPECT_EQ(aws_cli({"ec2", "describe-instance-attribute", "--instance-id", guarded_, "--attribute",
                     "disableApiStop"})["DisableApiStop"]["Value"],
            true);
  EXPECT_EQ(selected("[termination-protected]"), std::set<std::string>{guarded_});
  EXPECT_EQ(selected("[{not: [termination-protected]}]"), std::set<std::string>{plain_});
  EXPECT_EQ(selected("[{type: stop-protected}]"), std::set<std::string>{guarded_});
  EXPECT_EQ(selected("[{type: instance-attribute, attribute: disableApiTermination, key: Value, "
                     "value: false}]"),
            std::set<std::string>{plain_});
}

// query is passed to DescribeInstances: only the stopped instance is listed at all.
TEST_F(Ec2FiltersTest, QueryNarrowsTheListing) {
  aws_cli({"ec2", "stop-instances", "--instance-ids", plain_});
  EXPECT_EQ(selected("[]", "    query:\n      - instance-state-name: stopped\n"),
            std::set<std::string>{plain_});
  EXPECT_EQ(selected("[]", "    query:\n      - Filters: [{Name: instance-id, Values: [" +
                               guarded_ + "]}]\n"),
            std::set<std::string>{guarded_});
  // state-age reads the stop's date out of StateTransitionReason.
  EXPECT_EQ(selected("[{type: state-age, op: lt, days: 1}]"), std::set<std::string>{plain_});
}

TEST_F(Ec2FiltersTest, AgesAndImage) {
  const std::set<std::string> both = {guarded_, plain_};
  EXPECT_EQ(selected("[{type: instance-age, op: lt, hours: 1}]"), both);
  EXPECT_EQ(selected("[{type: instance-age, op: ge, days: 1}]"), std::set<std::string>{});
  EXPECT_EQ(selected("[{type: instance-uptime, op: lt, days: 1}]"), both);
  Json image = aws_cli({"ec2", "describe-images", "--image-ids", "ami-12c6146b"})["Images"][0];
  EXPECT_EQ(
      selected("[{type: image, key: Name, value: '" + image["Name"].get<std::string>() + "'}]"),
      both);
  EXPECT_EQ(selected("[{type: image, key: Name, value: other}]"), std::set<std::string>{});
  // moto registers its images as it starts: none is a day old.
  EXPECT_EQ(selected("[{type: image-age, op: ge, days: 1}]"), std::set<std::string>{});
  EXPECT_EQ(selected("[{type: image-age, op: lt, days: 1}]"), both);
}

TEST_F(Ec2FiltersTest, SingletonEphemeralAndEbs) {
  aws_cli({"cloudwatch",
           "put-metric-alarm",
           "--alarm-name",
           "recover",
           "--metric-name",
           "StatusCheckFailed_System",
           "--namespace",
           "AWS/EC2",
           "--statistic",
           "Minimum",
           "--period",
           "60",
           "--evaluation-periods",
           "2",
           "--threshold",
           "0",
           "--comparison-operator",
           "GreaterThanThreshold",
           "--dimensions",
           "Name=InstanceId,Value=" + guarded_,
           "--alarm-actions",
           "arn:aws:automate:us-east-1:ec2:recover"});
  EXPECT_EQ(selected("[singleton]"), std::set<std::string>{plain_});
  EXPECT_EQ(selected("[ephemeral]"), std::set<std::string>{});  // EBS roots
  EXPECT_EQ(selected("[{type: ebs, key: Encrypted, value: false}]"),
            (std::set<std::string>{guarded_, plain_}));
  EXPECT_EQ(selected("[{type: ebs, key: Encrypted, value: false, skip-devices: [/dev/sda1]}]"),
            std::set<std::string>{});
}

TEST_F(Ec2FiltersTest, MetricsFromCloudWatch) {
  aws_cli({"cloudwatch", "put-metric-data", "--namespace", "AWS/EC2", "--metric-name",
           "CPUUtilization", "--dimensions", "InstanceId=" + guarded_, "--value", "5"});
  const std::string cpu = "{type: metrics, name: CPUUtilization, days: 1, period: 86400, op: lt, ";
  EXPECT_EQ(selected("[" + cpu + "value: 30}]"), std::set<std::string>{guarded_});
  EXPECT_EQ(selected("[" + cpu + "value: 3}]"), std::set<std::string>{});
  // No data points: left out, unless missing-value stands in for them.
  EXPECT_EQ(selected("[" + cpu + "value: 30, missing-value: 0}]"),
            (std::set<std::string>{guarded_, plain_}));
}

// offhour reads the schedule from the tag: this hour in UTC, every day.
TEST_F(Ec2FiltersTest, OffhourAndOnhourFollowTheTag) {
  auto tag = [&](const std::string& id, const std::string& schedule) {
    aws_cli({"ec2", "create-tags", "--resources", id, "--tags",
             Json::array({{{"Key", "downtime"}, {"Value", schedule}}}).dump()});
  };
  std::set<std::string> off, on_running, on_any;
  // The schedules name the hour the test starts in: when it turns meanwhile, once more.
  for (std::time_t started = 0; started == 0 || std::time(nullptr) / 3600 != started / 3600;) {
    started = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&started, &utc);
    std::string hour = std::to_string(utc.tm_hour);
    // A schedule without on= (or off=) takes the policy's default hour, as in Cloud Custodian:
    // twelve hours away, so that it is never the hour the test runs in.
    const std::string away = std::to_string((utc.tm_hour + 12) % 24);
    const std::string offhour =
        "{type: offhour, tag: downtime, default_tz: utc, offhour: " + away + "}";
    const std::string onhour = "{type: onhour, tag: downtime, default_tz: utc, onhour: " + away;
    tag(guarded_, "off=(m-u," + hour + ");tz=utc");
    tag(plain_,
        "off=(m-u," + std::to_string((utc.tm_hour + 1) % 24) + ");on=(m-u," + hour + ");tz=utc");
    off = selected("[" + offhour + "]");
    on_running = selected("[" + onhour + "}]");
    on_any = selected("[" + onhour + ", state-filter: false}]");
  }
  EXPECT_EQ(off, std::set<std::string>{guarded_});
  // onhour takes stopped instances only, unless state-filter: false.
  EXPECT_EQ(on_running, std::set<std::string>{});
  EXPECT_EQ(on_any, std::set<std::string>{plain_});
}

// moto 5.2.1 answers DescribeInstanceInformation with a 500: a proxy answers it with Cloud
// Custodian's recording of a real answer (test_ec2_ssm_filter), made about our instance.
TEST_F(Ec2FiltersTest, SsmWithRecordedAnswer) {
  Json recorded = Json::parse(
      read_file(data_path("responses/cloud-custodian-placebo/"
                          "test_ec2_ssm_filter__ssm.DescribeInstanceInformation_1.json")))["data"];
  Json information = epoch_dates(recorded["InstanceInformationList"][0]);
  information["InstanceId"] = plain_;
  FaultProxy proxy(emulator().url());
  FaultProxy::Reply reply;
  reply.content_type = "application/x-amz-json-1.1";
  reply.body = Json{{"InstanceInformationList", {information}}}.dump();
  proxy.answer_action("DescribeInstanceInformation", reply);
  std::map<std::string, std::string> env = {{"AWS_ENDPOINT_URL", proxy.url()}};
  EXPECT_EQ(selected("[{type: ssm, key: PingStatus, value: Online}, {type: ssm, key: "
                     "PlatformName, value: Ubuntu}]",
                     "", env),
            std::set<std::string>{plain_});
  EXPECT_EQ(selected("[{type: ssm, key: PingStatus, value: absent}]", "", env),
            std::set<std::string>{guarded_});
}

TEST_F(Ec2FiltersTest, UserData) {
  std::string scripted = launch({"--user-data", "#!/bin/sh\nexport DB_PASSWORD=hunter2\n"});
  EXPECT_EQ(selected("[{type: user-data, op: regex, value: '(?smi).*password='}]"),
            std::set<std::string>{scripted});
  EXPECT_EQ(selected("[{type: user-data, value: absent}]"),
            (std::set<std::string>{guarded_, plain_}));
}

TEST_F(Ec2FiltersTest, HasSpecificManagedPolicy) {
  std::string with_profile = run_instance_with_profile("web");
  Json policy =
      aws_cli({"iam", "create-policy", "--policy-name", "S3FullAccess", "--policy-document",
               R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
               R"("Action":"s3:*","Resource":"*"}]})"})["Policy"];
  aws_cli({"iam", "attach-role-policy", "--role-name", "web", "--policy-arn",
           policy["Arn"].get<std::string>()});
  EXPECT_EQ(selected("[{type: has-specific-managed-policy, op: glob, value: '*FullAccess'}]"),
            std::set<std::string>{with_profile});
  EXPECT_EQ(selected("[{type: has-specific-managed-policy, value: admin-policy}]"),
            std::set<std::string>{});
}

// mode periodic runs as a pull: by `custos run`, and on the Scheduled Event its rule sends.
TEST_F(Ec2FiltersTest, PeriodicRunsAsPullAndOnItsSchedule) {
  const std::string periodic = "    mode: {type: periodic, schedule: rate(1 day)}\n";
  const std::set<std::string> both = {guarded_, plain_};
  EXPECT_EQ(selected("[]", periodic), both);
  write("event.json", Json{{"version", "0"},
                           {"source", "aws.events"},
                           {"detail-type", "Scheduled Event"},
                           {"account", "123456789012"},
                           {"region", "us-east-1"},
                           {"detail", Json::object()}}
                          .dump());
  auto run = custos({"run", "-s", path("out"), "--event", path("event.json"), path("p.yml")});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(Json::parse(read_file(path("out/pick/resources.json"))).size(), 2u);
}

// tag-trim makes room for 3 more tags under 50: of 49 tags (k00 preserved) k01 and k02 go.
TEST_F(Ec2FiltersTest, TagTrimFreesSpace) {
  std::vector<std::string> args = {"ec2", "create-tags", "--resources", plain_, "--tags"};
  for (int i = 0; i < 49; ++i) {
    std::string key = (i < 10 ? "k0" : "k") + std::to_string(i);
    args.push_back("Key=" + key + ",Value=v");
  }
  aws_cli(args);
  auto tags = [&] {
    Json keys = Json::array();
    // Held here: a range-for over a member of a temporary would read freed memory.
    const Json answer =
        aws_cli({"ec2", "describe-tags", "--filters", "Name=resource-id,Values=" + plain_});
    for (const Json& tag : answer["Tags"]) keys.push_back(tag["Key"]);
    return keys;
  };
  const std::string policy =
      "policies:\n  - name: trim\n    resource: ec2\n    filters:\n"
      "      - InstanceId: " +
      plain_ + "\n    actions:\n      - {type: tag-trim, space: 3, preserve: [k00]}\n";
  Json records = prove_action(policy, "trim", tags, "ec2 DeleteTags", {}, {"--no-journal"});
  Json left = tags();
  EXPECT_EQ(left.size(), 47u);
  for (const char* gone : {"k01", "k02"})
    EXPECT_EQ(std::find(left.begin(), left.end(), Json(gone)), left.end()) << gone;
  EXPECT_NE(std::find(left.begin(), left.end(), Json("k00")), left.end());
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["after"]["Tags"], (Json{{"k01", nullptr}, {"k02", nullptr}}));
}

}  // namespace
}  // namespace custos::test
