// IAM containment over real HTTP: custos acts on users, roles and policies on a moto server
// (GuardDuty access-key findings, CloudTrail calls, pull mode), and the AWS CLI, an independent
// client, reads every end state back. Each action: the end state, a second run that finds it
// already done (outcome "unchanged"), and a dry run that changes nothing.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "integration/action_check.h"
#include "integration/findings.h"
#include "integration/fixture.h"
#include "integration/moto_gaps.h"
#include "policy/dates.h"
#include "support/aws_cli.h"
#include "support/fault_proxy.h"
#include "support/paths.h"

namespace custos::test {
namespace {

const std::string kTrust =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]})";
const std::string kReadOnly =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]})";

// Two SSH public key bodies, made up for these tests (moto checks their form only).
const char* const kSshKeyA =
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDDdHbP0JpNtVq3Xc1f4gq0Zr4mB8tJ0C1m0kqD4o3M1vYw3f3Q9l0"
    "S2hE2Ttb0D0kq5m9tZfYk6Gx8yZr1l4vJ6y8kqv0Jm2mY3b7Q0o0v6xg4JrQb8m3a2cI9yq0o8yP4q9M7o1b2w3e4r5t6"
    "y7u8i9o0pAqSwDeFrGtHyJuKiLoZxCvBnMq== custos-a";
const char* const kSshKeyB =
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC7pQ2mN4bV6cX8zL0kJ2hG4fD6sA8qW0eR2tY4uI6oP8aS0dF2gH4jK6"
    "lZ8xC0vB2nM4qW6eR8tY0uI2oP4aS6dF8gH0jK2lZ4xC6vB8nM0qW2eR4tY6uI8oP0aS2dF4gH6jK8lZ0xC2vB4nM6qW8"
    "eR0tY2uI4oP6aS8dF0gH2jK4lZ6xC8vB0nM2Q== custos-b";

class IamTest : public ActionTest {
 protected:
  void create_user(const std::string& user) const {
    aws_cli({"iam", "create-user", "--user-name", user});
  }
  std::string create_key(const std::string& user) const {
    return aws_cli({"iam", "create-access-key", "--user-name", user})["AccessKey"]["AccessKeyId"];
  }
  // {key id: status} of the user's access keys.
  Json keys_of(const std::string& user) const {
    Json listed = aws_cli({"iam", "list-access-keys", "--user-name", user});
    Json statuses = Json::object();
    for (const Json& key : listed["AccessKeyMetadata"])
      statuses[key["AccessKeyId"].get<std::string>()] = key["Status"];
    return statuses;
  }
  void create_role(const std::string& role) const {
    aws_cli({"iam", "create-role", "--role-name", role, "--assume-role-policy-document", kTrust});
  }
  std::string create_policy(const std::string& name) const {
    return aws_cli({"iam", "create-policy", "--policy-name", name, "--policy-document",
                    kReadOnly})["Policy"]["Arn"];
  }
  Json attached(const std::string& kind, const std::string& name) const {
    Json listed =
        aws_cli({"iam", "list-attached-" + kind + "-policies", "--" + kind + "-name", name});
    Json arns = Json::array();
    for (const Json& policy : listed["AttachedPolicies"]) arns.push_back(policy["PolicyArn"]);
    return arns;
  }
  Json inline_names(const std::string& kind, const std::string& name) const {
    return aws_cli(
        {"iam", "list-" + kind + "-policies", "--" + kind + "-name", name})["PolicyNames"];
  }
  // The AWS CLI's exit code (for calls expected to fail, such as reading what was deleted).
  int aws_exit_code(std::vector<std::string> args) const {
    std::vector<std::string> argv = {"--endpoint-url", emulator().url()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_aws_cli(argv, emulator_env()).exit_code;
  }

  // Runs `policy` (one policy named `name`) and returns its actions.json; with an event, as
  // that event's response.
  Json run(const std::string& name, const std::string& policy, const Json& event = nullptr,
           bool dryrun = false) {
    write("policy.yml", policy);
    // No journal: a repeated delivery must find the state itself (the journal's exactly-once
    // handling is incident_test's).
    std::vector<std::string> args = {"run", "--no-journal", "-s", path("out"), path("policy.yml")};
    if (dryrun) args.insert(args.begin() + 1, "--dryrun");
    if (!event.is_null()) {
      write("event.json", event.dump());
      args.insert(args.end() - 1, {"--event", path("event.json")});
    }
    last_ = custos(args, env_);
    EXPECT_EQ(last_.exit_code, 0) << last_.out << last_.err;
    return Json::parse(read_file(path("out/" + name + "/actions.json")));
  }
  // The outcomes of a run's records, in order.
  static std::vector<std::string> outcomes(const Json& records) {
    std::vector<std::string> all;
    for (const Json& record : records) all.push_back(record["outcome"]);
    return all;
  }

  // Deletes a user that has keys and policies, as `custos run` sees AWS through `env`.
  void delete_whole_user();

  ProcessResult last_;
  std::map<std::string, std::string> env_;  // added to custos's environment
};

// A query-protocol answer (<OperationResponse>) rebuilt from a placebo recording of one: its
// lists of flat structures, and the request id AWS gave.
FaultProxy::Reply recorded_answer(const std::string& operation, const std::string& file) {
  Json data =
      Json::parse(read_file(data_path("responses/cloud-custodian-placebo/" + file)))["data"];
  std::string result;
  for (const auto& [key, value] : data.items()) {
    if (key == "ResponseMetadata" || !value.is_array()) continue;
    result += "<" + key + ">";
    for (const Json& item : value) {
      result += "<member>";
      for (const auto& [field, text] : item.items())
        result += "<" + field + ">" + text.get<std::string>() + "</" + field + ">";
      result += "</member>";
    }
    result += "</" + key + ">";
  }
  FaultProxy::Reply reply;
  reply.body = "<" + operation + "Response xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><" +
               operation + "Result>" + result + "</" + operation +
               "Result><ResponseMetadata><RequestId>" +
               data["ResponseMetadata"]["RequestId"].get<std::string>() +
               "</RequestId></ResponseMetadata></" + operation + "Response>";
  return reply;
}

const std::string kFindingKeys = R"(policies:
  - name: finding-keys
    resource: aws.iam-user
    mode: {type: guard-duty}
    actions:
      - {type: remove-keys, disable: true, matched: true}
)";

