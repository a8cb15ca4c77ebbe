// AWS WAF: the web ACLs of WAF Classic (aws.waf, global; aws.waf-regional) and WAFv2 (aws.wafv2,
// regional scope) as data, wafv2's logging filter, and waf-enabled / wafv2-enabled with set-waf /
// set-wafv2 on the types a web ACL protects (app-elb, distribution, rest-stage, graphql-api), as
// Cloud Custodian has them.
#include <regex>

#include "aws/client.h"
#include "jmespath/jmespath.h"
#include "policy/describe.h"
#include "policy/related_filter.h"
#include "resources/services.h"
#include "resources/type_table.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::FilterContext;
using policy::ResourceType;
using policy::Spec;
using Lookup = ResourceType::Lookup;

// Where a type's resources name the web ACL protecting them, for waf-enabled/wafv2-enabled.
struct WafSite {
  // The JMESPath to the ACL in the document (an id, or for WAFv2 and API Gateway an ARN);
  // empty: WAF is asked for each resource's (GetWebACLForResource, by the document's
  // `arn_field`).
  std::string acl_path;
  std::string arn_field{};
  std::string classic_service{};  // "waf" or "waf-regional"; empty: no waf-enabled
  std::string v2_scope{};         // "REGIONAL" or "CLOUDFRONT"; empty: no wafv2-enabled
  // WAFv2 judges only the resources this JMESPath holds for (load balancers of Type
  // application: network and gateway ones cannot have a web ACL); the others are left out.
  std::string v2_only_if{};
  // set-waf/set-wafv2 take `force` and, without it, leave a resource another ACL protects alone
  // (Cloud Custodian's cloudfront and appsync); otherwise they replace it, and the policy needs
  // a waf-enabled or wafv2-enabled filter (Cloud Custodian's appelb and apigw).
  bool force_option = false;
};

// One web ACL: its name and what resources name it by (a Classic id, a WAFv2 ARN).
struct Acl {
  std::string name;
  std::string key;
};

// A kind of web ACL: WAF Classic (service "waf" or "waf-regional") or WAFv2 of a scope.
struct Flavour {
  std::string service;
  std::string scope{};  // WAFv2's "REGIONAL" or "CLOUDFRONT"

  bool v2() const { return service == "wafv2"; }
  const char* key_field() const { return v2() ? "ARN" : "WebACLId"; }
  // CloudFront's web ACLs (WAFv2 scope CLOUDFRONT) live in us-east-1.
  aws::Client client_for(const aws::Client& client) const {
    return scope == "CLOUDFRONT" ? client.in_region("us-east-1") : client;
  }
};

Flavour flavour_of(const WafSite& site, bool v2) {
  return v2 ? Flavour{"wafv2", site.v2_scope} : Flavour{site.classic_service};
}

std::vector<Acl> list_acls(const aws::Client& client, const Flavour& flavour) {
  Json params = flavour.v2() ? Json{{"Scope", flavour.scope}} : Json::object();
  Json answer = flavour.client_for(client).call_all(flavour.service, "ListWebACLs", params);
  std::vector<Acl> acls;
  for (const Json& acl : answer.value("WebACLs", Json::array()))
    acls.push_back({acl.value("Name", ""), acl.value(flavour.key_field(), "")});
  return acls;
}

// The ACL of `flavour` protecting the resource with this ARN ("" when none).
std::string acl_for_resource(const aws::Client& client, const Flavour& flavour,
                             const std::string& arn) {
  try {
    Json answer = client.call(flavour.service, "GetWebACLForResource", {{"ResourceArn", arn}});
    Json acl = answer.value(flavour.v2() ? "WebACL" : "WebACLSummary", Json());
    return acl.is_object() ? acl.value(flavour.key_field(), "") : "";
  } catch (const aws::AwsError& e) {
    if (e.code() != "WAFNonexistentItemException") throw;
    return "";
  }
}

