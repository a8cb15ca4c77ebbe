// aws.iam-policy: the account's own managed policies (ListPolicies with Scope Local, as Cloud
// Custodian lists them by default), as GetPolicy returns them (with Tags), identified by ARN;
// Cloud Custodian's used, unused and has-allow-all filters and delete.
#include "policy/filter.h"
#include "resources/iam.h"
#include "resources/iam_principal.h"
#include "resources/tag_actions.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::FilterContext;
using policy::Spec;

bool in_use(const Json& policy) {
  return policy.value("AttachmentCount", 0) > 0 ||
         policy.value("PermissionsBoundaryUsageCount", 0) > 0;
}

// used / unused: attached somewhere or a permissions boundary (or neither).
class PolicyUsage : public policy::Filter {
 public:
  explicit PolicyUsage(bool used) : used_(used) {}
  bool match(const Json& policy, const FilterContext&) const override {
    return in_use(policy) == used_;
  }

 private:
  bool used_;
};

struct Used : PolicyUsage {
  explicit Used(const Spec&) : PolicyUsage(true) {}
};
struct Unused : PolicyUsage {
  explicit Unused(const Spec&) : PolicyUsage(false) {}
};

Json as_list(const Json& value) { return value.is_array() ? value : Json::array({value}); }

bool names_all(const Json& value) {
  if (value.is_null()) return false;
  Json list = as_list(value);
  return std::find(list.begin(), list.end(), Json("*")) != list.end();
}

Json default_document(const aws::Client& client, const Json& policy) {
  return client
      .call("iam", "GetPolicyVersion",
            {{"PolicyArn", policy.value("Arn", "")},
             {"VersionId", policy.value("DefaultVersionId", "")}})["PolicyVersion"]
      .value("Document", Json());
}

// has-allow-all: the default version has a statement allowing Action * on Resource * with no
// Condition (CIS 1.24), as Cloud Custodian's AllowAllIamPolicies reads it.
class HasAllowAll : public policy::Filter {
 public:
  explicit HasAllowAll(const Spec&) {}
  bool match(const Json& policy, const FilterContext& context) const override {
    Json document =
        default_document(policy::require_client(context, "the policy's default version"), policy);
    for (const Json& statement : as_list(document.value("Statement", Json::array()))) {
      if (statement.is_object() && !statement.contains("Condition") &&
          names_all(statement.value("Action", Json())) &&
          names_all(statement.value("Resource", Json())) &&
          statement.value("Effect", "") == "Allow")
        return true;
    }
    return false;
  }
  std::vector<std::string> permissions() const override { return {"iam:GetPolicyVersion"}; }
};

// delete: the policy and its non-default versions. AWS refuses while it is attached; AWS
// managed policies are refused here. The undo creates it again under the same ARN with its
// default version's document (a new policy id; older versions are not restored).
class DeletePolicy : public policy::PerResourceAction {
 public:
  explicit DeletePolicy(const Spec&) : PerResourceAction("delete") {}

 private:
  ActionRecord apply(const Json& policy, ActionContext& context) const override {
    const aws::Client& client = context.client;
    std::string arn = context.id_of(policy);
    if (arn.find(":iam::aws:policy/") != std::string::npos)
      throw Error("AWS managed policy " + arn + " cannot be deleted");
    Json document = default_document(client, policy);
    Json versions = client.call_all("iam", "ListPolicyVersions", {{"PolicyArn", arn}})
                        .value("Versions", Json::array());
    ActionRecord record{"delete", arn};
    record.before = {{"Policy", policy}, {"DefaultDocument", document}, {"Versions", versions}};
    try {
      for (const Json& version : versions)
        if (!version.value("IsDefaultVersion", false))
          client.call("iam", "DeletePolicyVersion",
                      {{"PolicyArn", arn}, {"VersionId", version.value("VersionId", "")}});
      client.call("iam", "DeletePolicy", {{"PolicyArn", arn}});
    } catch (const aws::AwsError& e) {
      if (e.code() == "NoSuchEntity")
        return ActionRecord::unchanged("delete", arn, "already deleted");
      throw;
    }
    Json create = {
        {"PolicyName", policy.value("PolicyName", "")},
        {"Path", policy.value("Path", "/")},
        {"PolicyDocument", document.is_string() ? document.get<std::string>() : document.dump()}};
    if (policy.contains("Description")) create["Description"] = policy["Description"];
    if (policy.value("Tags", Json::array()).size() > 0) create["Tags"] = policy["Tags"];
    record.after = {{"Policy", nullptr}};
    record.summary = "deleted policy " + arn +
                     " (undo creates it again with its default document under the same ARN)";
    record.undo = Json::array({policy::undo_call("iam", "CreatePolicy", create)});
    return record;
  }
};

}  // namespace

void register_iam_policy(policy::Registry& registry) {
  // Identified by its ARN, not Cloud Custodian's PolicyId: what every call about a policy takes,
  // and what events name it by.
  policy::ResourceType policies = iam_type("Policy", "Arn", "PolicyArn");
  policies.enumerate_params = {{"Scope", "Local"}};  // the account's own, as Cloud Custodian
  policies.name_field = "PolicyName";
  policies.report_fields = {"PolicyId", "PolicyName", "CreateDate"};
  registry.add_resource(std::move(policies));
  const std::string type = "aws.iam-policy";
  registry.add_filter(type, "used",
                      policy::filter_info<Used>({},
                                                "Policies attached somewhere or used as a "
                                                "permissions boundary"));
  registry.add_filter(type, "unused",
                      policy::filter_info<Unused>({},
                                                  "Policies neither attached nor used as a "
                                                  "permissions boundary"));
  registry.add_filter(type, "has-allow-all",
                      policy::filter_info<HasAllowAll>(
                          {}, "Policies whose default version allows * on * without condition",
                          {"iam:GetPolicyVersion"}));
  registry.add_action(type, "delete",
                      policy::action_info<DeletePolicy>(
                          {},
                          {"iam:GetPolicyVersion", "iam:ListPolicyVersions",
                           "iam:DeletePolicyVersion", "iam:DeletePolicy"},
                          "Delete the policy and its older versions (refused while attached)"));
  register_tag_actions(registry, type);
}

}  // namespace custos::resources