TEST_F(IamTest, AccessKeyFindingDisablesExactlyTheNamedKey) {
  create_user("alice");
  std::string stolen = create_key("alice");
  std::string other = create_key("alice");
  Json finding = access_key_finding("alice", stolen);

  Json dry = run("finding-keys", kFindingKeys, finding, true);
  EXPECT_TRUE(contains(last_.out, "would call iam UpdateAccessKey")) << last_.out;
  EXPECT_EQ(keys_of("alice"), Json({{stolen, "Active"}, {other, "Active"}}));
  EXPECT_TRUE(dry[0]["dryrun"].get<bool>());

  Json records = run("finding-keys", kFindingKeys, finding);
  EXPECT_EQ(keys_of("alice"), Json({{stolen, "Inactive"}, {other, "Active"}}));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["outcome"], "changed");
  EXPECT_EQ(records[0]["before"]["AccessKeys"][0],
            Json({{"AccessKeyId", stolen}, {"Status", "Active"}}));
  EXPECT_EQ(records[0]["undo"][0]["operation"], "UpdateAccessKey");
  EXPECT_EQ(records[0]["undo"][0]["params"]["Status"], "Active");
  Json resources = Json::parse(read_file(path("out/finding-keys/resources.json")));
  EXPECT_EQ(resources[0]["c7n:matched-keys"][0],
            Json({{"AccessKeyId", stolen}, {"c7n:match-type", "guard-duty"}}));

  records = run("finding-keys", kFindingKeys, finding);
  EXPECT_EQ(outcomes(records), std::vector<std::string>{"unchanged"});
  EXPECT_TRUE(contains(records[0]["summary"], "already Inactive")) << records[0];
  EXPECT_EQ(keys_of("alice"), Json({{stolen, "Inactive"}, {other, "Active"}}));
}