// WAFv2's web-acl: a regular expression matched at the start of the names (Python's re.match).
std::regex acl_pattern(const Spec& spec, const std::string& web_acl) {
  try {
    return std::regex(web_acl);
  } catch (const std::regex_error& e) {
    spec.child("web-acl").fail("'web-acl' is not a regular expression: " + std::string(e.what()));
  }
}

bool names(const Acl& acl, const Flavour& flavour, const std::string& web_acl,
           const std::regex& pattern) {
  return flavour.v2() ? std::regex_search(acl.name, pattern, std::regex_constants::match_continuous)
                      : web_acl.empty() || acl.name == web_acl || acl.key == web_acl;
}

// waf-enabled and wafv2-enabled (Cloud Custodian's WafEnabled/WafV2Enabled of appelb, cloudfront,
// apigw and appsync): with state: true, resources protected by the web ACL named `web-acl` (for
// WAFv2 a regular expression matched at the start of the names; without web-acl any listed ACL);
// with state: false (the default), the others.
class WafEnabled : public policy::Filter {
 public:
  WafEnabled(const Spec& spec, WafSite site, bool v2)
      : site_(std::move(site)),
        flavour_(flavour_of(site_, v2)),
        web_acl_(spec.optional_string("web-acl")),
        state_(spec.optional_bool("state", false)) {
    if (v2) pattern_ = acl_pattern(spec, web_acl_);
    if (!site_.v2_only_if.empty() && v2) only_if_ = jmespath::Expression::compile(site_.v2_only_if);
    if (!site_.acl_path.empty()) acl_path_ = jmespath::Expression::compile(site_.acl_path);
  }

  bool match(const Json& resource, const FilterContext& context) const override {
    return !process({resource}, context).empty();
  }

  std::vector<Json> process(std::vector<Json> resources,
                            const FilterContext& context) const override {
    if (resources.empty()) return resources;
    const aws::Client& client = policy::require_client(context, "the account's web ACLs");
    std::set<std::string> targets = targets_of(list_acls(client, flavour_));
    std::vector<Json> kept;
    for (Json& resource : resources) {
      if (only_if_ && only_if_->search(resource) != true) continue;
      std::string acl = acl_of(resource, client);
      if ((!acl.empty() && targets.count(acl)) == state_) kept.push_back(std::move(resource));
    }
    return kept;
  }

  policy::StoredMatcherPtr stored_matcher(const DocStore&) const override { return nullptr; }
  std::vector<std::string> permissions() const override {
    return permissions_for(site_, flavour_.v2());
  }

  static std::vector<std::string> permissions_for(const WafSite& site, bool v2) {
    std::string service = flavour_of(site, v2).service;
    std::vector<std::string> all = {service + ":ListWebACLs"};
    if (site.acl_path.empty()) all.push_back(service + ":GetWebACLForResource");
    return all;
  }

 private:
  std::set<std::string> targets_of(const std::vector<Acl>& acls) const {
    std::set<std::string> targets;
    for (const Acl& acl : acls)
      if (names(acl, flavour_, web_acl_, pattern_)) targets.insert(acl.key);
    // As Cloud Custodian: a Classic web-acl that names no ACL is an error, not "none match".
    if (!flavour_.v2() && !web_acl_.empty() && targets.empty())
      throw Error("waf-enabled: web-acl '" + web_acl_ + "' names no " + flavour_.service +
                  " web ACL of the account");
    return targets;
  }

  // The ACL protecting the resource ("" when none). Cloud Custodian asks each ACL which
  // resources it protects (ListResourcesForWebACL); custos asks for each resource's ACL, the
  // same answer (and what moto serves).
  std::string acl_of(const Json& resource, const aws::Client& client) const {
    if (!acl_path_) return acl_for_resource(client, flavour_, resource.value(site_.arn_field, ""));
    Json acl = acl_path_->search(resource);
    if (!acl.is_string()) return "";
    // API Gateway names a Classic ACL by its ARN (...:webacl/ID); ListWebACLs gives the id.
    return flavour_.v2() ? acl.get<std::string>() : policy::id_from_arn(acl.get<std::string>());
  }

