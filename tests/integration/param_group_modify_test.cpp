// modify on aws.rds-param-group and aws.rds-cluster-param-group over real HTTP against moto,
// Cloud Custodian's examples unchanged: the values read back with the AWS CLI, a second run
// changes nothing, and the undo sets back what was there.
#include <gtest/gtest.h>

#include "integration/action_check.h"
#include "support/paths.h"

namespace custos::test {
namespace {

struct GroupKind {
  std::string create;               // the CLI's create command
  std::string family;               // a family moto accepts
  std::string describe;             // the CLI's command listing its parameters
  std::string modify;               // the CLI's modify command
  std::string option;               // the group's name option
  std::string name;                 // the example's group
  std::string example;              // the example's file under tests/data/policies/c7n
  std::string policy;               // the example's policy name
  std::vector<std::string> params;  // what the example sets, to "1" and "100" or "1"
};

class ParamGroupModifyTest : public ActionTest, public ::testing::WithParamInterface<GroupKind> {
 protected:
  // The values of the example's parameters (null: none).
  Json values() const {
    const GroupKind& kind = GetParam();
    Json answer = aws_cli({"rds", kind.describe, kind.option, kind.name});
    Json found = Json::array();
    for (const std::string& wanted : kind.params) {
      Json value;
      for (const Json& param : answer["Parameters"])
        if (param["ParameterName"] == wanted) value = param.value("ParameterValue", Json());
      found.push_back(value);
    }
    return found;
  }
};

TEST_P(ParamGroupModifyTest, TheExampleSetsWhatDiffersAndTheUndoSetsItBack) {
  const GroupKind& kind = GetParam();
  aws_cli({"rds", kind.create, kind.option, kind.name, "--db-parameter-group-family", kind.family,
           "--description", "custos"});
  // Values in place first, so that the undo has values to set back.
  Json earlier = Json::array();
  for (const std::string& param : kind.params) {
    aws_cli({"rds", kind.modify, kind.option, kind.name, "--parameters",
             "ParameterName=" + param + ",ParameterValue=0,ApplyMethod=immediate"});
    earlier.push_back("0");
  }
  ASSERT_EQ(values(), earlier);
  const std::string yaml = read_file(data_path("policies/c7n/" + kind.example));
  Json records = prove_action(
      yaml, kind.policy, [&] { return values(); },
      "rds " + std::string(kind.modify == "modify-db-parameter-group"
                               ? "ModifyDBParameterGroup"
                               : "ModifyDBClusterParameterGroup"));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(values()[0], "1");
  expect_undo_restores(
      records, [&] { return values(); }, earlier);
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, ParamGroupModifyTest,
    ::testing::Values(
        GroupKind{"create-db-parameter-group",
                  "postgres14",
                  "describe-db-parameters",
                  "modify-db-parameter-group",
                  "--db-parameter-group-name",
                  "pg_name",
                  "rds-param-group/rdsparamgroup-286-rds-param-group-modify.yml",
                  "rds-param-group-modify",
                  {"autocommit", "max_connections"}},
        GroupKind{"create-db-cluster-parameter-group",
                  "aurora-postgresql14",
                  "describe-db-cluster-parameters",
                  "modify-db-cluster-parameter-group",
                  "--db-cluster-parameter-group-name",
                  "cluster_pg_name",
                  "rds-cluster-param-group/rdsparamgroup-321-rds-cluster-param-group-modify.yml",
                  "rds-cluster-param-group-modify",
                  {"lower_case_table_names", "master_verify_checksum"}}),
    [](const auto& info) { return info.index == 0 ? "instance" : "cluster"; });

using ParamGroupUndoTest = ActionTest;

// A parameter that had no value cannot be set back to one: its undo resets it.
TEST_F(ParamGroupUndoTest, AParameterWithoutAValueIsResetByTheUndo) {
  aws_cli({"rds", "create-db-parameter-group", "--db-parameter-group-name", "fresh",
           "--db-parameter-group-family", "postgres14", "--description", "custos"});
  run_policy(R"(policies:
  - name: tune
    resource: rds-param-group
    actions:
      - type: modify
        params:
          - {name: work_mem, value: 65536, apply-method: pending-reboot}
)");
  Json records = actions_of("tune");
  ASSERT_EQ(records.size(), 1u) << records.dump();
  EXPECT_EQ(records[0]["after"],
            Json::parse(R"([{"ParameterName": "work_mem", "ParameterValue": "65536",
                             "ApplyMethod": "pending-reboot"}])"));
  ASSERT_EQ(records[0]["undo"].size(), 1u);
  EXPECT_EQ(records[0]["undo"][0]["operation"], "ResetDBParameterGroup");
  EXPECT_EQ(records[0]["undo"][0]["params"]["Parameters"],
            Json::parse(R"([{"ParameterName": "work_mem", "ApplyMethod": "pending-reboot"}])"));
}

}  // namespace
}  // namespace custos::test
