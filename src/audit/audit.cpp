#include "audit/audit.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "aws/client.h"
#include "aws/endpoints.h"
#include "core/error.h"
#include "core/uuid.h"
#include "packs/packs.h"
#include "policy/policy.h"
#include "policy/runner.h"
#include "resources/builtin.h"

namespace custos::audit {
namespace {

const std::vector<std::string> kPhaseOrder = {"preparation", "detection-and-analysis",
                                              "containment-eradication-recovery",
                                              "post-incident-activity"};

std::string text_of(const Json& metadata, const char* key) {
  auto found = metadata.find(key);
  if (found == metadata.end() || found->is_null()) return {};
  return found->is_string() ? found->get<std::string>() : found->dump();
}

// A compiled policy and the check it reports into.
struct Entry {
  policy::Policy policy;
  bool per_region = true;
  std::size_t check = 0;
};

void refuse_non_checks(const policy::Policy& p) {
  if (p.mode.is_event())
    throw InputError(p.location.str() + ": policy '" + p.name + "': audit runs pull-mode checks; " +
                     "this one waits for events (mode " + p.mode.type + ")");
  if (!p.actions.empty())
    throw InputError(p.location.str() + ": policy '" + p.name +
                     "': audit only reads; remove its actions (custos run acts)");
}

Check check_of(const policy::Policy& p) {
  Check check;
  check.name = p.name;
  check.resource = p.resource->name;
  check.file = p.location.file;
  check.line = p.location.line;
  check.description = p.data.value("description", "");
  Json metadata = p.data.value("metadata", Json::object());
  if (auto phase = text_of(metadata, "phase"); !phase.empty()) check.phase = phase;
  if (auto severity = text_of(metadata, "severity"); !severity.empty()) check.severity = severity;
  check.cis = text_of(metadata, "cis");
  check.remediation = text_of(metadata, "remediation");
  return check;
}

bool runs_per_region(const policy::Policy& p) {
  std::string scope = text_of(p.data.value("metadata", Json::object()), "scope");
  if (scope == "account") return false;
  if (scope == "region") return true;
  if (!scope.empty())
    throw InputError(p.location.str() + ": policy '" + p.name +
                     "': metadata.scope is 'account' or 'region', not '" + scope + "'");
  return !p.resource->global;
}

std::string id_of(const policy::Policy& p, const Json& resource) {
  auto id = resource.find(p.resource->id_field);
  if (id == resource.end()) return "(no " + p.resource->id_field + ")";
  return id->is_string() ? id->get<std::string>() : id->dump();
}

std::vector<std::string> regions_of(const AuditOptions& options, const aws::Session& session) {
  if (options.regions.size() == 1 && options.regions[0] == "all")
    return aws::EndpointResolver::standard().service_regions("ec2", session.region());
  if (options.regions.empty()) return {session.region()};
  return options.regions;
}

// Runs (entry, region) tasks on a few threads; each records into its check under a lock.
class Runner {
 public:
  Runner(const AuditOptions& options, std::vector<Check>& checks)
      : options_(options),
        checks_(checks),
        session_(std::make_shared<const aws::Session>(options.aws)),
        account_([this] { return policy::sts_account_id(aws::Client(session_)); }) {}

  void run(const std::vector<Entry>& entries) {
    std::vector<std::string> regions = regions_of(options_, *session_);
    std::vector<std::pair<const Entry*, std::string>> tasks;
    for (const Entry& entry : entries)
      for (std::size_t i = 0; i < (entry.per_region ? regions.size() : 1); ++i)
        tasks.emplace_back(&entry, regions[i]);
    std::atomic<std::size_t> next{0};
    auto work = [&] {
      for (std::size_t i; (i = next++) < tasks.size();) run_one(*tasks[i].first, tasks[i].second);
    };
    std::vector<std::thread> workers;
    std::size_t count = std::min<std::size_t>(std::max(1, options_.parallel), tasks.size());
    for (std::size_t i = 0; i < count; ++i) workers.emplace_back(work);
    for (auto& worker : workers) worker.join();
  }