  WafSite site_;
  Flavour flavour_;
  std::string web_acl_;
  bool state_;
  std::regex pattern_;
  std::optional<jmespath::Expression> only_if_, acl_path_;
};

// set-waf and set-wafv2 (Cloud Custodian's SetWaf/SetWafv2 of appelb, apigw, appsync and
// cloudfront): with state: true (the default) puts the resource behind the web ACL `web-acl`
// (Classic: its name or id; WAFv2: a regular expression that must match exactly one name), with
// state: false behind none. CloudFront distributions carry the ACL in their configuration
// (WebACLId, written back with its ETag); the others are associated by their ARN.
class SetWaf : public policy::PerResourceAction {
 public:
  SetWaf(const Spec& spec, const policy::BuildContext& context, WafSite site, bool v2)
      : PerResourceAction(v2 ? "set-wafv2" : "set-waf"),
        cloudfront_(site.v2_scope == "CLOUDFRONT"),
        force_option_(site.force_option),
        flavour_(flavour_of(site, v2)),
        web_acl_(v2 ? spec.optional_string("web-acl") : spec.required_string("web-acl")),
        state_(spec.optional_bool("state", true)),
        force_(spec.optional_bool("force", false)) {
    if (v2) pattern_ = acl_pattern(spec, web_acl_);
    if (force_option_ || !context.policy) return;
    std::set<std::string> filters = policy::filter_types(context.policy->value("filters", Json()));
    if (!filters.count("waf-enabled") && !filters.count("wafv2-enabled"))
      spec.fail(name() +
                " needs a waf-enabled or wafv2-enabled filter in the policy (as Cloud "
                "Custodian: it only acts on resources not yet in the wanted state)");
  }

 private:
  ActionRecord apply(const Json& resource, ActionContext& context) const override {
    const aws::Client& client = context.client;
    std::string target = state_ ? target_acl(client) : "";
    Json config;  // a distribution's, with its ETag
    std::string arn = cloudfront_ ? "" : context.arn_of(resource);
    std::string id = context.id_of(resource);
    std::string current;
    if (cloudfront_) {
      config = client.call("cloudfront", "GetDistributionConfig", {{"Id", id}});
      current = config["DistributionConfig"].value("WebACLId", "");
    } else {
      current = acl_for_resource(client, flavour_, arn);
    }
    if (current == target)
      return ActionRecord::unchanged(
          name(), id, target.empty() ? "no web ACL already" : "already behind " + target);
    if (!current.empty() && force_option_ && !force_)
      return ActionRecord::unchanged(name(), id,
                                     "left behind " + current + " (force: true replaces it)");
    ActionRecord record(name(), id);
    record.before = {{"web_acl", current.empty() ? Json() : Json(current)}};
    record.after = {{"web_acl", target.empty() ? Json() : Json(target)}};
    record.summary = target.empty() ? "removed web ACL " + current + " from " + id
                                    : "put " + id + " behind web ACL " + target +
                                          " (was: " + (current.empty() ? "none" : current) + ")";
    std::string region = client.session().region();
    if (cloudfront_) {
      Json written = config["DistributionConfig"];
      written["WebACLId"] = target;
      Json answer = client.call(
          "cloudfront", "UpdateDistribution",
          {{"Id", id}, {"IfMatch", config.value("ETag", "")}, {"DistributionConfig", written}});
      written["WebACLId"] = current;
      // The ETag of what was written: the undo fails rather than overwrite a later change.
      record.undo.push_back(policy::undo_call(
          "cloudfront", "UpdateDistribution",
          {{"Id", id}, {"IfMatch", answer.value("ETag", "")}, {"DistributionConfig", written}},
          region));
      record.check = policy::check_call(
          "cloudfront", "GetDistributionConfig", {{"Id", id}},
          "DistributionConfig.WebACLId == " + policy::jmespath_literal(target), region);
      return record;
    }
    client.call(flavour_.service, target.empty() ? "DisassociateWebACL" : "AssociateWebACL",
                association(target, arn));
    record.undo.push_back(policy::undo_call(
        flavour_.service, current.empty() ? "DisassociateWebACL" : "AssociateWebACL",
        association(current, arn), region));
    std::string acl = flavour_.v2() ? "WebACL" : "WebACLSummary";
    record.check = policy::check_call(
        flavour_.service, "GetWebACLForResource", {{"ResourceArn", arn}},
        target.empty()
            ? acl + " == null"
            : acl + "." + flavour_.key_field() + " == " + policy::jmespath_literal(target),
        region);
    return record;
  }

