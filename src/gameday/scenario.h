// A game-day scenario: what it seeds, the finding it injects, the policy that must respond,
// and the checks that prove the response held.
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
  virtual Seeded seed(const aws::Client& client, std::ostream& out) const = 0;
  // The event AWS would deliver (EventBridge envelope).
  virtual Json finding(const aws::Client& client, const Seeded& seeded) const = 0;
  virtual std::vector<Check> verify(const aws::Client& client, const Seeded& seeded) const = 0;
  virtual void clean_up(const aws::Client& client, const Seeded& seeded,
                        std::ostream& out) const = 0;
};

const std::vector<const Scenario*>& scenarios();
// Each scenario lives in its own file and is listed in scenarios.cpp.
const Scenario& ec2_compromised_scenario();
const Scenario* find_scenario(const std::string& name);

}  // namespace custos::gameday
