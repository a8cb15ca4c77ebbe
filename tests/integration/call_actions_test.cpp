// The actions that are one AWS call as data (ResourceType::actions, besides delete), over real
// HTTP against moto: each row makes a resource of its type (tests/integration/type_rows.h),
// runs one action on it by id, and reads what the action changes with the AWS CLI: a dry run
// changes nothing, the run changes it, a second run records "unchanged" where the action can
// tell, and the record's undo, played by the CLI, puts it back.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <sstream>

#include "integration/action_check.h"
#include "integration/type_rows.h"
#include "jmespath/jmespath.h"
#include "resources/builtin.h"

namespace custos::test {
namespace {

struct ActionRow {
  std::string type;
  std::string action;  // the policy's action, in YAML's flow style
  // The AWS CLI command that reads what the action changes ({id}: the resource's id), and the
  // JMESPath to that in its answer.
  std::string read;
  std::string state;
  std::vector<Call> before{};  // brings the resource into a state the action acts in
  bool repeats = false;        // the action cannot tell it is done: a second run calls again
  bool undoes = true;          // the record can undo it (false: nothing to restore it from)
};

std::vector<ActionRow> action_rows() {
  const std::string rds = "rds describe-db-instances --db-instance-identifier {id}";
  const std::string redshift = "redshift describe-clusters --cluster-identifier {id}";
  return {
      // moto 5.2.1 leaves PubliclyAccessible out of a new instance: no value to restore.
      {"rds",
       "{type: set-public-access, state: true}",
       rds,
       "DBInstances[0].PubliclyAccessible",
       {},
       false,
       false},
      {"rds", "{type: auto-patch, minor: false}", rds, "DBInstances[0].AutoMinorVersionUpgrade"},
      {"rds", "{type: set-snapshot-copy-tags, enable: true}", rds,
       "DBInstances[0].CopyTagsToSnapshot"},
      {"redshift", "{type: set-public-access, state: true}", redshift,
       "Clusters[0].PubliclyAccessible"},
      {"redshift", "{type: enable-vpc-routing, value: true}", redshift,
       "Clusters[0].EnhancedVpcRouting"},
      {"dynamodb-table", "{type: set-stream, state: true, stream_view_type: NEW_IMAGE}",
       "dynamodb describe-table --table-name {id}", "Table.StreamSpecification"},
      {"sagemaker-notebook", "stop",
       "sagemaker describe-notebook-instance --notebook-instance-name nb",
       "NotebookInstanceStatus"},
      {"sagemaker-notebook",
       "start",
       "sagemaker describe-notebook-instance --notebook-instance-name nb",
       "NotebookInstanceStatus",
       {{"sagemaker", "StopNotebookInstance", R"({"NotebookInstanceName": "nb"})"}}},
      {"asg", "{type: update, new-instances-protected-from-scale-in: true}",
       "autoscaling describe-auto-scaling-groups --auto-scaling-group-names {id}",
       "AutoScalingGroups[0].NewInstancesProtectedFromScaleIn"},
      {"log-group",
       "{type: retention, days: 7}",
       "logs describe-log-groups --log-group-name-prefix {id}",
       "logGroups[0].retentionInDays",
       {},
       false,
       false},
      // moto 5.2.1 checks that a log group destination exists, and says ByLogStream whatever
      // the distribution asked for.
      {"log-group",
       "{type: put-subscription-filter, filter_name: AllLambda, filter_pattern: ip, "
       "destination_arn: 'arn:aws:logs:us-east-1:123456789012:log-group:dest:*', "
       "distribution: Random}",
       "logs describe-subscription-filters --log-group-name {id}",
       "subscriptionFilters[].[filterName, filterPattern, destinationArn]",
       {{"logs", "CreateLogGroup", R"({"logGroupName": "dest"})"}},
       true},
      {"sns", "{type: set-encryption, key: alias/team}",
       "sns get-topic-attributes --topic-arn {id}", "Attributes.KmsMasterKeyId || ''"},
      {"sqs", "{type: set-retention-period, period: 86400}",
       "sqs get-queue-attributes --queue-url {id} --attribute-names MessageRetentionPeriod",
       "Attributes.MessageRetentionPeriod"},
      {"elb",
       "{type: enable-s3-logging, bucket: logs, prefix: web, emit_interval: 5}",
       "elb describe-load-balancer-attributes --load-balancer-name {id}",
       "LoadBalancerAttributes.AccessLog",
       {},
       true},
      {"subnet", "{type: modify, MapPublicIpOnLaunch: true}",
       "ec2 describe-subnets --subnet-ids {id}", "Subnets[0].MapPublicIpOnLaunch"},
      {"dynamodb-table", "{type: set-continuous-backup, state: true}",
       "dynamodb describe-continuous-backups --table-name {id}",
       "ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus"},
      // The account's settings: a policy in place first, so that the undo has one to restore.
      {"account",
       "{type: set-password-policy, policy: {MinimumPasswordLength: 20}}",
       "iam get-account-password-policy",
       "PasswordPolicy",
       {{"iam", "UpdateAccountPasswordPolicy",
         R"({"MinimumPasswordLength": 8, "RequireSymbols": true})"}}},
      // moto 5.2.1 stores BlockPublicSecurityGroupRules: false as true: the ranges are changed.
      {"account",
       "{type: set-emr-block-public-access, config: {BlockPublicSecurityGroupRules: true, "
       "PermittedPublicSecurityGroupRuleRanges: [{MinRange: 443, MaxRange: 443}]}}",
       "emr get-block-public-access-configuration",
       "BlockPublicAccessConfiguration.PermittedPublicSecurityGroupRuleRanges",
       {{"emr", "PutBlockPublicAccessConfiguration",
         R"({"BlockPublicAccessConfiguration": {"BlockPublicSecurityGroupRules": true,
             "PermittedPublicSecurityGroupRuleRanges": [{"MinRange": 22, "MaxRange": 22}]}})"}}},
      {"rest-api",
       "{type: update, patch: [{op: replace, path: /description, value: audited}]}",
       "apigateway get-rest-api --rest-api-id {id}",
       "description",
       {},
       true,
       false},
  };
}

std::string action_name(const ActionRow& row) {
  return row.action.starts_with("{") ? row.action.substr(7, row.action.find(',') - 7) : row.action;
}

void PrintTo(const ActionRow& row, std::ostream* out) { *out << row.type << " " << row.action; }

std::string action_row_name(const ::testing::TestParamInfo<ActionRow>& info) {
  std::string name = info.param.type + "_" + action_name(info.param);
  std::replace_if(
      name.begin(), name.end(), [](char c) { return !std::isalnum(c); }, '_');
  return name;
}

class CallActionTest : public ActionTest, public ::testing::WithParamInterface<ActionRow> {
 protected:
  Json read_state(const ActionRow& row, const std::string& id) const {
    std::vector<std::string> args;
    std::string word;
    for (std::istringstream words(row.read); words >> word;)
      args.push_back(word == "{id}" ? id : word);
    return jmespath::Expression::compile(row.state).search(aws_cli(args));
  }
};

TEST_P(CallActionTest, ChangesWhatTheCliReadsAndItsUndoPutsItBack) {
  const ActionRow& row = GetParam();
  const Row& resource = row_of(row.type);
  aws::Client aws = client();
  Json answers = create(resource, aws);
  for (const Call& call : row.before)
    aws.call(call.service, call.operation, resolve(Json::parse(call.params), answers));
  std::string id = jmespath::Expression::compile(resource.id).search(answers);
  const auto& type = *resources::builtin_registry().find_resource(row.type);
  const auto* action = type.call_action(action_name(row));
  ASSERT_NE(action, nullptr) << action_name(row);
  std::string yaml = "policies:\n  - name: acted\n    resource: " + row.type +
                     "\n    filters:\n      - {type: value, key: " + type.id_field +
                     ", value: " + Json(id).dump() + "}\n    actions:\n      - " + row.action +
                     "\n";
  auto state = [&] { return read_state(row, id); };
  const Json before = state();

  ProcessResult dry = run_policy(yaml, {"--dryrun"});
  const std::string& service = action->service.empty() ? type.service : action->service;
  EXPECT_NE(dry.out.find("would call " + service + " " + action->operation), std::string::npos)
      << dry.out;
  EXPECT_EQ(state(), before) << "the dry run changed something";

  run_policy(yaml);
  Json records = actions_of("acted");
  ASSERT_EQ(records.size(), 1u) << records.dump();
  EXPECT_EQ(records[0]["outcome"], "changed") << records[0].dump();
  Json after = state();
  EXPECT_NE(after, before) << "the run changed nothing";

  run_policy(yaml);
  EXPECT_EQ(actions_of("acted")[0]["outcome"], row.repeats ? "changed" : "unchanged");
  EXPECT_EQ(state(), after);
  if (row.undoes)
    expect_undo_restores(records, state, before);
  else
    EXPECT_TRUE(records[0]["undo"].is_null()) << records[0].dump();
}

INSTANTIATE_TEST_SUITE_P(Types, CallActionTest, ::testing::ValuesIn(action_rows()),
                         action_row_name);

// snapshot names what it makes by the minute (custos:now), as Cloud Custodian's
// snapshot_identifier: a dry run makes none, the run one named Backup-ID-YYYY-MM-DD-HH-MM, which
// no undo removes; a second run makes another or, in the same minute, finds it there.
class SnapshotActionTest : public ActionTest,
                           public ::testing::WithParamInterface<std::vector<std::string>> {};

TEST_P(SnapshotActionTest, NamesTheSnapshotByTheMinute) {
  const std::string& type = GetParam()[0];
  aws::Client aws = client();
  Json answers = create(row_of(type), aws);
  std::string id = jmespath::Expression::compile(row_of(type).id).search(answers);
  const std::string yaml =
      "policies:\n  - name: saved\n    resource: " + type + "\n    actions:\n      - snapshot\n";
  std::vector<std::string> read = {GetParam()[1], GetParam()[2], GetParam()[3], id};
  auto names = [&] { return jmespath::Expression::compile(GetParam()[4]).search(aws_cli(read)); };
  ASSERT_TRUE(names().empty()) << names().dump();
  run_policy(yaml, {"--dryrun"});
  EXPECT_TRUE(names().empty()) << "the dry run made a snapshot";
  run_policy(yaml, {"--no-journal"});
  Json records = actions_of("saved");
  ASSERT_EQ(records.size(), 1u) << records.dump();
  EXPECT_EQ(records[0]["outcome"], "changed") << records[0].dump();
  EXPECT_TRUE(records[0]["undo"].is_null()) << records[0].dump();
  Json made = names();
  ASSERT_EQ(made.size(), 1u) << made.dump();
  // Database identifiers are lower case to AWS (and moto): Backup-DB1 is kept as backup-db1.
  auto lower = [](std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    return text;
  };
  std::string name = lower(made[0]);
  const std::string prefix = lower("Backup-" + id + "-");
  EXPECT_EQ(name.rfind(prefix, 0), 0u) << name;
  EXPECT_EQ(name.size(), prefix.size() + std::string("2026-12-06-16-40").size()) << name;
  run_policy(yaml, {"--no-journal"});
  EXPECT_NE(actions_of("saved")[0]["outcome"], "failed") << actions_of("saved").dump();
}

INSTANTIATE_TEST_SUITE_P(
    Types, SnapshotActionTest,
    ::testing::Values(
        std::vector<std::string>{"rds", "rds", "describe-db-snapshots", "--db-instance-identifier",
                                 "DBSnapshots[?SnapshotType=='manual'].DBSnapshotIdentifier"},
        std::vector<std::string>{"redshift", "redshift", "describe-cluster-snapshots",
                                 "--cluster-identifier",
                                 "Snapshots[?SnapshotType=='manual'].SnapshotIdentifier"}),
    [](const auto& info) { return info.param[0]; });

}  // namespace
}  // namespace custos::test