  // The params of (Dis)AssociateWebACL putting the resource behind `acl` ("": none).
  Json association(const std::string& acl, const std::string& arn) const {
    Json params = {{"ResourceArn", arn}};
    if (!acl.empty()) params[flavour_.v2() ? "WebACLArn" : "WebACLId"] = acl;
    return params;
  }

  // What resources name the ACL `web-acl` by, as Cloud Custodian resolves it.
  std::string target_acl(const aws::Client& client) const {
    std::vector<std::string> keys;
    for (const Acl& acl : list_acls(client, flavour_))
      if (names(acl, flavour_, web_acl_, pattern_)) keys.push_back(acl.key);
    if (keys.size() != 1)
      throw Error(name() + ": web-acl '" + web_acl_ + "' names " + std::to_string(keys.size()) +
                  " " + flavour_.service + " web ACLs" +
                  (flavour_.v2() ? " of scope " + flavour_.scope : "") + "; it must name one");
    return keys.front();
  }

  bool cloudfront_, force_option_;
  Flavour flavour_;
  std::string web_acl_;
  bool state_, force_;
  std::regex pattern_;
};

std::vector<std::string> set_waf_permissions(const WafSite& site, const Flavour& flavour) {
  std::vector<std::string> all = {flavour.service + ":ListWebACLs"};
  if (site.v2_scope == "CLOUDFRONT") {
    all.insert(all.end(), {"cloudfront:GetDistributionConfig", "cloudfront:UpdateDistribution"});
  } else {
    for (const char* operation : {"GetWebACLForResource", "AssociateWebACL", "DisassociateWebACL"})
      all.push_back(flavour.service + ":" + operation);
  }
  return all;
}

// waf-enabled/set-waf (Classic) and wafv2-enabled/set-wafv2 on a type a web ACL protects.
void add_waf(policy::Registry& registry, const std::string& type, const WafSite& site) {
  for (bool v2 : {false, true}) {
    Flavour flavour = flavour_of(site, v2);
    if ((v2 ? flavour.scope : flavour.service).empty()) continue;
    policy::FilterInfo info;
    info.factory = [site, v2](const Spec& spec, const policy::BuildContext&) -> policy::FilterPtr {
      spec.allow_keys({"web-acl", "state"}, v2 ? "filter 'wafv2-enabled'" : "filter 'waf-enabled'");
      return std::make_unique<WafEnabled>(spec, site, v2);
    };
    info.description =
        v2 ? "Resources a WAFv2 web ACL whose name matches web-acl (a regular expression) "
             "protects (state: true) or not (state: false, the default)"
           : "Resources the WAF Classic web ACL web-acl (name or id) protects (state: true) or "
             "not (state: false, the default)";
    info.options = {"web-acl", "state"};
    info.permissions = WafEnabled::permissions_for(site, v2);
    registry.add_filter(type, v2 ? "wafv2-enabled" : "waf-enabled", std::move(info));

    std::string action = v2 ? "set-wafv2" : "set-waf";
    policy::ActionInfo set;
    set.options = {"web-acl", "state"};
    if (site.force_option) set.options.push_back("force");
    set.factory = [site, v2, action, options = set.options](
                      const Spec& spec, const policy::BuildContext& context) -> policy::ActionPtr {
      spec.allow_keys(options, "action '" + action + "'");
      return std::make_unique<SetWaf>(spec, context, site, v2);
    };
    set.permissions = set_waf_permissions(site, flavour);
    set.description =
        v2 ? "Puts the resource behind the WAFv2 web ACL whose name web-acl (a regular "
             "expression) matches (state: true, the default) or behind none (state: false)"
           : "Puts the resource behind the WAF Classic web ACL web-acl (name or id; state: true, "
             "the default) or behind none (state: false)";
    registry.add_action(type, action, std::move(set));
  }
}