TEST_F(IamTest, AccessKeyFindingAboutAnAssumedRoleSkipsUserPolicies) {
  create_role("web");
  write("policy.yml", kFindingKeys);
  write("event.json", access_key_finding("web", "ASIAEXAMPLE", "AssumedRole").dump());
  auto result =
      custos({"run", "-s", path("out"), "--event", path("event.json"), path("policy.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(contains(result.out, "skipped")) << result.out;
}

const std::string kRevokeRole = R"(policies:
  - name: revoke-role
    resource: aws.iam-role
    mode: {type: guard-duty}
    actions:
      - revoke-sessions
)";

TEST_F(IamTest, AssumedRoleFindingRevokesTheRolesSessions) {
  create_role("web");
  create_role("bystander");
  Json finding = access_key_finding("web", "ASIAEXAMPLE", "AssumedRole");

  run("revoke-role", kRevokeRole, finding, true);
  EXPECT_TRUE(contains(last_.out, "would call iam PutRolePolicy")) << last_.out;
  EXPECT_EQ(inline_names("role", "web"), Json::array());

  auto before = std::chrono::system_clock::now();
  Json records = run("revoke-role", kRevokeRole, finding);
  ASSERT_EQ(outcomes(records), std::vector<std::string>{"changed"});
  Json got = aws_cli({"iam", "get-role-policy", "--role-name", "web", "--policy-name",
                      "custos-revoke-older-sessions"})["PolicyDocument"];
  Json statement = got["Statement"][0];
  EXPECT_EQ(statement["Effect"], "Deny");
  EXPECT_EQ(statement["Action"], Json::array({"*"}));
  EXPECT_EQ(statement["Resource"], Json::array({"*"}));
  std::string cutoff = statement["Condition"]["DateLessThan"]["aws:TokenIssueTime"];
  auto issued = policy::parse_datetime(cutoff);
  ASSERT_TRUE(issued) << cutoff;
  EXPECT_GE(*issued, std::chrono::floor<std::chrono::seconds>(before));
  EXPECT_EQ(records[0]["undo"][0]["operation"], "DeleteRolePolicy");
  EXPECT_EQ(inline_names("role", "bystander"), Json::array());

  // Later, the revocation moves to the new now: sessions issued in between are denied too.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  records = run("revoke-role", kRevokeRole, finding);
  ASSERT_EQ(outcomes(records), std::vector<std::string>{"changed"});
  EXPECT_TRUE(contains(records[0]["summary"], "moved the revocation")) << records[0];
  EXPECT_EQ(records[0]["undo"][0]["operation"], "PutRolePolicy");
  EXPECT_EQ(Json::parse(records[0]["undo"][0]["params"]["PolicyDocument"].get<std::string>()), got);
}

TEST_F(IamTest, CloudTrailCreateAccessKeyDisablesTheUsersKeys) {
  create_user("mallory");
  std::string key = create_key("mallory");
  create_user("bob");
  std::string bystander = create_key("bob");
  const std::string policy = R"(policies:
  - name: new-key
    resource: iam-user
    mode:
      type: cloudtrail
      events:
        - {source: iam.amazonaws.com, event: CreateAccessKey, ids: requestParameters.userName}
    actions:
      - {type: remove-keys, disable: true}
)";
  Json event = cloudtrail_call("iam.amazonaws.com", "CreateAccessKey", {{"userName", "mallory"}});
  Json records = run("new-key", policy, event);
  EXPECT_EQ(outcomes(records), std::vector<std::string>{"changed"});
  EXPECT_EQ(keys_of("mallory"), Json({{key, "Inactive"}}));
  EXPECT_EQ(keys_of("bob"), Json({{bystander, "Active"}}));
}

TEST_F(IamTest, RemoveKeysDeletesThenFindsNothingAndDryRunKeepsThem) {
  create_user("carol");
  create_key("carol");
  create_key("carol");
  const std::string policy = R"(policies:
  - name: drop-keys
    resource: iam-user
    filters:
      - UserName: carol
    actions:
      - remove-keys
)";
  run("drop-keys", policy, nullptr, true);
  EXPECT_TRUE(contains(last_.out, "would call iam DeleteAccessKey")) << last_.out;
  EXPECT_EQ(keys_of("carol").size(), 2u);

  Json records = run("drop-keys", policy);
  EXPECT_EQ(keys_of("carol"), Json::object());
  ASSERT_EQ(outcomes(records), std::vector<std::string>{"changed"});
  EXPECT_TRUE(records[0]["undo"].is_null());
  EXPECT_TRUE(contains(records[0]["summary"], "cannot be undone")) << records[0];

  records = run("drop-keys", policy);
  EXPECT_EQ(outcomes(records), std::vector<std::string>{"unchanged"});
  EXPECT_EQ(records[0]["summary"], "no access keys");
}

TEST_F(IamTest, CredentialReportMatchesAreTheKeysRemoveKeysDisables) {
  create_user("dave");
  std::string old_key = create_key("dave");
  // The report knows keys by creation time to the second: make the two keys' seconds differ.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  std::string new_key = create_key("dave");
  aws_cli({"iam", "update-access-key", "--user-name", "dave", "--access-key-id", old_key,
           "--status", "Inactive"});
  create_user("erin");  // no keys: no match
  const std::string policy = R"(policies:
  - name: active-keys
    resource: iam-user
    filters:
      - {type: credential, key: access_keys.active, value: true, report_delay: 2}
      - {type: credential, key: password_enabled, value: false}
    actions:
      - {type: remove-keys, disable: true, matched: true}
)";
  Json records = run("active-keys", policy);
  Json resources = Json::parse(read_file(path("out/active-keys/resources.json")));
  ASSERT_EQ(resources.size(), 1u);
  EXPECT_EQ(resources[0]["UserName"], "dave");
  EXPECT_EQ(resources[0]["c7n:credential-report"]["user"], "dave");
  ASSERT_EQ(resources[0]["c7n:matched-keys"].size(), 1u);
  EXPECT_EQ(resources[0]["c7n:matched-keys"][0]["c7n:match-type"], "credential");
  EXPECT_EQ(keys_of("dave"), Json({{old_key, "Inactive"}, {new_key, "Inactive"}}));
  EXPECT_EQ(records[0]["before"]["AccessKeys"],
            Json::array({{{"AccessKeyId", new_key}, {"Status", "Active"}}}));
}

