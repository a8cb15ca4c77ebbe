// Cloud Custodian's listener filter and modify-listener action on aws.app-elb: a value filter
// over a load balancer's listeners (the ones it matched kept as c7n:MatchedListeners; with
// `matched: true`, over those an earlier listener filter kept), and ModifyListener on the
// matched ones, e.g. plain HTTP moved to HTTPS with a current TLS policy.
#include "aws/client.h"
#include "policy/action.h"
#include "policy/filter.h"
#include "policy/set_filter.h"
#include "policy/value_filter.h"
#include "resources/services.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::FilterContext;
using policy::Spec;

const char* const kMatched = "c7n:MatchedListeners";

// Whether `filters` (at any depth) have a listener filter of their own (not matched: true).
bool has_plain_listener_filter(const Json& filters) {
  for (const Json& filter : filters.is_array() ? filters : Json::array()) {
    if (!filter.is_object()) continue;
    if (filter.value("type", "") == "listener" && !filter.value("matched", false)) return true;
    for (const char* block : {"and", "or", "not"})
      if (filter.contains(block) && has_plain_listener_filter(filter[block])) return true;
  }
  return false;
}

class ListenerFilter : public policy::SetFilter {
 public:
  ListenerFilter(const Spec& spec, const policy::BuildContext& context)
      : matched_(spec.optional_bool("matched", false)),
        value_(spec, policy::ValueMatcher::Options{.extra_keys = {"matched"}, .default_key = ""}) {
    if (matched_ && context.policy &&
        !has_plain_listener_filter(context.policy->value("filters", Json())))
      spec.fail("a listener filter with matched: true needs a listener filter before it");
  }

  std::vector<Json> process(std::vector<Json> balancers,
                            const FilterContext& context) const override {
    std::vector<Json> kept;
    for (Json& balancer : balancers) {
      Json listeners =
          matched_ ? balancer.value(kMatched, Json::array()) : fetch(balancer, context);
      balancer.erase(kMatched);
      Json matched = Json::array();
      for (const Json& listener : listeners)
        if (value_.matches(listener, context)) matched.push_back(listener);
      if (matched.empty()) continue;
      balancer[kMatched] = std::move(matched);
      kept.push_back(std::move(balancer));
    }
    return kept;
  }

  bool annotates() const override { return true; }
  std::vector<std::string> permissions() const override {
    return {"elasticloadbalancing:DescribeListeners"};
  }

 private:
  static Json fetch(const Json& balancer, const FilterContext& context) {
    return policy::require_client(context, "the load balancer's listeners")
        .call_all("elbv2", "DescribeListeners",
                  {{"LoadBalancerArn", balancer.value("LoadBalancerArn", "")}})
        .value("Listeners", Json::array());
  }

  bool matched_;
  policy::ValueMatcher value_;
};

// modify-listener: ModifyListener on each listener the listener filters matched, with `port`,
// `protocol`, `sslpolicy` and `certificate`; the undo sets back what it changed.
class ModifyListener : public policy::PerResourceAction {
 public:
  ModifyListener(const Spec& spec, const policy::BuildContext& context)
      : PerResourceAction("modify-listener") {
    if (context.policy &&
        !policy::filter_types(context.policy->value("filters", Json())).count("listener"))
      spec.fail("modify-listener needs a listener filter in the policy (as Cloud Custodian)");
    if (spec.has("port")) {
      if (!spec.value()["port"].is_number_integer())
        spec.child("port").fail("port must be a whole number");
      wanted_["Port"] = spec.value()["port"];
    }
    if (spec.has("protocol"))
      wanted_["Protocol"] =
          spec.one_of("protocol", {"HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", "GENEVE"});
    if (spec.has("sslpolicy")) wanted_["SslPolicy"] = spec.required_string("sslpolicy");
    if (spec.has("certificate"))
      wanted_["Certificates"] = {{{"CertificateArn", spec.required_string("certificate")}}};
    if (wanted_.empty())
      spec.fail("modify-listener needs port, protocol, sslpolicy or certificate");
  }

 private:
  ActionRecord apply(const Json& balancer, ActionContext& context) const override {
    std::string name = context.id_of(balancer);
    const aws::Client& client = context.client_for(balancer);
    const std::string& region = client.session().region();
    ActionRecord record{this->name(), name};
    record.before = Json::object();
    record.after = Json::object();
    record.undo = Json::array();
    std::string expect;
    for (const Json& listener : balancer.value(kMatched, Json::array())) {
      std::string arn = listener.value("ListenerArn", "");
      Json change = Json::object(), restore = Json::object();
      for (const auto& [key, value] : wanted_.items()) {
        Json now = listener.value(key, Json());
        if (key == "Certificates" && now.is_array())  // compare the ARNs only
          for (Json& certificate : now)
            certificate = {{"CertificateArn", certificate["CertificateArn"]}};
        if (now == value) continue;
        change[key] = value;
        if (!now.is_null()) restore[key] = now;
      }
      if (change.empty()) continue;
      Json params = change;
      params["ListenerArn"] = arn;
      client.call("elbv2", "ModifyListener", params);
      restore["ListenerArn"] = arn;
      record.before[arn] = listener;
      record.after[arn] = change;
      record.undo.push_back(policy::undo_call("elbv2", "ModifyListener", restore, region));
      for (const auto& [key, value] : change.items())
        if (key != "Certificates")
          expect += (expect.empty() ? "" : " && ") + std::string("Listeners[?ListenerArn==") +
                    policy::jmespath_literal(arn) + "] | [0]." + key +
                    " == " + policy::jmespath_literal(value);
      record.summary += (record.summary.empty() ? "" : "; ") + std::string("listener ") +
                        std::to_string(listener.value("Port", 0)) + ": " + change.dump();
    }
    if (record.undo.empty())
      return ActionRecord::unchanged(this->name(), name, "its listeners are already so");
    if (!expect.empty())
      record.check = policy::check_call(
          "elbv2", "DescribeListeners",
          {{"LoadBalancerArn", balancer.value("LoadBalancerArn", "")}}, expect, region);
    return record;
  }

  Json wanted_ = Json::object();
};

}  // namespace

void register_app_elb_listeners(policy::Registry& registry) {
  registry.add_filter("aws.app-elb", "listener",
                      policy::filter_info<ListenerFilter>(
                          policy::value_filter_options({"matched"}),
                          "Load balancers with a listener the value filter matches (matched: "
                          "among those an earlier listener filter kept), kept as "
                          "c7n:MatchedListeners",
                          {"elasticloadbalancing:DescribeListeners"}));
  registry.add_action(
      "aws.app-elb", "modify-listener",
      policy::action_info<ModifyListener>(
          {"port", "protocol", "sslpolicy", "certificate"}, {"elasticloadbalancing:ModifyListener"},
          "ModifyListener on the listeners the listener filters matched (port, "
          "protocol, sslpolicy, certificate); undo sets back what changed"));
}

}  // namespace custos::resources
