// grant-count on kms aliases (Cloud Custodian's GrantCount): the aliases whose key has at least
// `min` grants (5 unless given), each counted over every page of ListGrants and kept on the
// alias as GrantCount, as Cloud Custodian keeps it. Keys near AWS's grant limit show here.
#include "aws/client.h"
#include "policy/registry.h"
#include "policy/set_filter.h"
#include "policy/spec_numbers.h"
#include "resources/kms_alias.h"

namespace custos::resources {
namespace {

using policy::FilterContext;

class GrantCount : public policy::SetFilter {
 public:
  explicit GrantCount(const policy::Spec& spec) : min_(policy::integer_option(spec, "min", 5)) {
    if (min_ < 0) spec.child("min").fail("'min' must be 0 or more");
  }

  std::vector<Json> process(std::vector<Json> aliases,
                            const FilterContext& context) const override {
    const aws::Client& client = policy::require_client(context, "grant-count");
    std::vector<Json> kept;
    for (Json& alias : aliases) {
      long long grants = 0;
      client.paginate(
          "kms", "ListGrants", {{"KeyId", alias.value("TargetKeyId", "")}}, [&](const Json& page) {
            grants += static_cast<long long>(page.value("Grants", Json::array()).size());
            return true;
          });
      alias["GrantCount"] = grants;
      if (grants >= min_) kept.push_back(std::move(alias));
    }
    return kept;
  }

  std::vector<std::string> permissions() const override { return {"kms:ListGrants"}; }

 private:
  long long min_;
};

}  // namespace

void register_kms_grant_count(policy::Registry& registry) {
  registry.add_filter(
      "aws.kms-alias", "grant-count",
      policy::filter_info<GrantCount>(
          {"min"}, "Aliases whose key has at least min grants (default 5)", {"kms:ListGrants"}));
}

}  // namespace custos::resources
