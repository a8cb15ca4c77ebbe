#include "integration/action_check.h"

#include <cctype>

#include "jmespath/jmespath.h"
#include "support/aws_cli.h"
#include "support/paths.h"

namespace custos::test {

std::string cli_command(const std::string& operation) {
  std::string command;
  for (std::size_t i = 0; i < operation.size(); ++i) {
    const auto at = [&](std::size_t j) { return static_cast<unsigned char>(operation[j]); };
    bool upper = std::isupper(at(i));
    bool after_lower = i > 0 && std::islower(at(i - 1));
    bool ends_acronym =
        i > 0 && std::isupper(at(i - 1)) && i + 1 < operation.size() && std::islower(at(i + 1));
    if (upper && (after_lower || ends_acronym)) command += '-';
    command += static_cast<char>(std::tolower(at(i)));
  }
  return command;
}

ProcessResult ActionTest::run_policy(const std::string& yaml, const std::vector<std::string>& extra,
                                     const std::map<std::string, std::string>& env) const {
  write("policy.yml", yaml);
  std::vector<std::string> args = {"run", "-s", path("out")};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(path("policy.yml"));
  ProcessResult result = custos(args, env);
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  return result;
}

ProcessResult ActionTest::run_event(const std::vector<std::string>& extra) const {
  std::vector<std::string> args = {"run", "-s", path("out"), "--event", path("event.json")};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(path("policy.yml"));
  ProcessResult result = custos(args);
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  return result;
}

Json ActionTest::actions_of(const std::string& policy) const {
  return Json::parse(read_file(path("out/" + policy + "/actions.json")));
}

ProcessResult ActionTest::aws_try(const std::vector<std::string>& args,
                                  const std::map<std::string, std::string>& env) const {
  std::vector<std::string> argv = {"--endpoint-url", emulator().url(), "--output", "json"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto all = emulator_env();
  for (const auto& [name, value] : env) all[name] = value;
  return run_aws_cli(argv, all);
}

std::string ActionTest::incident_of(const ProcessResult& run) {
  const std::string marker = "incident ";
  std::size_t at = run.out.find(marker + "INC-");
  if (at == std::string::npos) return "";
  at += marker.size();
  return run.out.substr(at, run.out.find(' ', at) - at);
}

void ActionTest::expect_recovered(const ProcessResult& run) const {
  const std::string incident = incident_of(run);
  ASSERT_FALSE(incident.empty()) << run.out;
  auto recovered = custos({"incident", "recover", incident});
  ASSERT_EQ(recovered.exit_code, 0) << recovered.out << recovered.err;
  EXPECT_EQ(run.out.find("NOT VERIFIED"), std::string::npos) << run.out;
  EXPECT_EQ(recovered.out.find("NOT VERIFIED"), std::string::npos) << recovered.out;
}

Json ActionTest::matched_by(const std::string& yaml, const std::string& policy,
                            const std::map<std::string, std::string>& env) const {
  run_policy(yaml, {"--no-journal"}, env);
  return Json::parse(read_file(path("out/" + policy + "/resources.json")));
}

Json ActionTest::prove_action(const std::string& yaml, const std::string& policy,
                              const std::function<Json()>& state, const std::string& dry_call,
                              const std::map<std::string, std::string>& env,
                              const std::vector<std::string>& extra) const {
  return prove(yaml, policy, state, dry_call, env, extra, true);
}

Json ActionTest::prove_remedy(const std::string& yaml, const std::string& policy,
                              const std::function<Json()>& state, const std::string& dry_call,
                              const std::map<std::string, std::string>& env,
                              const std::vector<std::string>& extra) const {
  return prove(yaml, policy, state, dry_call, env, extra, false);
}

Json ActionTest::prove(const std::string& yaml, const std::string& policy,
                       const std::function<Json()>& state, const std::string& dry_call,
                       const std::map<std::string, std::string>& env,
                       const std::vector<std::string>& extra, bool still_matches) const {
  const Json before = state();
  std::vector<std::string> dry_args = extra;
  dry_args.push_back("--dryrun");
  ProcessResult dry = run_policy(yaml, dry_args, env);
  EXPECT_NE(dry.out.find("would call " + dry_call), std::string::npos) << dry.out;
  EXPECT_EQ(state(), before) << "the dry run changed something";

  run_policy(yaml, extra, env);
  Json records = actions_of(policy);
  EXPECT_FALSE(records.empty());
  for (const Json& record : records) {
    EXPECT_EQ(record["outcome"], "changed") << record.dump();
    EXPECT_TRUE(record["undo"].is_null() || !record["undo"].empty()) << record.dump();
    // Not every action of the S3 and KMS types records a check yet; those that do must hold.
    if (record["check"].is_object()) {
      auto proxy = env.find("AWS_ENDPOINT_URL");  // where the run's AWS is, the check's too
      EXPECT_TRUE(check_holds(record["check"], proxy == env.end() ? "" : proxy->second))
          << record.dump();
    }
  }
  const Json after = state();
  EXPECT_NE(after, before) << "the run changed nothing";

  ProcessResult again = run_policy(yaml, extra, env);
  Json second = actions_of(policy);
  EXPECT_EQ(second.size(), still_matches ? records.size() : 0u) << second.dump();
  for (const Json& record : second) EXPECT_EQ(record["outcome"], "unchanged") << record.dump();
  EXPECT_EQ(state(), after) << "the second run changed something";
  return records;
}

namespace {

// The AWS CLI's arguments for a record's call.
std::vector<std::string> call_args(const Json& call, const std::string& endpoint) {
  // The CLI's command for the S3 API is s3api (its `s3` is the high-level file commands).
  std::string service = call.value("service", "");
  std::vector<std::string> args = {service == "s3" ? "s3api" : service,
                                   cli_command(call.value("operation", "")), "--cli-input-json",
                                   call.value("params", Json::object()).dump()};
  if (!call.value("region", "").empty()) {
    args.push_back("--region");
    args.push_back(call["region"]);
  }
  if (!endpoint.empty()) args.insert(args.end(), {"--endpoint-url", endpoint});  // the last wins
  return args;
}

}  // namespace

Json ActionTest::aws_call(const Json& call, const std::string& endpoint) const {
  return aws_cli(call_args(call, endpoint));
}

bool ActionTest::check_holds(const Json& check, const std::string& endpoint) const {
  // A check of something an undo deleted (a trail the action made) finds nothing: it does not
  // hold. Any other refusal fails the test.
  ProcessResult answer = aws_try(call_args(check, endpoint));
  if (answer.exit_code != 0) {
    EXPECT_NE(answer.err.find("NotFound"), std::string::npos) << answer.err;
    return false;
  }
  const Json found = answer.out.empty() ? Json::object() : Json::parse(answer.out);
  return jmespath::Expression::compile(check.value("expect", "")).search(found) == true;
}

void ActionTest::expect_undo_restores(const Json& records, const std::function<Json()>& state,
                                      const Json& before, const std::string& endpoint) const {
  for (const Json& record : records) {
    ASSERT_TRUE(record["undo"].is_array()) << "irreversible: " << record.dump();
    for (const Json& step : record["undo"]) aws_call(step, endpoint);
  }
  EXPECT_EQ(state(), before) << "the undo did not restore the state before";
  for (const Json& record : records)
    if (record["check"].is_object()) {
      EXPECT_FALSE(check_holds(record["check"], endpoint))
          << "still holds after the undo: " << record.dump();
    }
}

}  // namespace custos::test
