// The policy-writing tools: schema (what is allowed, least-privilege permissions), jmespath,
// eval (filters over saved documents, no AWS) and report (what each run matched).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "integration/fixture.h"
#include "support/paths.h"

namespace custos::test {
namespace {

namespace fs = std::filesystem;

// Most of these commands never call AWS: they run without the emulator.
class ToolsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("custos-tools-" + std::to_string(::getpid()) + "-" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  void write(const std::string& name, const std::string& text) const {
    fs::create_directories((dir_ / name).parent_path());
    std::ofstream(dir_ / name) << text;
  }
  ProcessResult custos(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {custos_binary()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, {{"AWS_EC2_METADATA_DISABLED", "true"}});
  }

 private:
  fs::path dir_;
};

const char* const kRecorded =
    "responses/cloud-custodian-placebo/test_ec2_ssm_inventory_filter__ec2.DescribeInstances_1.json";

// The recorded instance, given another id, state and tags.
Json instance(const std::string& id, const std::string& state, const Json& tags) {
  Json recorded = Json::parse(read_file(data_path(kRecorded)));
  Json doc = recorded["data"]["Reservations"][0]["Instances"][0];
  doc["InstanceId"] = id;
  doc["State"]["Name"] = state;
  doc["Tags"] = tags;
  return doc;
}

Json tag(const std::string& key, const std::string& value) {
  return {{"Key", key}, {"Value", value}};
}

// Four instances: only i-1 is both tagged custodian and running.
Json four_instances() {
  return Json::array({instance("i-1", "running", {tag("custodian", ""), tag("Name", "web-1")}),
                      instance("i-2", "stopped", {tag("custodian", ""), tag("Name", "web-2")}),
                      instance("i-3", "running", {tag("Name", "db-3")}),
                      instance("i-4", "running", Json::array())});
}

const char* const kTwoPolicies = R"(policies:
  - name: tagged-running
    resource: aws.ec2
    filters:
      - "tag:custodian": present
      - State.Name: running
    actions:
      - stop
  - name: web-servers
    resource: ec2
    filters:
      - type: value
        key: "tag:Name"
        op: regex
        value: "web-[0-9]+"
    actions:
      - type: snapshot
        copy-volume-tags: false
)";

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST_F(ToolsTest, SchemaShowsActionsWithOptionsAndPermissions) {
  auto all = custos({"schema"});
  EXPECT_EQ(all.exit_code, 0) << all.err;
  EXPECT_NE(all.out.find("aws.ec2"), std::string::npos);
  EXPECT_NE(all.out.find("ec2:DescribeInstances"), std::string::npos);

  auto snapshot = custos({"schema", "ec2.actions.snapshot"});
  EXPECT_EQ(snapshot.exit_code, 0) << snapshot.err;
  EXPECT_NE(snapshot.out.find("exclude-boot, copy-volume-tags"), std::string::npos) << snapshot.out;
  EXPECT_NE(snapshot.out.find("ec2:CreateSnapshots"), std::string::npos);
  EXPECT_EQ(snapshot.out.find("stop"), std::string::npos) << "only the one action";

  auto actions = custos({"schema", "aws.ec2.actions"});
  for (const char* name : {"stop", "snapshot", "set-instance-profile"})
    EXPECT_NE(actions.out.find(std::string("  ") + name), std::string::npos) << name;
  auto filters = custos({"schema", "aws.ec2.filters"});
  for (const char* name : {"value", "and", "or", "not"})
    EXPECT_NE(filters.out.find(std::string("  ") + name), std::string::npos) << name;
}

TEST_F(ToolsTest, SchemaRejectsUnknownNamesWithWhatIsKnown) {
  auto resource = custos({"schema", "aws.nothing"});
  EXPECT_EQ(resource.exit_code, 2);
  EXPECT_NE(resource.err.find("known: aws.ec2"), std::string::npos) << resource.err;
  auto action = custos({"schema", "aws.ec2.actions.explode"});
  EXPECT_EQ(action.exit_code, 2);
  EXPECT_NE(action.err.find("unknown action for aws.ec2 'explode'"), std::string::npos)
      << action.err;
  auto section = custos({"schema", "aws.ec2.modes"});
  EXPECT_EQ(section.exit_code, 2);
  EXPECT_NE(section.err.find(".filters or .actions"), std::string::npos) << section.err;
}

TEST_F(ToolsTest, PermissionsAreTheDescribeCallAndEachActionsCalls) {
  write("p.yml", kTwoPolicies);
  auto result = custos({"schema", "--permissions", path("p.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  Json document = Json::parse(result.out);
  EXPECT_EQ(document["Version"], "2012-10-17");
  ASSERT_EQ(document["Statement"].size(), 1u);
  const Json& statement = document["Statement"][0];
  EXPECT_EQ(statement["Effect"], "Allow");
  EXPECT_EQ(statement["Resource"], "*");
  std::set<std::string> granted(statement["Action"].begin(), statement["Action"].end());
  EXPECT_EQ(granted, (std::set<std::string>{"ec2:CreateSnapshots", "ec2:CreateTags",
                                            "ec2:DescribeInstances", "ec2:StopInstances"}));

  // A filter that reads S3 (value_from s3://, even inside `or`) needs s3:GetObject.
  write("s3.yml",
        "policies:\n  - name: listed\n    resource: ec2\n    filters:\n      - or:\n"
        "          - type: value\n            key: InstanceId\n            op: in\n"
        "            value_from: {url: 's3://lists/ids.txt', format: txt}\n");
  auto s3 = custos({"schema", "--permissions", path("s3.yml")});
  ASSERT_EQ(s3.exit_code, 0) << s3.err;
  EXPECT_EQ(Json::parse(s3.out)["Statement"][0]["Action"],
            Json::parse(R"(["ec2:DescribeInstances", "s3:GetObject"])"));

  write("bad.yml", "policies:\n  - name: x\n    resource: ec2\n    actions: [explode]\n");
  auto bad = custos({"schema", "--permissions", path("bad.yml")});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("bad.yml:4:15: policy 'x': unknown action 'explode'"), std::string::npos)
      << bad.err;
}

TEST_F(ToolsTest, JmespathEvaluatesOnADocumentOrEachElement) {
  write("list.json", four_instances().dump());
  auto ids = custos({"jmespath", "[].InstanceId", path("list.json")});
  ASSERT_EQ(ids.exit_code, 0) << ids.err;
  EXPECT_EQ(Json::parse(ids.out), Json::parse(R"(["i-1","i-2","i-3","i-4"])"));
  auto each = custos({"jmespath", "--each", "State.Name", path("list.json")});
  ASSERT_EQ(each.exit_code, 0) << each.err;
  EXPECT_EQ(Json::parse(each.out), Json::parse(R"(["running","stopped","running","running"])"));
}

TEST_F(ToolsTest, JmespathBadInputExitsTwoWithWhere) {
  write("bad.json", "{\n  \"a\": 1,\n  \"b\": ]\n}\n");
  auto json = custos({"jmespath", "a", path("bad.json")});
  EXPECT_EQ(json.exit_code, 2);
  EXPECT_NE(json.err.find("bad.json:3:8: invalid JSON"), std::string::npos) << json.err;
  write("ok.json", "{}");
  auto expression = custos({"jmespath", "a[", path("ok.json")});
  EXPECT_EQ(expression.exit_code, 2);
  EXPECT_NE(expression.err.find("invalid expression 'a['"), std::string::npos) << expression.err;
  auto missing = custos({"jmespath", "a", path("nothing.json")});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("cannot read"), std::string::npos) << missing.err;
}

TEST_F(ToolsTest, EvalPrintsTheIdsOnePolicyMatches) {
  write("p.yml", kTwoPolicies);
  write("instances.json", four_instances().dump());
  auto result =
      custos({"eval", path("p.yml"), "--policy", "tagged-running", "-r", path("instances.json")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(lines(result.out), std::vector<std::string>{"i-1"});
  EXPECT_NE(result.err.find("1 of 4 aws.ec2 resources matched policy 'tagged-running'"),
            std::string::npos)
      << result.err;
}

TEST_F(ToolsTest, EvalWithSeveralPoliciesSaysWhichMatchedWhat) {
  write("p.yml", kTwoPolicies);
  write("instances.json", four_instances().dump());
  auto text = custos({"eval", path("p.yml"), "--resources", path("instances.json")});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(lines(text.out),
            (std::vector<std::string>{"tagged-running: 1 of 4 aws.ec2 resources matched", "  i-1",
                                      "web-servers: 2 of 4 aws.ec2 resources matched", "  i-1",
                                      "  i-2"}));
  auto json =
      custos({"eval", path("p.yml"), "--resources", path("instances.json"), "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  Json by_policy = Json::parse(json.out);
  ASSERT_EQ(by_policy["web-servers"].size(), 2u);
  EXPECT_EQ(by_policy["web-servers"][1]["InstanceId"], "i-2");
  EXPECT_EQ(by_policy["web-servers"][1]["c7n:MatchedFilters"], Json::array({"tag:Name"}));
  EXPECT_EQ(by_policy["tagged-running"][0]["VpcId"], four_instances()[0]["VpcId"]);
}

TEST_F(ToolsTest, EvalTakesASavedDescribeResponse) {
  write("p.yml", kTwoPolicies);
  auto result = custos({"eval", path("p.yml"), "-p", "web-servers", "-p", "tagged-running", "-r",
                        data_path(kRecorded)});
  // placebo wraps the response in {"status_code", "data"}: not a describe response.
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("expected a JSON list of aws.ec2 documents"), std::string::npos)
      << result.err;
  write("described.json", Json::parse(read_file(data_path(kRecorded)))["data"].dump());
  result = custos({"eval", path("p.yml"), "-p", "web-servers", "-r", path("described.json")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(result.out.empty()) << "its one instance is named ssm-inventory-test";
  EXPECT_NE(result.err.find("0 of 1 aws.ec2"), std::string::npos) << result.err;
}

TEST_F(ToolsTest, EvalBadInputExitsTwo) {
  write("p.yml", kTwoPolicies);
  write("bad.json", "[\n  {\"InstanceId\": \"i-1\"},\n  {\"InstanceId\" \"i-2\"}\n]\n");
  auto json = custos({"eval", path("p.yml"), "-r", path("bad.json")});
  EXPECT_EQ(json.exit_code, 2);  // where the parser stopped: the end of the unexpected "i-2"
  EXPECT_NE(json.err.find("bad.json:3:21: invalid JSON"), std::string::npos) << json.err;
  write("numbers.json", "[1, 2]");
  auto numbers = custos({"eval", path("p.yml"), "-r", path("numbers.json")});
  EXPECT_EQ(numbers.exit_code, 2);
  EXPECT_NE(numbers.err.find("resource 0 is a number, not a JSON object"), std::string::npos)
      << numbers.err;
  write("ok.json", "[]");
  auto unknown = custos({"eval", path("p.yml"), "-r", path("ok.json"), "--policy", "nope"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("no policy named 'nope' (policies: tagged-running, web-servers)"),
            std::string::npos)
      << unknown.err;
  EXPECT_EQ(custos({"eval", path("p.yml"), "-r", path("ok.json"), "--format", "xml"}).exit_code, 2);
}

// `count` instances, pretty-printed as a resources.json: every third one is tagged custodian
// and every other one is running (so i-0, i-6, i-12... match tagged-running).
std::string many_instances(int count) {
  Json list = Json::array();
  Json recorded = instance("", "", Json::array());
  for (int i = 0; i < count; ++i) {
    Json& doc = list.emplace_back(recorded);
    doc["InstanceId"] = "i-" + std::to_string(i);
    doc["State"]["Name"] = i % 2 == 0 ? "running" : "stopped";
    doc["Tags"] = i % 3 == 0
                      ? Json::array({tag("custodian", ""), tag("Name", "web-" + std::to_string(i))})
                      : Json::array({tag("Name", "db-" + std::to_string(i))});
  }
  return list.dump(2);
}

TEST_F(ToolsTest, EvalReadsABigListAnElementAtATime) {
  write("p.yml", kTwoPolicies);
  write("many.json", many_instances(3000));  // about 12 MB
  auto result = custos({"eval", path("p.yml"), "-r", path("many.json")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::vector<std::string> expected = {"tagged-running: 500 of 3000 aws.ec2 resources matched"};
  for (int i = 0; i < 3000; i += 6) expected.push_back("  i-" + std::to_string(i));
  expected.push_back("web-servers: 1000 of 3000 aws.ec2 resources matched");
  for (int i = 0; i < 3000; i += 3) expected.push_back("  i-" + std::to_string(i));
  EXPECT_EQ(lines(result.out), expected);

  auto json = custos(
      {"eval", path("p.yml"), "-p", "tagged-running", "-r", path("many.json"), "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  Json matched = Json::parse(json.out);
  ASSERT_EQ(matched.size(), 500u);
  Json last = Json::parse(read_file(path("many.json")))[2994];
  last["c7n:MatchedFilters"] = Json::array({"tag:custodian", "State.Name"});
  EXPECT_EQ(matched[499], last);
}

TEST_F(ToolsTest, EvalSaysWhereABigListGoesWrong) {
  write("p.yml", kTwoPolicies);
  std::string text = many_instances(2000);
  // Element 1500 loses a colon: the parser stops at the end of the value that follows.
  std::string key = "\"InstanceId\": \"i-1500\"";
  std::size_t at = text.find(key);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, key.size(), "\"InstanceId\" \"i-1500\"");
  std::size_t bad = at + key.size() - 2;  // the closing quote of "i-1500"
  std::size_t line = static_cast<std::size_t>(
                         std::count(text.begin(), text.begin() + static_cast<long>(bad), '\n')) +
                     1;
  std::size_t column = bad - text.rfind('\n', bad);
  write("bad.json", text);
  auto result = custos({"eval", path("p.yml"), "-r", path("bad.json")});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find(path("bad.json") + ":" + std::to_string(line) + ":" +
                            std::to_string(column) + ": invalid JSON: "),
            std::string::npos)
      << result.err << " (expected line " << line << ", column " << column << ")";

  write("cut.json", "[\n  {\"InstanceId\": \"i-1\"},\n  {\"InstanceId\": \"i-2\",\n");
  auto cut = custos({"eval", path("p.yml"), "-r", path("cut.json")});
  EXPECT_EQ(cut.exit_code, 2);
  EXPECT_NE(cut.err.find(path("cut.json") +
                         ":4:1: invalid JSON: the input ends inside the list element that starts "
                         "at 3:3 (is the file complete?)"),
            std::string::npos)
      << cut.err;

  write("mixed.json", "[{\"InstanceId\": \"i-1\"}, [\"i-2\"]]");
  auto mixed = custos({"eval", path("p.yml"), "-r", path("mixed.json")});
  EXPECT_EQ(mixed.exit_code, 2);
  EXPECT_NE(mixed.err.find(path("mixed.json") + ": resource 1 is a list, not a JSON object"),
            std::string::npos)
      << mixed.err;
}

TEST_F(ToolsTest, EvalReadsStandardInputAndEmptyLists) {
  write("p.yml", kTwoPolicies);
  write("instances.json", four_instances().dump(2));
  auto piped = run_process({"sh", "-c", "\"$0\" eval \"$1\" -p tagged-running -r - < \"$2\"",
                            custos_binary(), path("p.yml"), path("instances.json")},
                           {{"AWS_EC2_METADATA_DISABLED", "true"}});
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(lines(piped.out), std::vector<std::string>{"i-1"});

  write("bad.json", "[{\"InstanceId\": }]");
  auto bad = run_process({"sh", "-c", "\"$0\" eval \"$1\" -r - < \"$2\"", custos_binary(),
                          path("p.yml"), path("bad.json")},
                         {{"AWS_EC2_METADATA_DISABLED", "true"}});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("<stdin>:1:17: invalid JSON"), std::string::npos) << bad.err;

  write("empty.json", " [\n]\n");
  auto empty = custos({"eval", path("p.yml"), "-p", "web-servers", "-r", path("empty.json")});
  ASSERT_EQ(empty.exit_code, 0) << empty.err;
  EXPECT_TRUE(empty.out.empty()) << empty.out;
  EXPECT_NE(empty.err.find("0 of 0 aws.ec2 resources matched"), std::string::npos) << empty.err;
}

TEST_F(ToolsTest, ReportTabulatesEachPolicysResources) {
  write("p.yml", kTwoPolicies);
  Json all = four_instances();
  write("out/tagged-running/resources.json", Json::array({all[0]}).dump());
  write("out/web-servers/resources.json", Json::array({all[0], all[1]}).dump());

  auto one = custos({"report", "-s", path("out"), path("p.yml"), "-p", "web-servers"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  auto table = lines(one.out);
  ASSERT_EQ(table.size(), 4u) << one.out;  // header, rule, two instances
  EXPECT_EQ(table[0].find("CustodianDate"), 0u);
  EXPECT_NE(table[0].find("InstanceId"), std::string::npos);
  EXPECT_EQ(table[0].find("Policy"), std::string::npos);
  EXPECT_NE(table[2].find("i-1"), std::string::npos);
  EXPECT_NE(table[2].find("web-1"), std::string::npos);
  EXPECT_NE(table[2].find(all[0]["PrivateIpAddress"].get<std::string>()), std::string::npos);

  // Both policies: a Policy column, and i-1 (matched by both) once.
  auto csv =
      custos({"report", "-s", path("out"), path("p.yml"), "--format", "csv", "--no-default-fields",
              "--field", "Id=InstanceId", "--field", "Name=tag:Name", "--field", "Policy=policy"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  auto rows = lines(csv.out);
  ASSERT_EQ(rows.size(), 3u) << csv.out;
  EXPECT_EQ(rows[0], "Id,Name,Policy\r");
  std::set<std::string> ids;
  for (std::size_t i = 1; i < rows.size(); ++i) ids.insert(rows[i].substr(0, 3));
  EXPECT_EQ(ids, (std::set<std::string>{"i-1", "i-2"}));

  auto json = custos({"report", "-s", path("out"), path("p.yml"), "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(Json::parse(json.out).size(), 2u);
}

TEST_F(ToolsTest, ReportBadInputExitsTwo) {
  write("p.yml", kTwoPolicies);
  write("out/web-servers/resources.json", "[{\"InstanceId\": }]");
  auto bad = custos({"report", "-s", path("out"), path("p.yml")});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("resources.json:1:17: invalid JSON"), std::string::npos) << bad.err;
  auto field = custos(
      {"report", "-s", path("out"), path("p.yml"), "-p", "tagged-running", "--field", "nothing"});
  EXPECT_EQ(field.exit_code, 2);
  EXPECT_NE(field.err.find("write HEADER=EXPRESSION"), std::string::npos) << field.err;
  EXPECT_EQ(custos({"report", "-s", path("nowhere"), path("p.yml")}).exit_code, 2);
}

TEST_F(ToolsTest, EveryToolsHelpHasAnExample) {
  for (const char* command : {"schema", "jmespath", "eval", "report"}) {
    auto help = custos({command, "--help"});
    EXPECT_EQ(help.exit_code, 0) << command;
    EXPECT_NE(help.out.find("Example"), std::string::npos) << command << ": " << help.out;
    EXPECT_NE(help.out.find(std::string("custos ") + command), std::string::npos) << command;
  }
}

// The whole loop against the emulator: a dry run writes resources.json, report reads it and
// eval re-runs the filters on it offline.
class ToolsOnARunTest : public IntegrationTest {};

TEST_F(ToolsOnARunTest, ReportAndEvalReadWhatARunWrote) {
  std::string id = run_instance_with_profile("tools-report");
  write("p.yml", read_file(data_path("policies/stop-tagged.yml")));
  auto run = custos({"run", "--dryrun", "-s", path("out"), path("p.yml")});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto report = custos({"report", "-s", path("out"), path("p.yml"), "--format", "csv"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  auto rows = lines(report.out);
  ASSERT_EQ(rows.size(), 2u) << report.out;
  EXPECT_NE(rows[1].find("," + id + ",,t3.micro,"), std::string::npos) << rows[1];
  auto eval = custos({"eval", path("p.yml"), "-r", path("out/stop-tagged/resources.json")});
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  EXPECT_EQ(lines(eval.out), std::vector<std::string>{id});
  EXPECT_EQ(instance_state(id), "running") << "neither report nor eval acts";
}

}  // namespace
}  // namespace custos::test