TEST_F(IamTest, UserFiltersReadWhatTheUserHas) {
  std::string admin = create_policy("admin-ish");
  create_user("frank");
  create_key("frank");
  aws_cli({"iam", "create-login-profile", "--user-name", "frank", "--password", "Pa55w0rd!x"});
  aws_cli({"iam", "put-user-policy", "--user-name", "frank", "--policy-name", "extra",
           "--policy-document", kReadOnly});
  aws_cli({"iam", "create-group", "--group-name", "admins"});
  aws_cli({"iam", "add-user-to-group", "--user-name", "frank", "--group-name", "admins"});
  aws_cli({"iam", "attach-group-policy", "--group-name", "admins", "--policy-arn", admin});
  create_user("grace");
  const std::string policies = R"(policies:
  - name: console
    resource: iam-user
    filters: [login-profile]
  - name: inline
    resource: iam-user
    filters: [{type: has-inline-policy, value: true}]
  - name: no-inline
    resource: iam-user
    filters: [{type: has-inline-policy, value: false}]
  - name: in-admins
    resource: iam-user
    filters: [{type: group, key: GroupName, value: admins}]
  - name: via-group
    resource: iam-user
    filters: [{type: policy, key: PolicyName, value: admin-ish, include-via: true}]
  - name: not-direct
    resource: iam-user
    filters: [{type: policy, key: PolicyName, value: admin-ish}]
  - name: no-mfa
    resource: iam-user
    filters: [{type: mfa-device, value: empty}]
  - name: active-key
    resource: iam-user
    filters: [{type: access-key, key: Status, value: Active}]
)";
  write("filters.yml", policies);
  auto result = custos({"run", "-s", path("out"), path("filters.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  auto users = [&](const std::string& name) {
    std::vector<std::string> names;
    for (const Json& user : Json::parse(read_file(path("out/" + name + "/resources.json"))))
      names.push_back(user["UserName"]);
    return names;
  };
  const std::vector<std::string> frank = {"frank"};
  EXPECT_EQ(users("console"), frank);
  EXPECT_EQ(users("inline"), frank);
  EXPECT_EQ(users("no-inline"), std::vector<std::string>{"grace"});
  EXPECT_EQ(users("in-admins"), frank);
  EXPECT_EQ(users("via-group"), frank);
  EXPECT_TRUE(users("not-direct").empty());
  EXPECT_EQ(users("no-mfa"), (std::vector<std::string>{"frank", "grace"}));
  EXPECT_EQ(users("active-key"), frank);
}

TEST_F(IamTest, SshKeyFilterAndDeleteSshKeysActOnTheMatchedKey) {
  create_user("olga");
  Json keys = Json::array();
  for (const char* body : {kSshKeyA, kSshKeyB})
    keys.push_back(aws_cli({"iam", "upload-ssh-public-key", "--user-name", "olga",
                            "--ssh-public-key-body", body})["SSHPublicKey"]["SSHPublicKeyId"]);
  const std::string policy = R"(policies:
  - name: ssh
    resource: iam-user
    filters:
      - {type: ssh-key, key: SSHPublicKeyId, value: ")" +
                             keys[0].get<std::string>() + R"("}
    actions:
      - {type: delete-ssh-keys, matched: true, disable: true}
)";
  auto statuses = [&] {
    Json listed = aws_cli({"iam", "list-ssh-public-keys", "--user-name", "olga"});
    Json out = Json::object();
    for (const Json& key : listed["SSHPublicKeys"])
      out[key["SSHPublicKeyId"].get<std::string>()] = key["Status"];
    return out;
  };
  run("ssh", policy, nullptr, true);
  EXPECT_TRUE(contains(last_.out, "would call iam UpdateSSHPublicKey")) << last_.out;
  EXPECT_EQ(statuses(), Json({{keys[0], "Active"}, {keys[1], "Active"}}));
  Json records = run("ssh", policy);
  EXPECT_EQ(outcomes(records), std::vector<std::string>{"changed"});
  EXPECT_EQ(statuses(), Json({{keys[0], "Inactive"}, {keys[1], "Active"}}));
  EXPECT_EQ(records[0]["undo"][0]["params"]["Status"], "Active");
  EXPECT_EQ(outcomes(run("ssh", policy)), std::vector<std::string>{"unchanged"});
}

TEST_F(IamTest, SetPolicyAttachesDetachesAndNamesPoliciesOfTheAccount) {
  std::string arn = create_policy("quarantine");
  std::string other = create_policy("everyday");
  create_role("app");
  aws_cli({"iam", "attach-role-policy", "--role-name", "app", "--policy-arn", other});
  const std::string policy = R"(policies:
  - name: quarantine
    resource: iam-role
    filters: [{RoleName: app}]
    actions:
      - {type: set-policy, state: detached, arn: "*"}
      - {type: set-policy, state: attached, arn: quarantine}
)";
  run("quarantine", policy, nullptr, true);
  EXPECT_TRUE(contains(last_.out, "would call iam DetachRolePolicy")) << last_.out;
  EXPECT_TRUE(contains(last_.out, "would call iam AttachRolePolicy")) << last_.out;
  EXPECT_EQ(attached("role", "app"), Json::array({other}));

  Json records = run("quarantine", policy);
  EXPECT_EQ(attached("role", "app"), Json::array({arn}));  // the bare name, in this account
  EXPECT_EQ(outcomes(records), (std::vector<std::string>{"changed", "changed"}));
  EXPECT_EQ(records[0]["undo"][0]["operation"], "AttachRolePolicy");
  EXPECT_EQ(records[0]["undo"][0]["params"]["PolicyArn"], other);

  // The second run detaches the quarantine policy it attached, then attaches it again: the
  // policy as written, so check the parts that are already in place on their own.
  const std::string attach_only = R"(policies:
  - name: attach
    resource: iam-role
    filters: [{RoleName: app}]
    actions:
      - {type: set-policy, state: attached, arn: quarantine}
      - {type: set-policy, state: detached, arn: everyday}
)";
  records = run("attach", attach_only);
  EXPECT_EQ(outcomes(records), (std::vector<std::string>{"unchanged", "unchanged"}));
  EXPECT_TRUE(contains(records[0]["summary"], "already attached"));
  EXPECT_TRUE(contains(records[1]["summary"], "already detached"));
}

