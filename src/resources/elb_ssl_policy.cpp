// Cloud Custodian's ssl-policy filter and set-ssl-listener-policy action on aws.elb. The filter
// (SSLPolicyFilter) keeps classic load balancers with an HTTPS or SSL listener whose SSL
// negotiation policies turn on what `blacklist` forbids, or anything `whitelist` does not
// allow, among the attributes (Protocol-TLSv1, ECDHE-RSA-...) set to "true", optionally only
// those `matching` a regex (re.match, any case); what offends is kept as ProhibitedPolicies and
// the policies' names as c7n.ssl-policies, as c7n does. The action (SetSslListenerPolicy) makes
// a policy NAME-<epoch ms> of `attributes` (a mapping, or names set to "true") and puts it on
// every HTTPS/SSL listener in place of its SSL negotiation policy, keeping its other policies.
#include <algorithm>
#include <chrono>
#include <optional>
#include <set>

#include "policy/action.h"
#include "policy/filter.h"
#include "policy/regex.h"
#include "policy/registry.h"
#include "policy/spec.h"
#include "resources/services.h"

namespace custos::resources {
namespace {

bool is_ssl(const Json& listener_description) {
  std::string protocol =
      listener_description.value("Listener", Json::object()).value("Protocol", "");
  return protocol == "HTTPS" || protocol == "SSL";
}

bool has_ssl_listener(const Json& elb) {
  const Json descriptions = elb.value("ListenerDescriptions", Json::array());
  return std::any_of(descriptions.begin(), descriptions.end(), is_ssl);
}

// The balancer's policies named by its listeners, as DescribeLoadBalancerPolicies describes them.
Json listener_policies(const aws::Client& client, const Json& elb) {
  Json names = Json::array();
  for (const Json& description : elb.value("ListenerDescriptions", Json::array()))
    for (const Json& name : description.value("PolicyNames", Json::array())) names.push_back(name);
  return client
      .call("elb", "DescribeLoadBalancerPolicies",
            {{"LoadBalancerName", elb.value("LoadBalancerName", "")}, {"PolicyNames", names}})
      .value("PolicyDescriptions", Json::array());
}

bool is_ssl_negotiation(const Json& policy) {
  return policy.value("PolicyTypeName", "") == "SSLNegotiationPolicyType";
}

class SslPolicyFilter : public policy::AnnotatingFilter {
 public:
  explicit SslPolicyFilter(const policy::Spec& spec) {
    if (!spec.value().is_object() || spec.has("whitelist") == spec.has("blacklist"))
      spec.fail(
          "ssl-policy needs either 'whitelist' (what may be on) or 'blacklist' (what may "
          "not), not both");
    blacklisted_ = spec.has("blacklist");
    for (const std::string& name : spec.string_list(blacklisted_ ? "blacklist" : "whitelist"))
      listed_.insert(name);
    if (spec.has("matching")) {
      try {
        matching_.emplace(spec.required_string("matching"), true);
      } catch (const InputError& e) {
        spec.child("matching").fail(std::string("'matching' is not a valid regex: ") + e.what());
      }
    }
  }

  bool match(const Json& elb, const policy::FilterContext& context) const override {
    return !process({elb}, context).empty();
  }

  std::vector<Json> process(std::vector<Json> elbs,
                            const policy::FilterContext& context) const override {
    std::vector<Json> kept;
    for (Json& elb : elbs) {
      if (!has_ssl_listener(elb)) continue;
      std::optional<std::vector<std::string>> on = attributes_on(elb, context);
      if (!on) continue;
      std::vector<std::string> prohibited;
      for (const std::string& attribute : *on)
        if (listed_.contains(attribute) == blacklisted_) prohibited.push_back(attribute);
      if (prohibited.empty()) continue;
      std::sort(prohibited.begin(), prohibited.end());
      prohibited.erase(std::unique(prohibited.begin(), prohibited.end()), prohibited.end());
      elb["ProhibitedPolicies"] = prohibited;
      kept.push_back(std::move(elb));
    }
    return kept;
  }