// A WAF Classic web ACL type: ListWebACLs gives ids and names only, as Cloud Custodian lists them.
ResourceType classic(std::string name, std::string arn_format, bool global) {
  return {
      .name = "aws." + name,
      .aliases = {name},
      .service = name,
      .enumerate_operation = "ListWebACLs",
      .result_path = "WebACLs[]",
      .lookup = Lookup::kEnumerate,
      .id_field = "WebACLId",
      .name_field = "Name",
      .global = global,
      .arn_format = std::move(arn_format),
  };
}

// wafv2's logging filter (Cloud Custodian's WAFV2LoggingFilter): a value filter over the web
// ACL's logging configuration (an empty object when it has none), kept as
// c7n:WafV2LoggingConfiguration.
Json logging_configuration(const Json& acl, const aws::Client& client) {
  try {
    return client.call("wafv2", "GetLoggingConfiguration", {{"ResourceArn", acl.value("ARN", "")}})
        .value("LoggingConfiguration", Json::object());
  } catch (const aws::AwsError& e) {
    if (e.code() != "WAFNonexistentItemException") throw;
    return Json::object();
  }
}

}  // namespace

void register_waf(policy::Registry& registry) {
  // Cloud Custodian's waf is not taggable; its waf-regional is, through ARNs custos does not list.
  add_type(registry, classic("waf", "arn:{partition}:waf::{account_id}:webacl/{id}", true), false);
  add_type(registry,
           classic("waf-regional", "arn:{partition}:waf-regional:{region}:{account_id}:webacl/{id}",
                   false),
           false);
  add_type(registry, {
                         .name = "aws.wafv2",
                         .aliases = {"wafv2"},
                         .service = "wafv2",
                         .enumerate_operation = "ListWebACLs",
                         // As Cloud Custodian: the region's web ACLs, not CloudFront's.
                         .enumerate_params = {{"Scope", "REGIONAL"}},
                         .result_path = "WebACLs[]",
                         .details = {tags_by_arn("ARN")},
                         .lookup = Lookup::kEnumerate,
                         .id_field = "Id",
                         .name_field = "Name",
                         .arn_field = "ARN",
                         .tagging = {.api = ResourceType::Tagging::Api::kResourceGroups},
                     });
  registry.add_filter(
      "aws.wafv2", "logging",
      policy::related_filter_info({.annotation_key = "c7n:WafV2LoggingConfiguration",
                                   .fetch = logging_configuration,
                                   .permissions = {"wafv2:GetLoggingConfiguration"}},
                                  "Web ACLs by their logging configuration"));
  add_waf(registry, "aws.app-elb",
          {.acl_path = "",
           .arn_field = "LoadBalancerArn",
           .classic_service = "waf-regional",
           .v2_scope = "REGIONAL",
           .v2_only_if = "Type == 'application'"});
  add_waf(registry, "aws.distribution",
          {.acl_path = "WebACLId",
           .classic_service = "waf",
           .v2_scope = "CLOUDFRONT",
           .force_option = true});
  add_waf(registry, "aws.rest-stage",
          {.acl_path = "webAclArn", .classic_service = "waf-regional", .v2_scope = "REGIONAL"});
  add_waf(registry, "aws.graphql-api",
          {.acl_path = "wafWebAclArn", .v2_scope = "REGIONAL", .force_option = true});
}

}  // namespace custos::resources