TEST_F(IamTest, DeleteInlinePoliciesKeepsEachDocumentForUndo) {
  create_user("heidi");
  aws_cli({"iam", "put-user-policy", "--user-name", "heidi", "--policy-name", "s3read",
           "--policy-document", kReadOnly});
  create_role("batch");
  aws_cli({"iam", "put-role-policy", "--role-name", "batch", "--policy-name", "s3read",
           "--policy-document", kReadOnly});
  const std::string users = R"(policies:
  - name: strip-user
    resource: iam-user
    actions: [delete-inline-policies]
)";
  const std::string roles = R"(policies:
  - name: strip-role
    resource: iam-role
    actions: [delete-inline-policies]
)";
  run("strip-user", users, nullptr, true);
  EXPECT_TRUE(contains(last_.out, "would call iam DeleteUserPolicy")) << last_.out;
  EXPECT_EQ(inline_names("user", "heidi"), Json::array({"s3read"}));

  Json records = run("strip-user", users);
  EXPECT_EQ(inline_names("user", "heidi"), Json::array());
  ASSERT_EQ(outcomes(records), std::vector<std::string>{"changed"});
  EXPECT_EQ(records[0]["before"]["InlinePolicies"]["s3read"], Json::parse(kReadOnly));
  EXPECT_EQ(records[0]["undo"][0]["operation"], "PutUserPolicy");
  EXPECT_EQ(Json::parse(records[0]["undo"][0]["params"]["PolicyDocument"].get<std::string>()),
            Json::parse(kReadOnly));
  EXPECT_EQ(outcomes(run("strip-user", users)), std::vector<std::string>{"unchanged"});

  records = run("strip-role", roles);
  EXPECT_EQ(inline_names("role", "batch"), Json::array());
  EXPECT_EQ(records[0]["undo"][0]["operation"], "PutRolePolicy");
  EXPECT_EQ(outcomes(run("strip-role", roles)), std::vector<std::string>{"unchanged"});
}

// Cloud Custodian's iam-attach-group-policy and iam-delete-group-policies, as written: every
// group's managed policies replaced by my-iam-policy of this account ({account_id}), and the
// test group's inline policies deleted, each document kept for undo.
TEST_F(IamTest, GroupsSetPolicyAndDeleteInlinePoliciesAsCloudCustodiansExamples) {
  std::string mine = create_policy("my-iam-policy");
  std::string other = create_policy("everyday");
  for (const char* group : {"test", "ops"}) {
    aws_cli({"iam", "create-group", "--group-name", group});
    aws_cli({"iam", "attach-group-policy", "--group-name", group, "--policy-arn", other});
    aws_cli({"iam", "put-group-policy", "--group-name", group, "--policy-name", "s3read",
             "--policy-document", kReadOnly});
  }
  const std::string attach =
      read_file(data_path("policies/c7n/iam-group/iam-1153-iam-attach-group-policy.yml"));
  Json records = run("iam-attach-group-policy", attach);
  EXPECT_EQ(outcomes(records),
            (std::vector<std::string>{"changed", "changed", "changed", "changed"}));
  for (const char* group : {"test", "ops"})
    EXPECT_EQ(attached("group", group), Json::array({mine}));
  EXPECT_EQ(records[0]["undo"][0]["operation"], "AttachGroupPolicy");
  EXPECT_EQ(outcomes(run("iam-attach-group-policy", attach)),
            (std::vector<std::string>{"changed", "changed", "changed", "changed"}))
      << "detaching every policy takes the one attached last time too";

  const std::string strip =
      read_file(data_path("policies/c7n/iam-group/iam-2656-iam-delete-group-policies.yml"));
  records = run("iam-delete-group-policies", strip);
  ASSERT_EQ(outcomes(records), std::vector<std::string>{"changed"});
  EXPECT_EQ(records[0]["resource"], "test");
  EXPECT_EQ(inline_names("group", "test"), Json::array());
  EXPECT_EQ(inline_names("group", "ops"), Json::array({"s3read"}));
  EXPECT_EQ(records[0]["undo"][0]["operation"], "PutGroupPolicy");
  EXPECT_EQ(outcomes(run("iam-delete-group-policies", strip)),
            std::vector<std::string>{"unchanged"});
}

