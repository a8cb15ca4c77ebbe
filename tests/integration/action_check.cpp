#include "integration/action_check.h"

#include "support/paths.h"

namespace custos::test {

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
  std::vector<std::string> argv = {"/usr/bin/aws", "--endpoint-url", emulator().url(), "--output",
                                   "json"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto all = emulator_env();
  for (const auto& [name, value] : env) all[name] = value;
  return run_process(argv, all);
}

std::string ActionTest::incident_of(const ProcessResult& run) {
  const std::string marker = "incident ";
  std::size_t at = run.out.find(marker + "INC-");
  if (at == std::string::npos) return "";
  at += marker.size();
  return run.out.substr(at, run.out.find(' ', at) - at);
}

Json ActionTest::prove_action(const std::string& yaml, const std::string& policy,
                              const std::function<Json()>& state, const std::string& dry_call,
                              const std::map<std::string, std::string>& env) const {
  const Json before = state();
  ProcessResult dry = run_policy(yaml, {"--dryrun"}, env);
  EXPECT_NE(dry.out.find("would call " + dry_call), std::string::npos) << dry.out;
  EXPECT_EQ(state(), before) << "the dry run changed something";

  run_policy(yaml, {}, env);
  Json records = actions_of(policy);
  EXPECT_FALSE(records.empty());
  for (const Json& record : records) EXPECT_EQ(record["outcome"], "changed") << record.dump();
  const Json after = state();
  EXPECT_NE(after, before) << "the run changed nothing";

  ProcessResult again = run_policy(yaml, {}, env);
  Json second = actions_of(policy);
  EXPECT_EQ(second.size(), records.size());
  for (const Json& record : second) EXPECT_EQ(record["outcome"], "unchanged") << record.dump();
  EXPECT_EQ(state(), after) << "the second run changed something";
  return records;
}

}  // namespace custos::test
