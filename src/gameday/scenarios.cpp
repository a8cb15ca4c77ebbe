#include "gameday/scenario.h"

namespace custos::gameday {

const std::vector<const Scenario*>& scenarios() {
  static const std::vector<const Scenario*> all = {
      &ec2_compromised_scenario(),   &ec2_isolate_scenario(),
      &access_key_leaked_scenario(), &role_sessions_stolen_scenario(),
      &s3_bucket_exposed_scenario(), &kms_key_compromised_scenario(),
      &dns_hijack_scenario(),        &account_quarantine_scenario(),
      &cloudtrail_stopped_scenario()};
  return all;
}

const Scenario* find_scenario(const std::string& name) {
  for (const Scenario* s : scenarios())
    if (s->name() == name) return s;
  return nullptr;
}

}  // namespace custos::gameday