// Cloud Custodian's iam-instance-profile-set-role: the profile's role replaced; set-role without
// a role removes it; each undo puts back what was there.
TEST_F(IamTest, SetRoleReplacesOrRemovesTheProfilesRole) {
  for (const char* role : {"my-test-role", "web"}) create_role(role);
  for (const char* profile : {"web", "bare"})
    aws_cli({"iam", "create-instance-profile", "--instance-profile-name", profile});
  aws_cli({"iam", "add-role-to-instance-profile", "--instance-profile-name", "web", "--role-name",
           "web"});
  auto roles = [&](const std::string& profile) {
    Json answer = aws_cli({"iam", "get-instance-profile", "--instance-profile-name", profile});
    Json names = Json::array();
    for (const Json& role : answer["InstanceProfile"]["Roles"]) names.push_back(role["RoleName"]);
    return names;
  };
  FaultProxy proxy(emulator().url());  // listing profiles reads their tags
  answer_instance_profile_tags(proxy);
  const std::map<std::string, std::string> env = {{"AWS_ENDPOINT_URL", proxy.url()}};
  const std::string set =
      read_file(data_path("policies/c7n/iam-profile/iam-1517-iam-instance-profile-set-role.yml"));
  Json records = prove_action(set, "iam-instance-profile-set-role",
                              [&] {
                                return Json::array({roles("web"), roles("bare")});
                              },
                              "iam AddRoleToInstanceProfile", env, {"--no-journal"});
  EXPECT_EQ(roles("web"), Json::array({"my-test-role"}));
  EXPECT_EQ(roles("bare"), Json::array({"my-test-role"}));
  expect_undo_restores(
      records,
      [&] {
        return Json::array({roles("web"), roles("bare")});
      },
      Json::array({Json::array({"web"}), Json::array()}));

  const std::string remove = R"(policies:
  - name: strip
    resource: iam-profile
    filters: [{InstanceProfileName: web}]
    actions: [set-role]
)";
  records = prove_action(remove, "strip", [&] { return roles("web"); },
                         "iam RemoveRoleFromInstanceProfile", env, {"--no-journal"});
  EXPECT_EQ(records[0]["summary"], "removed its role web");
  expect_undo_restores(
      records, [&] { return roles("web"); }, Json::array({"web"}));
}

TEST_F(IamTest, RevokeSessionsOnAUserAndSetGroups) {
  create_user("ivan");
  aws_cli({"iam", "create-group", "--group-name", "quarantined"});
  const std::string policy = R"(policies:
  - name: contain-user
    resource: iam-user
    filters: [{UserName: ivan}]
    actions:
      - revoke-sessions
      - {type: set-groups, state: add, group: quarantined}
)";
  run("contain-user", policy, nullptr, true);
  EXPECT_TRUE(contains(last_.out, "would call iam PutUserPolicy")) << last_.out;
  EXPECT_TRUE(contains(last_.out, "would call iam AddUserToGroup")) << last_.out;
  EXPECT_EQ(inline_names("user", "ivan"), Json::array());

  Json records = run("contain-user", policy);
  EXPECT_EQ(outcomes(records), (std::vector<std::string>{"changed", "changed"}));
  EXPECT_EQ(inline_names("user", "ivan"), Json::array({"custos-revoke-older-sessions"}));
  Json groups = aws_cli({"iam", "list-groups-for-user", "--user-name", "ivan"})["Groups"];
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0]["GroupName"], "quarantined");
  EXPECT_EQ(records[1]["undo"][0]["operation"], "RemoveUserFromGroup");

  const std::string leave = R"(policies:
  - name: leave
    resource: iam-user
    filters: [{UserName: ivan}]
    actions:
      - {type: set-groups, state: remove, group: quarantined}
      - {type: set-groups, state: remove, group: quarantined}
)";
  records = run("leave", leave);
  EXPECT_EQ(outcomes(records), (std::vector<std::string>{"changed", "unchanged"}));
  EXPECT_TRUE(aws_cli({"iam", "list-groups-for-user", "--user-name", "ivan"})["Groups"].empty());
}

TEST_F(IamTest, DeleteWithOptionsRemovesConsoleAccessAndKeysButKeepsTheUser) {
  create_user("judy");
  create_key("judy");
  aws_cli({"iam", "create-login-profile", "--user-name", "judy", "--password", "Pa55w0rd!x"});
  const std::string policy = R"(policies:
  - name: cut-access
    resource: iam-user
    filters: [{UserName: judy}]
    actions:
      - {type: delete, options: [console-access, access-keys]}
)";
  run("cut-access", policy, nullptr, true);
  EXPECT_TRUE(contains(last_.out, "would call iam DeleteLoginProfile")) << last_.out;
  EXPECT_EQ(aws_exit_code({"iam", "get-login-profile", "--user-name", "judy"}), 0);

  Json records = run("cut-access", policy);
  EXPECT_EQ(outcomes(records), (std::vector<std::string>{"changed", "changed"}));
  EXPECT_NE(aws_exit_code({"iam", "get-login-profile", "--user-name", "judy"}), 0);
  EXPECT_EQ(keys_of("judy"), Json::object());
  EXPECT_TRUE(records[0]["undo"].is_null());
  EXPECT_TRUE(contains(records[0]["summary"], "console-access")) << records[0];
  EXPECT_EQ(aws_cli({"iam", "get-user", "--user-name", "judy"})["User"]["UserName"], "judy");

  records = run("cut-access", policy);
  EXPECT_EQ(outcomes(records), (std::vector<std::string>{"unchanged", "unchanged"}));
}