  std::vector<std::string> permissions() const override {
    return {"elasticloadbalancing:DescribeLoadBalancerPolicies"};
  }

 private:
  // The attributes set to "true" in the balancer's SSL negotiation policies (those `matching`
  // when given); nullopt when the balancer or a policy is gone. Names the policies on `elb`.
  std::optional<std::vector<std::string>> attributes_on(
      Json& elb, const policy::FilterContext& context) const {
    Json names = Json::array();
    for (const Json& description : elb.value("ListenerDescriptions", Json::array()))
      for (const Json& name : description.value("PolicyNames", Json::array()))
        names.push_back(name);
    Json policies;
    try {
      policies = policy::require_client(context, "ssl-policy")
                     .call("elb", "DescribeLoadBalancerPolicies",
                           {{"LoadBalancerName", elb.value("LoadBalancerName", "")},
                            {"PolicyNames", names}})
                     .value("PolicyDescriptions", Json::array());
    } catch (const aws::AwsError& e) {
      if (e.code() == "LoadBalancerNotFound" || e.code() == "PolicyNotFound") return std::nullopt;
      throw;
    }
    Json ssl_policies = Json::array();
    std::vector<std::string> on;
    for (const Json& policy : policies) {
      if (!is_ssl_negotiation(policy)) continue;
      ssl_policies.push_back(policy.value("PolicyName", ""));
      for (const Json& attribute : policy.value("PolicyAttributeDescriptions", Json::array())) {
        std::string name = attribute.value("AttributeName", "");
        if (attribute.value("AttributeValue", "") == "true" &&
            (!matching_ || matching_->match_start(name)))
          on.push_back(std::move(name));
      }
    }
    elb["c7n.ssl-policies"] = ssl_policies;
    return on;
  }

  bool blacklisted_ = false;
  std::set<std::string, std::less<>> listed_;
  std::optional<policy::Regex> matching_;
};

class SetSslListenerPolicy : public policy::PerResourceAction {
 public:
  explicit SetSslListenerPolicy(const policy::Spec& spec)
      : PerResourceAction("set-ssl-listener-policy"), name_(spec.required_string("name")) {
    if (!spec.has("attributes")) spec.fail("set-ssl-listener-policy needs 'attributes'");
    const Json& attributes = spec.child("attributes").value();
    if (attributes.is_object()) {
      for (const auto& [name, value] : attributes.items()) {
        if (!value.is_string())
          spec.child("attributes").child(name).fail("an attribute's value is a string");
        attributes_.emplace_back(name, value.get<std::string>());
      }
    } else {
      for (const std::string& name : spec.string_list("attributes"))
        attributes_.emplace_back(name, "true");
    }
    if (attributes_.empty()) spec.child("attributes").fail("'attributes' names none");
  }

