// The resource types that are only data (src/resources/services.h), over real HTTP against
// moto: each row creates one resource of its type with the in-process client, and custos must
// list it with the id AWS gave it (and, where the row tags it, find it by that tag, which
// proves the type's tags reach the document as Cloud Custodian's Tags). Adding a type that
// needs no code is one entry in its service file and one row here.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <regex>

#include "integration/action_check.h"
#include "integration/fixture.h"
#include "integration/param_names.h"
#include "integration/type_rows.h"
#include "jmespath/jmespath.h"
#include "resources/builtin.h"
#include "support/paths.h"

namespace custos::test {
namespace {

class ResourceTypeListing : public IntegrationTest, public ::testing::WithParamInterface<Row> {};

TEST_P(ResourceTypeListing, ListsWhatWasCreatedWithItsId) {
  const Row& row = GetParam();
  aws::Client aws = client();
  Json answers = create(row, aws);
  Json id = jmespath::Expression::compile(row.id).search(answers);
  ASSERT_TRUE(id.is_string()) << answers.dump();
  std::string filter = row.tagged ? "\n    filters:\n      - \"tag:team\": blue" : "";
  write("p.yml", "policies:\n  - name: listed\n    resource: " + row.type + filter + "\n");
  auto result = custos({"run", "-s", path("out"), path("p.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  Json listed = Json::parse(read_file(path("out/listed/resources.json")));
  auto& registry = resources::builtin_registry();
  const auto* type = registry.find_resource(row.type);
  ASSERT_NE(type, nullptr);
  ASSERT_EQ(listed.size(), 1u) << listed.dump();
  EXPECT_EQ(listed[0][type->id_field], id) << listed[0].dump();
}

// The rows moto serves; the others are listed from recorded AWS answers
// (resource_types_recorded_test.cpp).
std::vector<Row> served_rows() {
  std::vector<Row> served = rows();
  std::erase_if(served, [](const Row& row) { return !row.skip.empty(); });
  return served;
}

INSTANTIATE_TEST_SUITE_P(Types, ResourceTypeListing, ::testing::ValuesIn(served_rows()),
                         type_param_name<Row>);

// The rows moto serves whose type has Cloud Custodian's delete as data (ResourceType::actions).
std::vector<Row> deletable_rows() {
  std::vector<Row> deletable;
  for (Row& row : served_rows())
    if (resources::builtin_registry().find_resource(row.type)->call_action("delete"))
      deletable.push_back(std::move(row));
  return deletable;
}

class ResourceTypeDelete : public ResourceTypeListing {
 protected:
  // What the AWS CLI lists of `type` that names `id` (its listing call, under `parent` for a
  // child type): the item, or null when none does.
  Json listed_by_cli(const policy::ResourceType& type, const Json& document,
                     const std::string& id) const {
    Json params = type.enumerate_params;
    if (type.parent)  // the document names its parent by the listing's parameter or by id
      params[type.parent->param] =
          document.value(type.parent->param, document.value("c7n:parent-id", Json()));
    // The AWS CLI's name for a service, where it is not botocore's.
    std::string cli = type.service == "config" ? "configservice" : type.service;
    std::vector<std::string> args = {cli, cli_command(type.enumerate_operation)};
    if (!params.empty()) args.insert(args.end(), {"--cli-input-json", params.dump()});
    ProcessResult listing = try_aws_cli(args);
    // moto 5.2.1's DAX says ClusterNotFoundFault when it drops a deleted cluster while listing.
    for (const auto& code : type.not_found_codes)
      if (listing.exit_code != 0 && listing.err.find("(" + code + ")") != std::string::npos)
        return nullptr;
    EXPECT_EQ(listing.exit_code, 0) << listing.err;
    Json answer = listing.out.empty() ? Json::object() : Json::parse(listing.out);
    Json items = jmespath::Expression::compile(type.result_path).search(answer);
    for (const Json& item : items)
      if (item.dump().find(Json(id).dump()) != std::string::npos) return item;
    return nullptr;
  }
};

// Gone, or going: a cluster that AWS deletes over minutes is listed "deleting" meanwhile.
bool deleted_or_deleting(const Json& item) {
  std::string text = item.dump();
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return item.is_null() || text.find("\"deleting\"") != std::string::npos;
}

// delete, run on a policy naming one resource by its id: a dry run leaves it, the run removes
// it (as the AWS CLI lists the type), and the record keeps what was deleted.
TEST_P(ResourceTypeDelete, RemovesWhatThePolicyNamesAfterADryRunThatDoesNot) {
  const Row& row = GetParam();
  aws::Client aws = client();
  Json answers = create(row, aws);
  for (const Call& call : row.before_delete)
    aws.call(call.service, call.operation, resolve(Json::parse(call.params), answers));
  Json id = jmespath::Expression::compile(row.id).search(answers);
  ASSERT_TRUE(id.is_string()) << answers.dump();
  const auto& type = *resources::builtin_registry().find_resource(row.type);
  write("p.yml", "policies:\n  - name: gone\n    resource: " + row.type +
                     "\n    filters:\n      - {type: value, key: " + type.id_field +
                     ", value: " + id.dump() + "}\n    actions: [delete, delete]\n");

  auto dry = custos({"run", "--dryrun", "-s", path("dry"), path("p.yml")});
  ASSERT_EQ(dry.exit_code, 0) << dry.out << dry.err;
  EXPECT_NE(
      dry.out.find("would call " + type.service + " " + type.call_action("delete")->operation),
      std::string::npos)
      << dry.out;
  Json document = Json::parse(read_file(path("dry/gone/resources.json"))).at(0);
  Json before = listed_by_cli(type, document, id);
  ASSERT_FALSE(deleted_or_deleting(before)) << before.dump();

  auto run = custos({"run", "-s", path("out"), path("p.yml")});
  if (row.moto_redelete.empty()) {
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  }
  Json after = listed_by_cli(type, document, id);
  if (row.moto_lists_deleted.empty())
    EXPECT_TRUE(deleted_or_deleting(after)) << after.dump();
  else
    std::cout << "the listing is not checked: " << row.moto_lists_deleted << "\n";
  // The second delete finds it gone (or deleting): AWS's answer is one the type's data knows.
  Json records = Json::parse(read_file(path("out/gone/actions.json")));
  ASSERT_EQ(records.size(), 2u) << records.dump();
  EXPECT_EQ(records[0]["outcome"], "changed") << records.dump();
  EXPECT_TRUE(records[0]["undo"].is_null());
  EXPECT_EQ(records[0]["before"][type.id_field], id);
  if (row.moto_redelete.empty())
    EXPECT_NE(records[1]["outcome"], "failed") << records[1].dump();
  else
    std::cout << "the second delete is not checked: " << row.moto_redelete << "\n";
}

INSTANTIATE_TEST_SUITE_P(Types, ResourceTypeDelete, ::testing::ValuesIn(deletable_rows()),
                         type_param_name<Row>);

class AgeFilterTest : public IntegrationTest {};

// The age filters of the snapshot and image types read the type's date: what was made just now
// is younger than a day and not older.
TEST_F(AgeFilterTest, SnapshotsAndImagesAreAgedByTheirOwnDate) {
  aws::Client aws = client();
  aws.call("rds", "CreateDBInstance", Json::parse(db_instance("[]").params));
  aws.call("rds", "CreateDBSnapshot",
           {{"DBInstanceIdentifier", "db1"}, {"DBSnapshotIdentifier", "snap1"}});
  aws.call("ec2", "RegisterImage", {{"Name", "golden"}, {"RootDeviceName", "/dev/xvda"}});
  std::string policies = "policies:\n";
  for (const char* op : {"less-than", "greater-than"})
    policies += std::string("  - name: snapshots-") + op +
                "\n    resource: rds-snapshot\n    filters: [{type: age, days: 1, op: " + op +
                "}, {DBSnapshotIdentifier: snap1}]\n  - name: images-" + op +
                "\n    resource: ami\n    filters: [{type: image-age, days: 1, op: " + op + "}]\n";
  write("p.yml", policies);
  auto run = custos({"run", "-s", path("out"), path("p.yml")});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  auto count = [&](const std::string& policy) {
    return Json::parse(read_file(path("out/" + policy + "/resources.json"))).size();
  };
  EXPECT_EQ(count("snapshots-less-than"), 1u);
  EXPECT_EQ(count("snapshots-greater-than"), 0u);
  EXPECT_EQ(count("images-less-than"), 1u);
  EXPECT_EQ(count("images-greater-than"), 0u);
}

class RdsDeleteTest : public IntegrationTest {};

// As Cloud Custodian: an RDS instance leaves a final snapshot unless skip-snapshot says not to.
TEST_F(RdsDeleteTest, KeepsAFinalSnapshotUnlessToldToSkipIt) {
  aws::Client aws = client();
  for (const char* name : {"kept", "skipped"}) {
    Json params = Json::parse(db_instance("[]").params);
    params["DBInstanceIdentifier"] = name;
    aws.call("rds", "CreateDBInstance", params);
  }
  write("p.yml", R"(policies:
  - name: kept
    resource: rds
    filters: [{DBInstanceIdentifier: kept}]
    actions: [delete]
  - name: skipped
    resource: rds
    filters: [{DBInstanceIdentifier: skipped}]
    actions: [{type: delete, skip-snapshot: true}]
)");
  auto run = custos({"run", "-s", path("out"), path("p.yml")});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  Json instances = aws_cli({"rds", "describe-db-instances"})["DBInstances"];
  EXPECT_TRUE(instances.empty()) << instances.dump();
  Json snapshots = aws_cli({"rds", "describe-db-snapshots", "--snapshot-type", "manual"});
  Json ids = jmespath::Expression::compile("DBSnapshots[].DBSnapshotIdentifier").search(snapshots);
  EXPECT_EQ(ids, Json::array({"final-kept"}));
}

}  // namespace
}  // namespace custos::test
