// A member account is compromised: a responder runs the pack's quarantine policy by hand, which
// moves the account into the Quarantine OU and attaches a deny-all service control policy.
#include "gameday/scenario.h"
#include "gameday/seeding.h"
#include "packs/packs.h"

namespace custos::gameday {
namespace {

void ensure_organization(const aws::Client& client) {
  try {
    client.call("organizations", "DescribeOrganization");
  } catch (const aws::AwsError& e) {
    if (e.code() != "AWSOrganizationsNotInUseException") throw;
    client.call("organizations", "CreateOrganization", {{"FeatureSet", "ALL"}});
  }
}

std::string new_account(const aws::Client& client, const std::string& name) {
  return client
      .call("organizations", "CreateAccount",
            {{"Email", name + "@example.com"}, {"AccountName", name}})
      .at("CreateAccountStatus")
      .value("AccountId", "");
}

std::string parent_name(const aws::Client& client, const std::string& account) {
  Json parent =
      client.call("organizations", "ListParents", {{"ChildId", account}}).at("Parents").at(0);
  if (parent.value("Type", "") == "ROOT") return "Root";
  return client
      .call("organizations", "DescribeOrganizationalUnit",
            {{"OrganizationalUnitId", parent.value("Id", "")}})
      .at("OrganizationalUnit")
      .value("Name", "");
}

Json control_policies(const aws::Client& client, const std::string& account) {
  Json names = Json::array();
  for (const Json& policy : client
                                .call("organizations", "ListPoliciesForTarget",
                                      {{"TargetId", account}, {"Filter", "SERVICE_CONTROL_POLICY"}})
                                .value("Policies", Json::array()))
    if (policy.value("Name", "") != "FullAWSAccess") names.push_back(policy["Name"]);
  return names;
}

class AccountQuarantine : public Scenario {
 public:
  std::string name() const override { return "account-quarantine"; }
  std::string description() const override {
    return "a member account is compromised; a responder runs the quarantine policy by hand: "
           "the account moves to the Quarantine OU under a deny-all SCP (emulator only)";
  }
  std::string policy_yaml() const override {
    return packs::shipped_policy("incident-response/account-quarantine.yml");
  }
  // Member accounts take AWS days to close; a rehearsal must not leave them behind.
  bool emulator_only() const override { return true; }

  Seeded seed(const aws::Client& client, std::ostream& out) const override {
    ensure_organization(client);
    std::string run_id = new_run_id();
    Seeded seeded;
    seeded.target_id = new_account(client, "custos-gameday-dev-" + run_id);
    seeded.bystander_ids = {new_account(client, "custos-gameday-prod-" + run_id)};
    seeded.vars = {{"compromised_account", seeded.target_id}};
    out << "seed       organization with member accounts " << seeded.target_id
        << " (compromised) and " << seeded.bystander_ids[0] << "\n";
    return seeded;
  }

  Json finding(const aws::Client&, const Seeded&) const override { return nullptr; }

  std::vector<Check> verify(const aws::Client& client, const Seeded& seeded) const override {
    const std::string& account = seeded.target_id;
    const std::string& other = seeded.bystander_ids.at(0);
    return {check_equal(account + " is in the Quarantine OU", parent_name(client, account),
                        "Quarantine"),
            check_equal(account + " is under the deny-all SCP", control_policies(client, account),
                        Json::array({"custos-deny-all"})),
            check_equal(other + " (not named) still under the root", parent_name(client, other),
                        "Root"),
            check_equal(other + " has no SCP of custos's", control_policies(client, other),
                        Json::array())};
  }

  void clean_up(const aws::Client&, const Seeded&, std::ostream& out) const override {
    out << "clean-up   none: the emulator's organization goes with the emulator\n";
  }
};

}  // namespace

const Scenario& account_quarantine_scenario() {
  static const AccountQuarantine scenario;
  return scenario;
}

}  // namespace custos::gameday
