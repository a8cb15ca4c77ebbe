// check-permissions (Cloud Custodian's CheckPermissions) on IAM users, roles, groups and
// policies: IAM's policy simulator asked whether each principal (or, for a policy, its default
// version) may call `actions`; the principal matches when every evaluation (match-operator and,
// the default) or one (or) matches `match`: allowed, denied, or a value filter on the
// evaluation. The matching evaluations are kept as c7n:perm-matches. Who can create users, or
// do anything at all, is the first question of an IAM incident.
#include <map>
#include <optional>

#include "aws/client.h"
#include "policy/set_filter.h"
#include "policy/value_filter.h"
#include "resources/iam.h"

namespace custos::resources {
namespace {

using policy::FilterContext;
using policy::Spec;

// An allow-all boundary: the simulator then ignores the principal's own (boundaries: false).
const char* const kNoBoundary =
    R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})";

class CheckPermissions : public policy::SetFilter {
 public:
  CheckPermissions(const Spec& spec, const policy::BuildContext& context)
      : actions_(spec.string_list("actions")),
        any_(spec.one_of("match-operator", {"and", "or"}, "and") == "or"),
        boundaries_(spec.optional_bool("boundaries", true)),
        policies_(context.resource.name == "aws.iam-policy") {
    if (!spec.has("actions") || actions_.empty())
      spec.fail("check-permissions needs 'actions': the IAM actions to simulate (iam:CreateUser)");
    for (std::size_t i = 0; i < actions_.size(); ++i)
      if (actions_[i].size() < 3 || actions_[i].find(':', 1) == std::string::npos ||
          actions_[i].find(':', 1) == actions_[i].size() - 1)
        spec.child("actions").element(i).fail("invalid check-permissions action '" + actions_[i] +
                                              "': it must be <service>:<action> (iam:CreateUser)");
    if (!spec.has("match"))
      spec.fail("check-permissions needs 'match': allowed, denied or a value filter");
    const Json& match = spec.value()["match"];
    if (match.is_string()) {
      std::string decision = spec.one_of("match", {"allowed", "denied"});
      decisions_ = decision == "allowed" ? std::vector<std::string>{"allowed"}
                                         : std::vector<std::string>{"explicitDeny", "implicitDeny"};
    } else {
      matcher_.emplace(spec.child("match"));
    }
  }

  std::vector<Json> process(std::vector<Json> principals,
                            const FilterContext& context) const override {
    const aws::Client& client = policy::require_client(context, "IAM's policy simulator");
    std::map<std::string, Json> evaluated;  // by ARN: a principal listed twice is asked once
    std::vector<Json> kept;
    for (Json& principal : principals) {
      std::string arn = principal.value("Arn", "");
      if (arn.empty()) continue;
      auto found = evaluated.find(arn);
      if (found == evaluated.end())
        found = evaluated.emplace(arn, evaluations(client, principal)).first;
      if (!found->second.is_array()) continue;  // gone since it was listed
      Json matched = Json::array();
      std::size_t matching = 0;
      for (const Json& evaluation : found->second)
        if (matches(evaluation, context)) {
          matched.push_back(evaluation);
          ++matching;
        }
      bool keep = any_ ? matching > 0 : matching == found->second.size();
      if (!keep) continue;
      principal["c7n:perm-matches"] = std::move(matched);
      kept.push_back(std::move(principal));
    }
    return kept;
  }

  bool annotates() const override { return true; }
  std::vector<std::string> permissions() const override {
    if (policies_) return {"iam:SimulateCustomPolicy", "iam:GetPolicyVersion"};
    return {"iam:SimulatePrincipalPolicy"};
  }

 private:
  bool matches(const Json& evaluation, const FilterContext& context) const {
    if (matcher_) return matcher_->matches(evaluation, context);
    std::string decision = evaluation.value("EvalDecision", "");
    return std::find(decisions_.begin(), decisions_.end(), decision) != decisions_.end();
  }

  // The simulator's EvaluationResults for one principal; null when it no longer exists.
  Json evaluations(const aws::Client& client, const Json& principal) const {
    try {
      if (policies_) {
        Json version = client.call("iam", "GetPolicyVersion",
                                   {{"PolicyArn", principal.value("Arn", "")},
                                    {"VersionId", principal.value("DefaultVersionId", "")}});
        Json document = version["PolicyVersion"].value("Document", Json());
        std::string text = document.is_string() ? document.get<std::string>() : document.dump();
        return client
            .call_all("iam", "SimulateCustomPolicy",
                      {{"PolicyInputList", {text}}, {"ActionNames", actions_}})
            .value("EvaluationResults", Json::array());
      }
      Json params = {{"PolicySourceArn", principal.value("Arn", "")}, {"ActionNames", actions_}};
      if (!boundaries_) params["PermissionsBoundaryPolicyInputList"] = {kNoBoundary};
      return client.call_all("iam", "SimulatePrincipalPolicy", params)
          .value("EvaluationResults", Json::array());
    } catch (const aws::AwsError& e) {
      if (e.code() != "NoSuchEntity") throw;
      return nullptr;
    }
  }

  std::vector<std::string> actions_;
  bool any_;
  bool boundaries_;
  bool policies_;
  std::vector<std::string> decisions_;
  std::optional<policy::ValueMatcher> matcher_;
};

}  // namespace

void register_iam_simulation(policy::Registry& registry) {
  for (const char* type : {"aws.iam-user", "aws.iam-role", "aws.iam-group", "aws.iam-policy"})
    registry.add_filter(
        type, "check-permissions",
        policy::filter_info<CheckPermissions>(
            {"actions", "match", "match-operator", "boundaries"},
            "By IAM's policy simulator: whether it may call `actions` (match: allowed, denied, "
            "or a value filter on each evaluation; match-operator and/or), the matching "
            "evaluations kept as c7n:perm-matches",
            {"iam:SimulatePrincipalPolicy", "iam:SimulateCustomPolicy", "iam:GetPolicyVersion"}));
}

}  // namespace custos::resources
