// Someone rewrote a customer key's policy: the pack's KMS policy disables that key at once; the
// other key keeps working.
#include "gameday/events.h"
#include "gameday/scenario.h"
#include "gameday/seeding.h"
#include "packs/packs.h"

namespace custos::gameday {
namespace {

std::string key_state(const aws::Client& client, const std::string& key) {
  return client.call("kms", "DescribeKey", {{"KeyId", key}})
      .at("KeyMetadata")
      .value("KeyState", "");
}

std::string new_kms_key(const aws::Client& client, const std::string& description) {
  return client.call("kms", "CreateKey", {{"Description", description}})
      .at("KeyMetadata")
      .value("KeyId", "");
}

class KmsKeyCompromised : public Scenario {
 public:
  std::string name() const override { return "kms-key-compromised"; }
  std::string description() const override {
    return "a customer key's policy is rewritten (CloudTrail PutKeyPolicy): the key is "
           "disabled until the change is understood";
  }
  std::string policy_yaml() const override {
    return packs::shipped_policy("incident-response/kms-key-compromised.yml");
  }

  Seeded seed(const aws::Client& client, std::ostream& out) const override {
    std::string run_id = new_run_id();
    Seeded seeded;
    seeded.target_id = new_kms_key(client, "custos game day " + run_id + ": payments data");
    seeded.bystander_ids = {new_kms_key(client, "custos game day " + run_id + ": logs")};
    out << "seed       customer keys " << seeded.target_id << " (its policy rewritten) and "
        << seeded.bystander_ids[0] << "\n";
    return seeded;
  }

  Json finding(const aws::Client& client, const Seeded& seeded) const override {
    return cloudtrail_event(client, "kms.amazonaws.com", "PutKeyPolicy",
                            {{"keyId", seeded.target_id}, {"policyName", "default"}});
  }

  std::vector<Check> verify(const aws::Client& client, const Seeded& seeded) const override {
    return {check_equal(seeded.target_id + " is Disabled", key_state(client, seeded.target_id),
                        "Disabled"),
            check_equal(seeded.bystander_ids.at(0) + " (not in the event) still Enabled",
                        key_state(client, seeded.bystander_ids.at(0)), "Enabled")};
  }

  void clean_up(const aws::Client& client, const Seeded& seeded, std::ostream& out) const override {
    for (const std::string& key : {seeded.target_id, seeded.bystander_ids.at(0)})
      client.call("kms", "ScheduleKeyDeletion", {{"KeyId", key}, {"PendingWindowInDays", 7}});
    out << "clean-up   scheduled both keys for deletion in 7 days (KMS's shortest wait)\n";
  }
};

}  // namespace

const Scenario& kms_key_compromised_scenario() {
  static const KmsKeyCompromised scenario;
  return scenario;
}

}  // namespace custos::gameday
