// check-secure-transport on efs (Cloud Custodian's CheckSecureTransport): the file systems whose
// resource policy does not insist on TLS. One that has no policy does not.
#include "aws/client.h"
#include "policy/filter.h"
#include "policy/registry.h"
#include "resources/services.h"
#include "resources/statements.h"

namespace custos::resources {
namespace {

using policy::FilterContext;

// A statement that insists on TLS: denies requests without it, or allows only those with it.
bool insists_on_tls(const Json& statement) {
  if (!statement.is_object()) return false;
  const Json* condition = &statement;
  for (const char* key : {"Condition", "Bool", "aws:SecureTransport"}) {
    if (!condition->is_object() || !condition->contains(key)) return false;
    condition = &(*condition)[key];
  }
  std::string effect = statement.value("Effect", "");
  return (effect == "Deny" && *condition == "false") || (effect == "Allow" && *condition == "true");
}

class CheckSecureTransport : public policy::Filter {
 public:
  explicit CheckSecureTransport(const policy::Spec&) {}

  bool match(const Json& system, const FilterContext& context) const override {
    const aws::Client& client = policy::require_client(context, "check-secure-transport");
    std::string id = system.value("FileSystemId", "");
    Json answer;
    try {
      answer = client.call("efs", "DescribeFileSystemPolicy", {{"FileSystemId", id}});
    } catch (const aws::AwsError& e) {
      if (e.code() == "PolicyNotFound") return true;
      throw;
    }
    Json policy = parse_policy_text(answer.value("Policy", ""), "the policy of " + id);
    for (const Json& statement : policy_statements(policy))
      if (insists_on_tls(statement)) return false;
    return true;
  }

  std::vector<std::string> permissions() const override {
    return {"elasticfilesystem:DescribeFileSystemPolicy"};
  }
};

}  // namespace

void register_secure_transport_filter(policy::Registry& registry) {
  registry.add_filter(
      "aws.efs", "check-secure-transport",
      policy::filter_info<CheckSecureTransport>(
          {}, "File systems whose policy does not insist on TLS (or that have none)",
          {"elasticfilesystem:DescribeFileSystemPolicy"}));
}

}  // namespace custos::resources