 private:
  void run_one(const Entry& entry, const std::string& region) {
    const policy::Policy& p = entry.policy;
    std::vector<Finding> found;
    std::string error;
    try {
      aws::Client client(session_->with_region(region));
      auto vars = policy::policy_variables(p.vars, p.data, region, account_, false);
      auto expanded = policy::expand_variables(p, vars, resources::builtin_registry());
      policy::RunOptions run;
      run.output_dir = options_.output_dir + "/" + region;
      run.account = &account_;
      run.dryrun = true;  // no actions anyway: a second lock on the door
      run.keep_documents = true;
      auto result = policy::run_policy(expanded ? *expanded : p, client, run);
      for (const Json& resource : result.resources) found.push_back({region, id_of(p, resource)});
    } catch (const std::exception& e) {
      error = region + ": " + e.what();
    }
    std::lock_guard lock(mutex_);
    Check& check = checks_[entry.check];
    check.findings.insert(check.findings.end(), found.begin(), found.end());
    if (!error.empty()) check.errors.push_back(error);
  }

  const AuditOptions& options_;
  std::vector<Check>& checks_;
  std::shared_ptr<const aws::Session> session_;
  policy::AccountId account_;
  std::mutex mutex_;
};

int weight(const std::string& severity) {
  if (severity == "critical") return 4;
  if (severity == "high") return 3;
  if (severity == "low") return 1;
  return 2;
}

}  // namespace

std::vector<std::string> Check::resource_ids() const {
  std::vector<std::string> ids;
  for (const auto& finding : findings)
    if (std::find(ids.begin(), ids.end(), finding.id) == ids.end()) ids.push_back(finding.id);
  return ids;
}

std::vector<PolicyFile> shipped_pack() {
  std::vector<PolicyFile> files;
  for (const packs::ShippedPolicy& file : packs::shipped_policies())
    if (file.path.starts_with("preparation/"))
      files.push_back({"policies/" + std::string(file.path), std::string(file.text)});
  return files;
}

std::vector<Check> run_audit(const std::vector<PolicyFile>& files, const AuditOptions& options) {
  std::vector<Entry> entries;
  std::vector<Check> checks;
  for (const auto& file : files) {
    auto source = policy::SourceDocument::parse(file.text, file.name);
    for (auto& p : policy::compile_policies(source, resources::builtin_registry())) {
      refuse_non_checks(p);
      for (const auto& [name, value] : options.vars.items()) p.vars[name] = value;
      checks.push_back(check_of(p));
      bool per_region = runs_per_region(p);
      entries.push_back({std::move(p), per_region, checks.size() - 1});
    }
  }
  std::filesystem::path kept = options.output_dir;
  AuditOptions effective = options;
  if (kept.empty()) {
    kept = std::filesystem::temp_directory_path() / ("custos-audit-" + random_uuid());
    effective.output_dir = kept.string();
  }
  Runner(effective, checks).run(entries);
  if (options.output_dir.empty()) std::filesystem::remove_all(kept);
  for (Check& check : checks) {
    std::sort(check.findings.begin(), check.findings.end(), [](const Finding& a, const Finding& b) {
      return std::tie(a.region, a.id) < std::tie(b.region, b.id);
    });
    std::sort(check.errors.begin(), check.errors.end());
    check.status = !check.errors.empty() ? "error" : check.findings.empty() ? "pass" : "fail";
  }
  return checks;
}

int readiness_score(const std::vector<Check>& checks) {
  int total = 0, passed = 0;
  for (const auto& check : checks) {
    total += weight(check.severity);
    if (check.status == "pass") passed += weight(check.severity);
  }
  return total == 0 ? 100 : passed * 100 / total;
}

int exit_code(const std::vector<Check>& checks) {
  int code = 0;
  for (const auto& check : checks)
    code = std::max(code, check.status == "error" ? 2 : check.status == "fail" ? 1 : 0);
  return code;
}

std::vector<std::string> phases_of(const std::vector<Check>& checks) {
  std::set<std::string> present;
  for (const auto& check : checks) present.insert(check.phase);
  std::vector<std::string> phases;
  for (const auto& phase : kPhaseOrder)
    if (present.erase(phase)) phases.push_back(phase);
  phases.insert(phases.end(), present.begin(), present.end());
  return phases;
}

}  // namespace custos::audit