 private:
  policy::ActionRecord apply(const Json& elb, policy::ActionContext& context) const override {
    const std::string balancer = elb.value("LoadBalancerName", "");
    if (!has_ssl_listener(elb))
      return policy::ActionRecord::unchanged(name(), balancer,
                                             balancer + " has no HTTPS or SSL listener");
    const aws::Client& client = context.client_for(elb);
    const std::string& region = client.session().region();
    std::set<std::string> ssl_policies;
    bool already = true;
    for (const Json& policy : listener_policies(client, elb)) {
      if (!is_ssl_negotiation(policy)) continue;
      ssl_policies.insert(policy.value("PolicyName", ""));
      // One this action made before (NAME-<ms>) with the same attributes: a repeat.
      already = already && policy.value("PolicyName", "").starts_with(name_ + "-") &&
                holds_attributes(policy);
    }
    if (already && !ssl_policies.empty())
      return policy::ActionRecord::unchanged(name(), balancer,
                                             balancer + "'s SSL listeners already negotiate so");
    const std::string policy_name =
        name_ + "-" +
        std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count());
    Json attributes = Json::array();
    for (const auto& [attribute, value] : attributes_)
      attributes.push_back({{"AttributeName", attribute}, {"AttributeValue", value}});
    client.call("elb", "CreateLoadBalancerPolicy",
                {{"LoadBalancerName", balancer},
                 {"PolicyName", policy_name},
                 {"PolicyTypeName", "SSLNegotiationPolicyType"},
                 {"PolicyAttributes", attributes}});
    policy::ActionRecord record{name(), balancer};
    record.before = Json::object();
    record.after = {{"PolicyName", policy_name}};
    record.undo = Json::array();
    for (const Json& description : elb.value("ListenerDescriptions", Json::array())) {
      if (!is_ssl(description)) continue;
      Json port = description["Listener"]["LoadBalancerPort"];
      Json before = description.value("PolicyNames", Json::array());
      Json names = Json::array({policy_name});
      for (const Json& kept : before)
        if (!ssl_policies.contains(kept.get<std::string>())) names.push_back(kept);
      client.call(
          "elb", "SetLoadBalancerPoliciesOfListener",
          {{"LoadBalancerName", balancer}, {"LoadBalancerPort", port}, {"PolicyNames", names}});
      record.before[port.dump()] = before;
      record.undo.push_back(policy::undo_call(
          "elb", "SetLoadBalancerPoliciesOfListener",
          {{"LoadBalancerName", balancer}, {"LoadBalancerPort", port}, {"PolicyNames", before}},
          region));
    }
    record.undo.push_back(
        policy::undo_call("elb", "DeleteLoadBalancerPolicy",
                          {{"LoadBalancerName", balancer}, {"PolicyName", policy_name}}, region));
    record.check = policy::check_call(
        "elb", "DescribeLoadBalancers", {{"LoadBalancerNames", Json::array({balancer})}},
        "contains(LoadBalancerDescriptions[0].ListenerDescriptions[].PolicyNames[], " +
            policy::jmespath_literal(policy_name) + ")",
        region);
    record.summary = balancer + "'s HTTPS/SSL listeners negotiate with " + policy_name;
    return record;
  }

  // Whether `policy` already sets every requested attribute to its value.
  bool holds_attributes(const Json& policy) const {
    for (const auto& [attribute, value] : attributes_) {
      bool found = false;
      for (const Json& described : policy.value("PolicyAttributeDescriptions", Json::array()))
        found = found || (described.value("AttributeName", "") == attribute &&
                          described.value("AttributeValue", "") == value);
      if (!found) return false;
    }
    return true;
  }

  std::string name_;
  std::vector<std::pair<std::string, std::string>> attributes_;
};

}  // namespace

void register_elb_ssl_policy(policy::Registry& registry) {
  registry.add_filter(
      "aws.elb", "ssl-policy",
      policy::filter_info<SslPolicyFilter>(
          {"whitelist", "blacklist", "matching"},
          "Balancers whose SSL negotiation policies turn on an attribute the blacklist names (or "
          "the whitelist does not), among those `matching` a regex; kept as ProhibitedPolicies",
          {"elasticloadbalancing:DescribeLoadBalancerPolicies"}));
  registry.add_action(
      "aws.elb", "set-ssl-listener-policy",
      policy::action_info<SetSslListenerPolicy>(
          {"name", "attributes"},
          {"elasticloadbalancing:DescribeLoadBalancerPolicies",
           "elasticloadbalancing:CreateLoadBalancerPolicy",
           "elasticloadbalancing:SetLoadBalancerPoliciesOfListener"},
          "Make an SSL negotiation policy NAME-<epoch ms> of `attributes` and put it on every "
          "HTTPS/SSL listener in place of its SSL negotiation policy"));
}

}  // namespace custos::resources