void IamTest::delete_whole_user() {
  std::string arn = create_policy("attached");
  create_user("mallory");
  create_key("mallory");
  aws_cli({"iam", "attach-user-policy", "--user-name", "mallory", "--policy-arn", arn});
  aws_cli({"iam", "put-user-policy", "--user-name", "mallory", "--policy-name", "extra",
           "--policy-document", kReadOnly});
  create_user("bystander");
  const std::string policy = R"(policies:
  - name: delete-user
    resource: iam-user
    filters: [{UserName: mallory}]
    actions: [delete]
)";
  run("delete-user", policy, nullptr, true);
  EXPECT_TRUE(contains(last_.out, "would call iam DeleteUser")) << last_.out;
  EXPECT_EQ(aws_exit_code({"iam", "get-user", "--user-name", "mallory"}), 0);

  Json records = run("delete-user", policy);
  ASSERT_EQ(outcomes(records), std::vector<std::string>{"changed"});
  EXPECT_NE(aws_exit_code({"iam", "get-user", "--user-name", "mallory"}), 0);
  EXPECT_TRUE(records[0]["undo"].is_null());
  EXPECT_EQ(records[0]["before"]["attached-user-policies"][0]["PolicyArn"], arn);
  EXPECT_EQ(records[0]["before"]["inline-user-policies"]["extra"], Json::parse(kReadOnly));
  EXPECT_EQ(aws_exit_code({"iam", "get-user", "--user-name", "bystander"}), 0);

  records = run("delete-user", policy);  // nothing left to match
  EXPECT_TRUE(records.empty());
}

// A whole-user delete. moto 5.2.1 lacks ListServiceSpecificCredentials: a proxy in front of it
// answers that call as AWS did (Cloud Custodian's recording), and forwards the rest.
TEST_F(IamTest, DeleteUserWithRecordedServiceCredentialsAnswer) {
  FaultProxy proxy(emulator().url());
  proxy.answer_action(
      "ListServiceSpecificCredentials",
      recorded_answer("ListServiceSpecificCredentials",
                      "test_iam_user_delete__iam.ListServiceSpecificCredentials_1.json"));
  env_["AWS_ENDPOINT_URL"] = proxy.url();
  delete_whole_user();
  std::size_t asked = 0;
  for (const auto& arrival : proxy.arrivals())
    if (arrival.body.find("Action=ListServiceSpecificCredentials") != std::string::npos) ++asked;
  EXPECT_EQ(asked, 2u);  // the dry run and the run
}

TEST_F(IamTest, DeleteRoleNeedsForceWhileItHasPolicies) {
  std::string arn = create_policy("role-policy");
  create_role("old");
  aws_cli({"iam", "attach-role-policy", "--role-name", "old", "--policy-arn", arn});
  aws_cli({"iam", "create-instance-profile", "--instance-profile-name", "old"});
  aws_cli({"iam", "add-role-to-instance-profile", "--instance-profile-name", "old", "--role-name",
           "old"});
  const std::string soft = R"(policies:
  - name: delete-role
    resource: iam-role
    filters: [{RoleName: old}]
    actions: [delete]
)";
  write("policy.yml", soft);
  auto result = custos({"run", "-s", path("out"), path("policy.yml")});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(contains(result.out + result.err, "set force: true")) << result.out << result.err;
  EXPECT_EQ(aws_exit_code({"iam", "get-role", "--role-name", "old"}), 0);

  const std::string force = R"(policies:
  - name: force-delete
    resource: iam-role
    filters: [{RoleName: old}]
    actions: [{type: delete, force: true}]
)";
  run("force-delete", force, nullptr, true);
  EXPECT_EQ(aws_exit_code({"iam", "get-role", "--role-name", "old"}), 0);
  Json records = run("force-delete", force);
  EXPECT_EQ(outcomes(records), std::vector<std::string>{"changed"});
  EXPECT_NE(aws_exit_code({"iam", "get-role", "--role-name", "old"}), 0);
  EXPECT_EQ(records[0]["before"]["InstanceProfiles"], Json::array({"old"}));
  EXPECT_EQ(records[0]["before"]["AttachedPolicies"][0]["PolicyArn"], arn);
}

