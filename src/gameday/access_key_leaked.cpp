// A developer's access key leaked and used from Tor: the pack's credential policy disables that
// key (the user's other key keeps working), denies the user everything, and revokes its sessions.
#include "core/error.h"
#include "gameday/credentials.h"
#include "gameday/scenario.h"
#include "gameday/seeding.h"
#include "packs/packs.h"

namespace custos::gameday {
namespace {

constexpr const char* kDenyAll = "arn:aws:iam::aws:policy/AWSDenyAll";

std::string new_access_key(const aws::Client& client, const std::string& user) {
  return client.call("iam", "CreateAccessKey", {{"UserName", user}})
      .at("AccessKey")
      .value("AccessKeyId", "");
}

Json key_statuses(const aws::Client& client, const std::string& user) {
  Json statuses = Json::object();
  for (const Json& key : client.call("iam", "ListAccessKeys", {{"UserName", user}})
                             .value("AccessKeyMetadata", Json::array()))
    statuses[key.value("AccessKeyId", "")] = key["Status"];
  return statuses;
}

Json attached(const aws::Client& client, const std::string& user) {
  Json arns = Json::array();
  for (const Json& policy : client.call("iam", "ListAttachedUserPolicies", {{"UserName", user}})
                                .value("AttachedPolicies", Json::array()))
    arns.push_back(policy["PolicyArn"]);
  return arns;
}

class AccessKeyLeaked : public Scenario {
 public:
  std::string name() const override { return "access-key-leaked"; }
  std::string description() const override {
    return "an IAM user's access key is used from Tor (GuardDuty "
           "UnauthorizedAccess:IAMUser/TorIPCaller): that key is disabled, the user denied "
           "everything and its sessions revoked";
  }
  std::string policy_yaml() const override {
    return packs::shipped_policy("incident-response/credential-compromised.yml");
  }

  Seeded seed(const aws::Client& client, std::ostream& out) const override {
    try {
      client.call("iam", "GetPolicy", {{"PolicyArn", kDenyAll}});
    } catch (const aws::AwsError& e) {
      throw Error(std::string("this account has no ") + kDenyAll +
                  ", which the pack attaches (on moto, start it with "
                  "MOTO_IAM_LOAD_MANAGED_POLICIES=true): " +
                  e.what());
    }
    std::string run_id = new_run_id();
    std::string user = "custos-gameday-dev-" + run_id, other = "custos-gameday-ops-" + run_id;
    client.call("iam", "CreateUser", {{"UserName", user}});
    client.call("iam", "CreateUser", {{"UserName", other}});
    Seeded seeded;
    seeded.target_id = user;
    seeded.bystander_ids = {other};
    seeded.details = {{"stolen", new_access_key(client, user)},
                      {"spare", new_access_key(client, user)},
                      {"bystander_key", new_access_key(client, other)}};
    out << "seed       user " << user << " with keys " << seeded.details.value("stolen", "")
        << " (leaked) and " << seeded.details.value("spare", "") << "; bystander user " << other
        << "\n";
    return seeded;
  }

  Json finding(const aws::Client& client, const Seeded& seeded) const override {
    return access_key_finding(client, "UnauthorizedAccess:IAMUser/TorIPCaller", seeded.target_id,
                              seeded.details.value("stolen", ""), "IAMUser");
  }

  std::vector<Check> verify(const aws::Client& client, const Seeded& seeded) const override {
    const std::string& user = seeded.target_id;
    const std::string& other = seeded.bystander_ids.at(0);
    Json expected = {{seeded.details.value("stolen", ""), "Inactive"},
                     {seeded.details.value("spare", ""), "Active"}};
    return {check_equal("the leaked key is Inactive, the user's other key Active",
                        key_statuses(client, user), expected),
            check_equal(user + " is denied everything (AWSDenyAll attached)",
                        attached(client, user), Json::array({kDenyAll})),
            sessions_revoked(client, "User", user, true),
            check_equal(other + " (not in the finding) keeps its key Active",
                        key_statuses(client, other),
                        {{seeded.details.value("bystander_key", ""), "Active"}}),
            check_equal(other + " has no policy attached", attached(client, other), Json::array())};
  }

  void clean_up(const aws::Client& client, const Seeded& seeded, std::ostream& out) const override {
    delete_user(client, seeded.target_id);
    delete_user(client, seeded.bystander_ids.at(0));
    out << "clean-up   deleted users " << seeded.target_id << " and " << seeded.bystander_ids.at(0)
        << " with their keys and policies\n";
  }
};

}  // namespace

const Scenario& access_key_leaked_scenario() {
  static const AccessKeyLeaked scenario;
  return scenario;
}

}  // namespace custos::gameday
