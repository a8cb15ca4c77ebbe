#include "policy/dispatch.h"

#include "policy/vars.h"

namespace custos::policy {

std::vector<EventTarget> targets_for(const std::vector<Policy>& policies, const Json* event) {
  std::vector<EventTarget> targets;
  for (const auto& p : policies) {
    if (event) {
      targets.push_back(event_target(p, *event));
      continue;
    }
    EventTarget pull;
    pull.applies = !p.mode.is_event();
    if (!pull.applies) pull.reason = "mode " + p.mode.type + " runs on events (pass --event FILE)";
    targets.push_back(std::move(pull));
  }
  return targets;
}

namespace {

// custos acts only in the account an event is about: a finding forwarded from a member account
// must not be "contained" in whatever account the credentials happen to reach.
void refuse_foreign_account(const Json& event, const RunOptions& options) {
  std::string named = event_account(event);
  if (named.empty() || !options.account) return;
  const std::string& ours = options.account->get();
  if (named != ours)
    throw Error("the event is about account " + named + " but these credentials act in account " +
                ours + ": custos acts only in the event's account (use credentials for " + named +
                ", or mode.member-role to reach member accounts)");
}

}  // namespace

int dispatch(const std::vector<Policy>& policies, const std::vector<EventTarget>& targets,
             const Place& place, const RunOptions& options, const DispatchObserver& observer) {
  int code = 0;
  for (std::size_t i = 0; i < policies.size(); ++i) {
    const Policy& p = policies[i];
    if (!targets[i].applies) {
      if (observer.on_skipped) observer.on_skipped(p, targets[i].reason);
      continue;
    }
    if (options.out_of_time()) {
      if (options.journal && !options.dryrun)
        options.journal->left({.policy = p.name, .action = "", .resource = "", .phase = ""},
                              kNotStarted);
      if (observer.on_failed) observer.on_failed(p, kNotStarted);
      code = 1;
      continue;
    }
    try {
      Placement placed = place(p);
      RunOptions run = options;
      run.account = placed.account;
      if (options.event && !p.actions.empty()) refuse_foreign_account(*options.event, run);
      auto result = run_policy(placed.expanded ? *placed.expanded : p, placed.client, run,
                               options.event && p.mode.is_event() ? &targets[i] : nullptr);
      if (result.skipped && observer.on_skipped)
        observer.on_skipped(p, "its conditions do not hold");
      if (observer.on_result) observer.on_result(p, result);
      if (!result.ok()) code = 1;
    } catch (const std::exception& e) {
      if (observer.on_failed) observer.on_failed(p, e.what());
      code = 1;
    }
  }
  return code;
}

}  // namespace custos::policy
