#include "org/org_run.h"

#include <fmt/format.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "aws/endpoints.h"
#include "serverless/assumed.h"

namespace custos::org {
namespace {

struct Task {
  const Account* account;
  std::string region;
};

// Counts what one (account, region) run did, policy by policy.
class Tally {
 public:
  explicit Tally(const Task& task) : task_(task) {}

  void observe(serverless::Delivery& delivery) {
    delivery.observer.on_matched = [this](const policy::Policy& p, std::size_t found) {
      std::lock_guard lock(mutex_);
      entry(p.name).resources = found;
      current_ = p.name;
    };
    delivery.observer.on_record = [this](const policy::ActionRecord& record) {
      std::lock_guard lock(mutex_);
      RunSummary& run = entry(current_);
      ++run.actions;
      if (!record.ok()) ++run.failed;
    };
    delivery.on_policy.on_failed = [this](const policy::Policy& p, const std::string& error) {
      std::lock_guard lock(mutex_);
      entry(p.name).error = error;
    };
  }
  void fail_all(const std::vector<policy::Policy>& policies, const std::string& error) {
    for (const auto& p : policies)
      if (!p.mode.is_event()) entry(p.name).error = error;
  }
  std::vector<RunSummary> runs(const std::vector<policy::Policy>& policies) {
    std::vector<RunSummary> ordered;
    for (const auto& p : policies)
      if (!p.mode.is_event()) ordered.push_back(entry(p.name));
    return ordered;
  }

 private:
  RunSummary& entry(const std::string& policy) {
    auto [it, added] = by_policy_.try_emplace(policy);
    if (added) {
      it->second.account = task_.account->name;
      it->second.region = task_.region;
      it->second.policy = policy;
    }
    return it->second;
  }

  const Task& task_;
  std::mutex mutex_;
  std::string current_;
  std::map<std::string, RunSummary> by_policy_;
};

class Progress {
 public:
  Progress(std::ostream& out, std::size_t total, bool bar) : out_(out), total_(total), bar_(bar) {}

  void done(const Task& task, const std::vector<RunSummary>& runs) {
    std::lock_guard lock(mutex_);
    ++done_;
    bool failed = false;
    std::size_t resources = 0;
    for (const auto& run : runs) {
      failed = failed || !run.error.empty() || run.failed > 0;
      resources += run.resources;
    }
    failed_ += failed;
    if (!bar_) {
      out_ << fmt::format("[{}/{}] {} {}: {} resources{}", done_, total_, task.account->name,
                          task.region, resources, failed ? ", FAILED" : "")
           << std::endl;
      return;
    }
    constexpr int kWidth = 30;
    int filled = static_cast<int>(kWidth * done_ / total_);
    out_ << "\r[" << std::string(filled, '#') << std::string(kWidth - filled, ' ') << "] " << done_
         << "/" << total_ << " account-regions"
         << (failed_ ? fmt::format(", {} failed", failed_) : "") << std::flush;
    if (done_ == total_) out_ << "\n";
  }

 private:
  std::ostream& out_;
  std::size_t total_;
  bool bar_;
  std::mutex mutex_;
  std::size_t done_ = 0;
  std::size_t failed_ = 0;
};

}  // namespace

std::vector<std::string> all_regions(const std::string& region) {
  return aws::EndpointResolver::standard().service_regions("ec2", region);
}

std::vector<RunSummary> org_run(const serverless::Handler& handler,
                                const aws::SessionOptions& session_options,
                                const OrgRunOptions& options, std::ostream& progress) {
  auto own = std::make_shared<const aws::Session>(session_options);
  std::vector<Task> tasks;
  for (const Account& account : options.accounts) {
    std::vector<std::string> regions = options.regions;
    if (regions.size() == 1 && regions[0] == "all") regions = all_regions(own->region());
    if (regions.empty()) regions = account.regions;
    if (regions.empty()) regions = {own->region()};
    for (const auto& region : regions) tasks.push_back({&account, region});
  }
  std::vector<std::vector<RunSummary>> results(tasks.size());
  serverless::AssumedRoles roles;
  Progress shown(progress, tasks.size(), options.progress_bar);
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next++) < tasks.size();) {
      const Task& task = tasks[i];
      Tally tally(task);
      try {
        auto session = task.account->role.empty()
                           ? own
                           : roles.session(own, session_options, task.account->role,
                                           task.account->external_id);
        serverless::Delivery delivery;
        delivery.session = session->with_region(task.region);
        delivery.account_id = task.account->id;
        delivery.vars = task.account->vars;
        delivery.output_dir = options.output_dir + "/" + task.account->name + "/" + task.region;
        tally.observe(delivery);
        handler.handle(delivery);
      } catch (const std::exception& e) {
        tally.fail_all(handler.policies(), e.what());
      }
      results[i] = tally.runs(handler.policies());
      shown.done(task, results[i]);
    }
  };
  std::vector<std::thread> workers;
  for (int i = 0; i < std::max(1, options.parallel); ++i) workers.emplace_back(work);
  for (auto& worker : workers) worker.join();
  std::vector<RunSummary> all;
  for (auto& runs : results) all.insert(all.end(), runs.begin(), runs.end());
  return all;
}

std::string summary_table(const std::vector<RunSummary>& runs) {
  std::size_t account = 7, region = 6, policy = 6;
  for (const auto& run : runs) {
    account = std::max(account, run.account.size());
    region = std::max(region, run.region.size());
    policy = std::max(policy, run.policy.size());
  }
  std::string out =
      fmt::format("{:<{}}  {:<{}}  {:<{}}  {:>9}  {:>7}  {}\n", "account", account, "region",
                  region, "policy", policy, "resources", "actions", "status");
  std::size_t resources = 0, actions = 0, failed = 0;
  for (const auto& run : runs) {
    std::string status = !run.error.empty() ? "FAILED: " + run.error
                         : run.failed       ? fmt::format("{} actions failed", run.failed)
                                            : "ok";
    out += fmt::format("{:<{}}  {:<{}}  {:<{}}  {:>9}  {:>7}  {}\n", run.account, account,
                       run.region, region, run.policy, policy, run.resources, run.actions, status);
    resources += run.resources;
    actions += run.actions;
    failed += status != "ok";
  }
  return out + fmt::format("{} runs: {} resources, {} actions, {} failed\n", runs.size(), resources,
                           actions, failed);
}

}  // namespace custos::org
