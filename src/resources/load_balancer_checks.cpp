// Checks of a load balancer's own configuration: is-ssl (a classic load balancer with an
// HTTPS or SSL listener) and healthcheck-protocol-mismatch (health checks that do not speak the
// protocol the instances or targets serve), as Cloud Custodian's elb.py and appelb.py.
#include "aws/client.h"
#include "policy/filter.h"
#include "policy/set_filter.h"
#include "resources/services.h"

namespace custos::resources {
namespace {

using policy::FilterContext;
using policy::Spec;

class IsSsl : public policy::Filter {
 public:
  explicit IsSsl(const Spec&) {}
  bool match(const Json& balancer, const FilterContext&) const override {
    for (const Json& described : balancer.value("ListenerDescriptions", Json::array())) {
      std::string protocol = described.value("Listener", Json::object()).value("Protocol", "");
      if (protocol == "HTTPS" || protocol == "SSL") return true;
    }
    return false;
  }
};

// A classic load balancer whose health check target's protocol (HTTP:80/index.html) is none
// of its listeners' instance protocols, or that has no listener. (Cloud Custodian's returns
// the opposite, the balancers whose protocols do match, against its name and documentation.)
class ClassicHealthCheckMismatch : public policy::Filter {
 public:
  explicit ClassicHealthCheckMismatch(const Spec&) {}
  bool match(const Json& balancer, const FilterContext&) const override {
    std::string target = balancer.value("HealthCheck", Json::object()).value("Target", "");
    std::string protocol = target.substr(0, target.find(':'));
    Json listeners = balancer.value("ListenerDescriptions", Json::array());
    if (listeners.empty()) return true;
    for (const Json& described : listeners)
      if (described.value("Listener", Json::object()).value("InstanceProtocol", "") == protocol)
        return false;
    return true;
  }
};

// An application load balancer with a target group whose health check protocol is not the
// group's own protocol. The groups are kept as c7n:TargetGroups.
class TargetGroupHealthCheckMismatch : public policy::SetFilter {
 public:
  explicit TargetGroupHealthCheckMismatch(const Spec&) {}
  std::vector<Json> process(std::vector<Json> balancers,
                            const FilterContext& context) const override {
    std::vector<Json> kept;
    for (Json& balancer : balancers) {
      Json groups = policy::require_client(context, "the load balancer's target groups")
                        .call_all("elbv2", "DescribeTargetGroups",
                                  {{"LoadBalancerArn", balancer.value("LoadBalancerArn", "")}})
                        .value("TargetGroups", Json::array());
      bool mismatch = false;
      for (const Json& group : groups)
        mismatch =
            mismatch || group.value("Protocol", "") != group.value("HealthCheckProtocol", "");
      balancer["c7n:TargetGroups"] = std::move(groups);
      if (mismatch) kept.push_back(std::move(balancer));
    }
    return kept;
  }
  bool annotates() const override { return true; }
  std::vector<std::string> permissions() const override {
    return {"elasticloadbalancing:DescribeTargetGroups"};
  }
};

}  // namespace

void register_load_balancer_checks(policy::Registry& registry) {
  registry.add_filter(
      "aws.elb", "is-ssl",
      policy::filter_info<IsSsl>({}, "Load balancers with an HTTPS or SSL listener"));
  registry.add_filter("aws.elb", "healthcheck-protocol-mismatch",
                      policy::filter_info<ClassicHealthCheckMismatch>(
                          {},
                          "Load balancers whose health check's protocol is none of their "
                          "listeners' instance protocols (or that have no listener)"));
  registry.add_filter("aws.app-elb", "healthcheck-protocol-mismatch",
                      policy::filter_info<TargetGroupHealthCheckMismatch>(
                          {},
                          "Load balancers with a target group whose health check protocol "
                          "is not its own protocol",
                          {"elasticloadbalancing:DescribeTargetGroups"}));
}

}  // namespace custos::resources
