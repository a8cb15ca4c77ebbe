// The brakes a responder wants on a tool holding powerful credentials: a cap on the changes
// one run may attempt (--max-actions), a kill switch checked before every action (a file or an
// SSM parameter named in the mode), and never acting in an account other than the one the
// event is about.
#pragma once

#include <atomic>
#include <optional>
#include <string>

#include "aws/client.h"
#include "core/json.h"

namespace custos::policy {

// How many (action, resource) changes a run may still attempt; shared by its policies.
class ActionBudget {
 public:
  explicit ActionBudget(std::optional<std::size_t> max) : max_(max) {}
  // Takes `count` from the budget; false (taking nothing) when that would exceed it.
  bool take(std::size_t count);
  std::optional<std::size_t> max() const { return max_; }

 private:
  std::optional<std::size_t> max_;
  std::atomic<std::size_t> used_{0};
};

// `kill-switch: ssm:/custos/stop` or `kill-switch: /etc/custos/stop`: engaged while the file
// exists, or while the parameter exists with a value other than off, false or 0.
class KillSwitch {
 public:
  // Throws InputError for an empty name.
  explicit KillSwitch(std::string spec);
  bool engaged(const aws::Client& client) const;
  const std::string& spec() const { return spec_; }

 private:
  std::string spec_;
};

// The account an event is about (GuardDuty's detail.accountId, CloudTrail's recipient account,
// else the envelope's); empty when it names none.
std::string event_account(const Json& event);

}  // namespace custos::policy
