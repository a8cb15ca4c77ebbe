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

std::string row_name(const ::testing::TestParamInfo<ActionRow>& info) {
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
  EXPECT_NE(dry.out.find("would call " + type.service + " " + action->operation), std::string::npos)
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

INSTANTIATE_TEST_SUITE_P(Types, CallActionTest, ::testing::ValuesIn(action_rows()), row_name);

}  // namespace
}  // namespace custos::test
