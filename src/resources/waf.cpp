// AWS WAF: the web ACLs of WAF Classic (aws.waf, global; aws.waf-regional) and WAFv2 (aws.wafv2,
// regional scope) as data, wafv2's logging filter, and waf-enabled / wafv2-enabled on the types a
// web ACL protects (app-elb, distribution, rest-stage, graphql-api), as Cloud Custodian has them.
#include <regex>

#include "aws/client.h"
#include "jmespath/jmespath.h"
#include "policy/describe.h"
#include "policy/related_filter.h"
#include "resources/services.h"
#include "resources/type_table.h"

namespace custos::resources {
namespace {

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
};

// One web ACL: its name and what resources name it by (a Classic id, a WAFv2 ARN).
struct Acl {
  std::string name;
  std::string key;
};

// waf-enabled and wafv2-enabled (Cloud Custodian's WafEnabled/WafV2Enabled of appelb, cloudfront,
// apigw and appsync): with state: true, resources protected by the web ACL named `web-acl` (for
// WAFv2 a regular expression matched at the start of the names; without web-acl any listed ACL);
// with state: false (the default), the others.
class WafEnabled : public policy::Filter {
 public:
  WafEnabled(const Spec& spec, WafSite site, bool v2)
      : site_(std::move(site)),
        v2_(v2),
        web_acl_(spec.optional_string("web-acl")),
        state_(spec.optional_bool("state", false)) {
    if (v2_) try {
        pattern_ = std::regex(web_acl_);
      } catch (const std::regex_error& e) {
        spec.child("web-acl").fail("'web-acl' is not a regular expression: " +
                                   std::string(e.what()));
      }
    if (!site_.v2_only_if.empty() && v2_)
      only_if_ = jmespath::Expression::compile(site_.v2_only_if);
    if (!site_.acl_path.empty()) acl_path_ = jmespath::Expression::compile(site_.acl_path);
  }

  bool match(const Json& resource, const FilterContext& context) const override {
    return !process({resource}, context).empty();
  }

  std::vector<Json> process(std::vector<Json> resources,
                            const FilterContext& context) const override {
    if (resources.empty()) return resources;
    const aws::Client& client = policy::require_client(context, "the account's web ACLs");
    std::vector<Acl> acls = list_acls(client);
    std::set<std::string> targets = targets_of(acls);
    std::vector<Json> kept;
    for (Json& resource : resources) {
      if (only_if_ && only_if_->search(resource) != true) continue;
      std::string acl = acl_of(resource, client);
      if ((!acl.empty() && targets.count(acl)) == state_) kept.push_back(std::move(resource));
    }
    return kept;
  }

  policy::StoredMatcherPtr stored_matcher(const DocStore&) const override { return nullptr; }
  std::vector<std::string> permissions() const override { return permissions_for(site_, v2_); }

  static std::vector<std::string> permissions_for(const WafSite& site, bool v2) {
    std::string service = v2 ? "wafv2" : site.classic_service;
    std::vector<std::string> all = {service + ":ListWebACLs"};
    if (site.acl_path.empty()) all.push_back(service + ":GetWebACLForResource");
    return all;
  }

 private:
  aws::Client client_for(const aws::Client& client) const {
    // CloudFront's web ACLs (WAFv2 scope CLOUDFRONT) live in us-east-1.
    return v2_ && site_.v2_scope == "CLOUDFRONT" ? client.in_region("us-east-1") : client;
  }

  std::vector<Acl> list_acls(const aws::Client& client) const {
    Json params = v2_ ? Json{{"Scope", site_.v2_scope}} : Json::object();
    Json answer =
        client_for(client).call_all(v2_ ? "wafv2" : site_.classic_service, "ListWebACLs", params);
    std::vector<Acl> acls;
    for (const Json& acl : answer.value("WebACLs", Json::array()))
      acls.push_back({acl.value("Name", ""), acl.value(v2_ ? "ARN" : "WebACLId", "")});
    return acls;
  }

  std::set<std::string> targets_of(const std::vector<Acl>& acls) const {
    std::set<std::string> targets;
    for (const Acl& acl : acls)
      if (v2_ ? std::regex_search(acl.name, pattern_, std::regex_constants::match_continuous)
              : web_acl_.empty() || acl.name == web_acl_ || acl.key == web_acl_)
        targets.insert(acl.key);
    // As Cloud Custodian: a Classic web-acl that names no ACL is an error, not "none match".
    if (!v2_ && !web_acl_.empty() && targets.empty())
      throw Error("waf-enabled: web-acl '" + web_acl_ + "' names no " + site_.classic_service +
                  " web ACL of the account");
    return targets;
  }

  // The ACL protecting the resource ("" when none). Cloud Custodian asks each ACL which
  // resources it protects (ListResourcesForWebACL); custos asks for each resource's ACL, the
  // same answer (and what moto serves).
  std::string acl_of(const Json& resource, const aws::Client& client) const {
    if (!acl_path_) {
      try {
        Json answer = client.call(v2_ ? "wafv2" : site_.classic_service, "GetWebACLForResource",
                                  {{"ResourceArn", resource.value(site_.arn_field, "")}});
        Json acl = answer.value(v2_ ? "WebACL" : "WebACLSummary", Json());
        return acl.is_object() ? acl.value(v2_ ? "ARN" : "WebACLId", "") : "";
      } catch (const aws::AwsError& e) {
        if (e.code() != "WAFNonexistentItemException") throw;
        return "";
      }
    }
    Json acl = acl_path_->search(resource);
    if (!acl.is_string()) return "";
    // API Gateway names a Classic ACL by its ARN (...:webacl/ID); ListWebACLs gives the id.
    return v2_ ? acl.get<std::string>() : policy::id_from_arn(acl.get<std::string>());
  }

  WafSite site_;
  bool v2_;
  std::string web_acl_;
  bool state_;
  std::regex pattern_;
  std::optional<jmespath::Expression> only_if_, acl_path_;
};

void add_waf_filters(policy::Registry& registry, const std::string& type, const WafSite& site) {
  for (bool v2 : {false, true}) {
    if ((v2 ? site.v2_scope : site.classic_service).empty()) continue;
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
  add_waf_filters(registry, "aws.app-elb",
                  {.acl_path = "",
                   .arn_field = "LoadBalancerArn",
                   .classic_service = "waf-regional",
                   .v2_scope = "REGIONAL",
                   .v2_only_if = "Type == 'application'"});
  add_waf_filters(registry, "aws.distribution",
                  {.acl_path = "WebACLId", .classic_service = "waf", .v2_scope = "CLOUDFRONT"});
  add_waf_filters(
      registry, "aws.rest-stage",
      {.acl_path = "webAclArn", .classic_service = "waf-regional", .v2_scope = "REGIONAL"});
  add_waf_filters(registry, "aws.graphql-api",
                  {.acl_path = "wafWebAclArn", .v2_scope = "REGIONAL"});
}

}  // namespace custos::resources
