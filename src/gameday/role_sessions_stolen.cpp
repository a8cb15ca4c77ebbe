// An instance role's temporary credentials are used outside AWS: every session of that role
// issued before now is revoked (the instance gets fresh ones; the thief's stop working).
#include "gameday/credentials.h"
#include "gameday/instances.h"
#include "gameday/scenario.h"
#include "gameday/seeding.h"
#include "packs/packs.h"

namespace custos::gameday {
namespace {

class RoleSessionsStolen : public Scenario {
 public:
  std::string name() const override { return "role-sessions-stolen"; }
  std::string description() const override {
    return "a role's session credentials are used outside AWS (GuardDuty "
           "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS): every "
           "session issued before now is revoked";
  }
  std::string policy_yaml() const override {
    return packs::shipped_policy("incident-response/credential-compromised.yml");
  }

  Seeded seed(const aws::Client& client, std::ostream& out) const override {
    std::string run_id = new_run_id();
    Seeded seeded;
    seeded.target_id = "custos-gameday-app-" + run_id;
    seeded.bystander_ids = {"custos-gameday-batch-" + run_id};
    for (const std::string& role : {seeded.target_id, seeded.bystander_ids[0]})
      client.call("iam", "CreateRole",
                  {{"RoleName", role}, {"AssumeRolePolicyDocument", kEc2TrustPolicy}});
    out << "seed       roles " << seeded.target_id << " (its sessions stolen) and "
        << seeded.bystander_ids[0] << "\n";
    return seeded;
  }

  Json finding(const aws::Client& client, const Seeded& seeded) const override {
    return access_key_finding(
        client, "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
        seeded.target_id, "ASIACUSTOSGAMEDAY0001", "AssumedRole");
  }

  std::vector<Check> verify(const aws::Client& client, const Seeded& seeded) const override {
    return {sessions_revoked(client, "Role", seeded.target_id, true),
            sessions_revoked(client, "Role", seeded.bystander_ids.at(0), false)};
  }

  void clean_up(const aws::Client& client, const Seeded& seeded, std::ostream& out) const override {
    delete_role(client, seeded.target_id);
    delete_role(client, seeded.bystander_ids.at(0));
    out << "clean-up   deleted roles " << seeded.target_id << " and " << seeded.bystander_ids.at(0)
        << "\n";
  }
};

}  // namespace

const Scenario& role_sessions_stolen_scenario() {
  static const RoleSessionsStolen scenario;
  return scenario;
}

}  // namespace custos::gameday
