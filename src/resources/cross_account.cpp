#include "resources/cross_account.h"

#include <algorithm>
#include <functional>
#include <memory>

#include "aws/client.h"
#include "jmespath/jmespath.h"
#include "policy/describe.h"
#include "policy/value_from.h"
#include "policy/vars.h"
#include "resources/policy_checker.h"
#include "resources/statements.h"

namespace custos::resources {
namespace {

using policy::FilterContext;
using policy::ResourceType;
using policy::Spec;
using Names = std::set<std::string>;

// What cross-account calls for `type` besides value_from's s3:GetObject.
std::vector<std::string> access_permissions(const ResourceType& type) {
  std::vector<std::string> all = {"sts:GetCallerIdentity"};
  const policy::DetailCall& call = type.access->call;
  if (!call.operation.empty())
    all.push_back(policy::iam_action(type.service_of(call.service), call.operation));
  return all;
}

// A list option and its _from twin (whitelist and whitelist_from): the values of both.
class Listed {
 public:
  Listed(const Spec& spec, const std::string& key) : given_(spec.string_list(key)) {
    if (spec.has(key + "_from"))
      from_ = std::make_unique<policy::ValuesFrom>(spec.child(key + "_from"));
  }

  Names values(const aws::Client& client) const {
    Names all(given_.begin(), given_.end());
    if (from_)
      for (const Json& value : from_->values(&client))
        all.insert(value.is_string() ? value.get<std::string>() : value.dump());
    return all;
  }
  bool remote() const { return from_ && from_->remote(); }
  const std::vector<std::string>& given() const { return given_; }

 private:
  std::vector<std::string> given_;
  std::unique_ptr<policy::ValuesFrom> from_;
};

// What both kinds share: the accounts allowed (whitelist, whitelist_from, the account itself,
// the type's trusted ones), fetching each resource's access (the type's call) and keeping
// those the kind judges shared outside them, annotated as Cloud Custodian annotates them.
class CrossAccount : public policy::AnnotatingFilter {
 public:
  CrossAccount(const Spec& spec, const policy::BuildContext& context)
      : type_(context.resource),
        access_(*context.resource.access),
        whitelist_(spec, "whitelist"),
        path_(jmespath::Expression::compile(access_.policy.empty() ? access_.shared_with
                                                                   : access_.policy)) {}

  std::vector<Json> process(std::vector<Json> resources,
                            const FilterContext& context) const override {
    const aws::Client& client = policy::require_client(context, "who may use each resource");
    Names allowed = whitelist_.values(client);
    allowed.insert(access_.trusted_accounts.begin(), access_.trusted_accounts.end());
    allowed.insert(policy::sts_account_id(client));
    auto judge = judge_for(client, std::move(allowed));
    std::vector<Json> kept;
    for (Json& resource : resources) {
      if (!access_.call.operation.empty() && !resource.contains(access_.call.key) &&
          !policy::complete_with(type_, access_.call, client, resource))
        continue;
      Json access = path_.search(resource);
      if (!access.is_null() && judge(resource, access)) kept.push_back(std::move(resource));
    }
    return kept;
  }

  std::vector<std::string> permissions() const override {
    std::vector<std::string> all = access_permissions(type_);
    if (remote()) all.push_back("s3:GetObject");
    return all;
  }

 protected:
  using Judge = std::function<bool(Json& resource, const Json& access)>;
  // How this kind judges (and annotates) a resource's access, given the allowed accounts.
  virtual Judge judge_for(const aws::Client& client, Names allowed) const = 0;
  virtual bool remote() const { return whitelist_.remote(); }

  const ResourceType& type_;
  const ResourceType::Access& access_;

 private:
  Listed whitelist_;
  jmespath::Expression path_;
};

// Cloud Custodian's CrossAccountAccessFilter over the resource's IAM policy: its statements
// that grant access outside the allowed accounts, kept as CrossAccountViolations.
class PolicyCrossAccount : public CrossAccount {
 public:
  PolicyCrossAccount(const Spec& spec, const policy::BuildContext& context)
      : CrossAccount(spec, context),
        orgids_(spec, "whitelist_orgids"),
        vpce_(spec, "whitelist_vpce"),
        vpc_(spec, "whitelist_vpc"),
        endpoints_(spec, "whitelist_endpoints"),
        protocols_(spec, "whitelist_protocols"),
        actions_(spec.string_list("actions")),
        everyone_only_(spec.optional_bool("everyone_only", false)) {
    static const Names kProtocols = {"http", "https",       "email", "email-json",
                                     "sms",  "application", "sqs",   "lambda"};
    for (std::size_t i = 0; i < protocols_.given().size(); ++i)
      if (!kProtocols.count(protocols_.given()[i]))
        spec.child("whitelist_protocols")
            .element(i)
            .fail("'" + protocols_.given()[i] +
                  "' is not an SNS protocol (http, https, email, email-json, sms, application, "
                  "sqs, lambda)");
    if (spec.has("whitelist_conditions")) {
      auto keys = spec.string_list("whitelist_conditions");
      conditions_ = Names(keys.begin(), keys.end());
    }
  }