TEST_F(IamTest, RoleFiltersOnManagedAndInlinePolicies) {
  std::string arn = create_policy("admin-policy");
  create_role("with");
  aws_cli({"iam", "attach-role-policy", "--role-name", "with", "--policy-arn", arn});
  aws_cli({"iam", "put-role-policy", "--role-name", "with", "--policy-name", "x",
           "--policy-document", kReadOnly});
  create_role("without");
  const std::string policies = R"(policies:
  - name: has-admin
    resource: iam-role
    filters: [{type: has-specific-managed-policy, value: admin-policy}]
  - name: no-admin
    resource: iam-role
    filters: [{type: no-specific-managed-policy, value: admin-policy}]
  - name: inline
    resource: iam-role
    filters: [has-inline-policy]
)";
  write("filters.yml", policies);
  auto result = custos({"run", "-s", path("out"), path("filters.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  auto roles = [&](const std::string& name) {
    return Json::parse(read_file(path("out/" + name + "/resources.json")));
  };
  ASSERT_EQ(roles("has-admin").size(), 1u);
  EXPECT_EQ(roles("has-admin")[0]["RoleName"], "with");
  EXPECT_EQ(roles("has-admin")[0]["c7n:MatchedPolicies"][0]["PolicyArn"], arn);
  ASSERT_EQ(roles("no-admin").size(), 1u);
  EXPECT_EQ(roles("no-admin")[0]["RoleName"], "without");
  ASSERT_EQ(roles("inline").size(), 1u);
  EXPECT_EQ(roles("inline")[0]["c7n:InlinePolicies"], Json::array({"x"}));
}

TEST_F(IamTest, TagsOnUsersRolesAndPolicies) {
  create_user("kim");
  create_role("svc");
  std::string arn = create_policy("tagged");
  const std::string policies = R"(policies:
  - name: tag-user
    resource: iam-user
    actions: [{type: tag, key: incident, value: IR-7}]
  - name: tag-role
    resource: iam-role
    actions: [{type: mark-for-op, op: delete, days: 1}]
  - name: tag-policy
    resource: iam-policy
    actions: [{type: tag, key: incident, value: IR-7}]
)";
  write("tags.yml", policies);
  auto result = custos({"run", "-s", path("out"), path("tags.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(aws_cli({"iam", "list-user-tags", "--user-name", "kim"})["Tags"],
            Json::array({{{"Key", "incident"}, {"Value", "IR-7"}}}));
  Json role_tags = aws_cli({"iam", "list-role-tags", "--role-name", "svc"})["Tags"];
  ASSERT_EQ(role_tags.size(), 1u);
  EXPECT_EQ(role_tags[0]["Key"], "maid_status");
  EXPECT_EQ(aws_cli({"iam", "list-policy-tags", "--policy-arn", arn})["Tags"],
            Json::array({{{"Key", "incident"}, {"Value", "IR-7"}}}));
  Json resources = Json::parse(read_file(path("out/tag-policy/resources.json")));
  ASSERT_EQ(resources.size(), 1u);
  EXPECT_EQ(resources[0]["Arn"], arn);
}

TEST_F(IamTest, DeleteUnusedPolicyAndItsUndo) {
  std::string unused = create_policy("unused");
  std::string used = create_policy("used");
  create_role("r");
  aws_cli({"iam", "attach-role-policy", "--role-name", "r", "--policy-arn", used});
  const std::string policy = R"(policies:
  - name: drop-unused
    resource: iam-policy
    filters: [unused]
    actions: [delete]
)";
  run("drop-unused", policy, nullptr, true);
  EXPECT_EQ(aws_exit_code({"iam", "get-policy", "--policy-arn", unused}), 0);
  Json records = run("drop-unused", policy);
  ASSERT_EQ(outcomes(records), std::vector<std::string>{"changed"});
  EXPECT_EQ(records[0]["resource"], unused);
  EXPECT_NE(aws_exit_code({"iam", "get-policy", "--policy-arn", unused}), 0);
  EXPECT_EQ(aws_exit_code({"iam", "get-policy", "--policy-arn", used}), 0);
  EXPECT_EQ(records[0]["undo"][0]["operation"], "CreatePolicy");
  EXPECT_EQ(records[0]["undo"][0]["params"]["PolicyName"], "unused");
  EXPECT_TRUE(run("drop-unused", policy).empty());
}

TEST_F(IamTest, SchemaShowsTheIamFiltersAndPermissions) {
  auto result = custos({"schema", "aws.iam-user"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  for (const char* name : {"credential", "access-key", "login-profile", "mfa-device", "remove-keys",
                           "revoke-sessions", "set-policy", "delete-inline-policies"})
    EXPECT_TRUE(contains(result.out, name)) << name << "\n" << result.out;
  write("policy.yml", R"(policies:
  - name: p
    resource: iam-user
    filters:
      - {type: credential, key: mfa_active, value: false}
      - {type: access-key, key: Status, value: Active}
    actions:
      - revoke-sessions
      - {type: set-groups, state: add, group: quarantined}
)");
  result = custos({"schema", "--permissions", path("policy.yml")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  Json actions = Json::parse(result.out)["Statement"][0]["Action"];
  for (const char* needed :
       {"iam:ListUsers", "iam:GetUser", "iam:GetCredentialReport", "iam:GenerateCredentialReport",
        "iam:ListAccessKeys", "iam:PutUserPolicy", "iam:GetUserPolicy", "iam:AddUserToGroup"})
    EXPECT_NE(std::find(actions.begin(), actions.end(), Json(needed)), actions.end()) << needed;
}

// Cloud Custodian's documented IAM examples that custos supports pass `custos validate` as
// written (tests/data/policies/c7n/iam/; the unit test checks the refused ones' messages).
TEST_F(IamTest, CloudCustodianExamplesPassCustosValidate) {
  std::vector<std::string> args = {"validate"};
  for (const auto& entry : std::filesystem::directory_iterator(data_path("policies/c7n/iam")))
    if (read_file(entry.path().string()).starts_with("# expect: valid\n"))
      args.push_back(entry.path().string());
  ASSERT_EQ(args.size(), 39u);
  auto result = custos(args);
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  std::size_t files = 0;
  for (std::size_t at = result.out.find("valid polic"); at != std::string::npos;
       at = result.out.find("valid polic", at + 1))
    ++files;
  EXPECT_EQ(files, 38u) << result.out;
}

}  // namespace
}  // namespace custos::test
