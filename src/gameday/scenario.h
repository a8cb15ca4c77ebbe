// A game-day scenario: what it seeds, the event it injects, the policy that must respond (one of
// the shipped packs'), and the checks that prove the response held.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "aws/client.h"
#include "core/json.h"

namespace custos::gameday {

// What seeding created: the resource under attack, bystanders, and what clean-up removes.
struct Seeded {
  std::string target_id;
  std::vector<std::string> bystander_ids;
  Json details = Json::object();  // scenario-specific (role, profile, volumes, ...)
  Json vars = Json::object();     // set over the policy file's `vars:` (as custos run --var)
};

struct Check {
  std::string what;
  bool passed = false;
};

class Scenario {
 public:
  virtual ~Scenario() = default;
  virtual std::string name() const = 0;
  virtual std::string description() const = 0;
  virtual std::string policy_yaml() const = 0;
  // Scenarios that make what AWS cannot take back at once (member accounts) run on an emulator
  // only; elsewhere they are skipped, saying why.
  virtual bool emulator_only() const { return false; }
  virtual Seeded seed(const aws::Client& client, std::ostream& out) const = 0;
  // The event AWS would deliver (EventBridge envelope); null for a policy run by hand (pull).
  virtual Json finding(const aws::Client& client, const Seeded& seeded) const = 0;
  virtual std::vector<Check> verify(const aws::Client& client, const Seeded& seeded) const = 0;
  virtual void clean_up(const aws::Client& client, const Seeded& seeded,
                        std::ostream& out) const = 0;
};

// Every scenario, in the order `gameday --all` runs them; each lives in its own file and is
// listed in scenarios.cpp.
const std::vector<const Scenario*>& scenarios();
const Scenario* find_scenario(const std::string& name);

const Scenario& ec2_compromised_scenario();
const Scenario& ec2_isolate_scenario();
const Scenario& access_key_leaked_scenario();
const Scenario& role_sessions_stolen_scenario();
const Scenario& s3_bucket_exposed_scenario();
const Scenario& kms_key_compromised_scenario();
const Scenario& dns_hijack_scenario();
const Scenario& account_quarantine_scenario();
const Scenario& cloudtrail_stopped_scenario();

}  // namespace custos::gameday