 private:
  Judge judge_for(const aws::Client& client, Names allowed) const override {
    auto checker = std::make_shared<PolicyChecker>(CheckerConfig{
        .allowed_accounts = std::move(allowed),
        .allowed_orgids = orgids_.values(client),
        .allowed_vpce = vpce_.values(client),
        .allowed_vpc = vpc_.values(client),
        .check_actions = actions_,
        .everyone_only = everyone_only_,
        .whitelist_conditions = conditions_,
        .service_conditions = Names(access_.condition_keys.begin(), access_.condition_keys.end()),
        .allowed_endpoints = endpoints_.values(client),
        .allowed_protocols = protocols_.values(client),
    });
    return [this, checker](Json& resource, const Json& policy) {
      Json document =
          policy.is_string()
              ? parse_policy_text(policy.get<std::string>(),
                                  "the policy of " + resource.value(type_.id_field, "?"))
              : policy;
      Json found = checker->violations(document);
      if (found.empty()) return false;
      resource["CrossAccountViolations"] = std::move(found);
      return true;
    };
  }

  bool remote() const override {
    return CrossAccount::remote() || orgids_.remote() || vpce_.remote() || vpc_.remote() ||
           endpoints_.remote() || protocols_.remote();
  }

  Listed orgids_, vpce_, vpc_, endpoints_, protocols_;
  std::vector<std::string> actions_;
  bool everyone_only_;
  Names conditions_ = {"aws:userid", "aws:username"};
};

// Cloud Custodian's per-type filters over who a resource is shared with (launch permissions,
// restore attributes, portfolio and document shares): those outside the allowed accounts,
// kept as c7n:CrossAccountViolations.
class SharedCrossAccount : public CrossAccount {
 public:
  SharedCrossAccount(const Spec& spec, const policy::BuildContext& context)
      : CrossAccount(spec, context), everyone_only_(spec.optional_bool("everyone_only", false)) {}

 private:
  Judge judge_for(const aws::Client&, Names allowed) const override {
    return [this, allowed = std::move(allowed)](Json& resource, const Json& shared) {
      Json outside = Json::array();
      for (const Json& who : shared.is_array() ? shared : Json::array()) {
        if (!who.is_string() || allowed.count(who.get<std::string>())) continue;
        if (everyone_only_ && who != "all") continue;
        if (std::find(outside.begin(), outside.end(), who) == outside.end()) outside.push_back(who);
      }
      if (outside.empty()) return false;
      resource["c7n:CrossAccountViolations"] = std::move(outside);
      return true;
    };
  }

  bool everyone_only_;
};

policy::FilterInfo filter_for(const ResourceType& type) {
  const ResourceType::Access& access = *type.access;
  std::vector<std::string> options = {"whitelist", "whitelist_from"};
  if (access.policy.empty()) {
    options.insert(options.end(), access.options.begin(), access.options.end());
    return policy::filter_info<SharedCrossAccount>(
        options,
        "Resources shared with accounts outside whitelist (and the account itself), kept as "
        "c7n:CrossAccountViolations",
        access_permissions(type));
  }
  for (const char* key : {"whitelist_orgids", "whitelist_vpce", "whitelist_vpc"}) {
    options.push_back(key);
    options.push_back(std::string(key) + "_from");
  }
  options.insert(options.end(), {"actions", "everyone_only", "whitelist_conditions"});
  options.insert(options.end(), access.options.begin(), access.options.end());
  return policy::filter_info<PolicyCrossAccount>(
      options,
      "Resources whose policy lets accounts outside whitelist (or everyone) in, the "
      "statements kept as CrossAccountViolations",
      access_permissions(type));
}

}  // namespace

void register_cross_account(policy::Registry& registry) {
  for (const ResourceType& type : registry.resources())
    if (type.access) registry.add_filter(type.name, "cross-account", filter_for(type));
}

}  // namespace custos::resources
