// finding (Cloud Custodian's SecurityHubFindingFilter) on every type with ARNs: the resources
// Security Hub has findings about, asked one resource at a time (GetFindings with ResourceId
// the resource's ARN, or an instance's id, and the policy's `query`: AwsSecurityFindingFilters),
// in `region` when given (an aggregator region). The findings are kept as c7n:finding-filter.
#include <optional>

#include "aws/client.h"
#include "aws/endpoints.h"
#include "policy/describe.h"
#include "policy/set_filter.h"
#include "policy/shape_check.h"
#include "policy/vars.h"
#include "resources/services.h"

namespace custos::resources {
namespace {

using policy::FilterContext;
using policy::ResourceType;
using policy::Spec;

class Finding : public policy::SetFilter {
 public:
  Finding(const Spec& spec, const policy::BuildContext& context)
      : type_(context.resource),
        region_(spec.optional_string("region")),
        query_(spec.has("query") ? spec.value()["query"] : Json::object()) {
    if (!query_.is_object()) spec.child("query").fail("query must be a mapping of finding filters");
    policy::check_given_members(spec, "securityhub", "GetFindings", {{"Filters", query_}});
  }

  std::vector<Json> process(std::vector<Json> resources,
                            const FilterContext& context) const override {
    const aws::Client& run = policy::require_client(context, "Security Hub's findings");
    aws::Client client = region_.empty() ? run : run.in_region(region_);
    const std::string& region = run.session().region();
    policy::ArnScope scope{aws::EndpointResolver::standard().partition_of(region), region, ""};
    std::vector<Json> kept;
    for (Json& resource : resources) {
      if (type_.arn_field.empty() && scope.account_id.empty())
        scope.account_id = policy::sts_account_id(run);
      Json filters = query_;
      filters["ResourceId"] = Json::array(
          {{{"Value", policy::arn_of(type_, resource, scope)}, {"Comparison", "EQUALS"}}});
      if (std::string instance = resource.value("InstanceId", ""); !instance.empty())
        filters["ResourceId"].push_back({{"Value", instance}, {"Comparison", "EQUALS"}});
      Json findings = client.call("securityhub", "GetFindings", {{"Filters", filters}})
                          .value("Findings", Json::array());
      if (findings.empty()) continue;
      resource["c7n:finding-filter"] = std::move(findings);
      kept.push_back(std::move(resource));
    }
    return kept;
  }

  bool annotates() const override { return true; }
  std::vector<std::string> permissions() const override { return {"securityhub:GetFindings"}; }

 private:
  const ResourceType& type_;
  std::string region_;
  Json query_;
};

}  // namespace

void register_finding_filter(policy::Registry& registry) {
  auto add_finding = [](const policy::Registry&, policy::InfoByName<policy::FilterInfo>& into) {
    into["finding"] = policy::filter_info<Finding>(
        {"query", "region"},
        "Resources Security Hub has findings about (query: AwsSecurityFindingFilters; region: "
        "an aggregator's), kept as c7n:finding-filter",
        {"securityhub:GetFindings"});
  };
  for (const ResourceType& type : registry.resources())
    if (!type.arn_field.empty() || !type.arn_format.empty())
      registry.add_filters_on_first_use(type.name, add_finding);
}

}  // namespace custos::resources
