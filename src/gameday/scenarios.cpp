#include "gameday/scenario.h"

namespace custos::gameday {

const std::vector<const Scenario*>& scenarios() {
  static const std::vector<const Scenario*> all = {&ec2_compromised_scenario()};
  return all;
}

const Scenario* find_scenario(const std::string& name) {
  for (const Scenario* s : scenarios())
    if (s->name() == name) return s;
  return nullptr;
}

}  // namespace custos::gameday
