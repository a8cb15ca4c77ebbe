// aws.hostedzone (Cloud Custodian's hostedzone: ListHostedZones with each zone's Tags) and
// aws.rrset (its rrset: ListResourceRecordSets per zone, each record set annotated with its
// zone's id in c7n:parent-id). A record set's id is custos's: zone, name, type and set
// identifier, since a name alone (Cloud Custodian's id) does not tell an A record from the
// AAAA record of the same name. Also Route 53's other parts: registered domains, resolver
// query logs, and Application Recovery Controller's clusters, control panels and readiness checks.
#include "resources/route53.h"
#include "aws/client.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <optional>

#include "policy/list_item_filter.h"
#include "policy/spec_numbers.h"
#include "resources/tag_actions.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::jmespath_literal;
using policy::Spec;
using policy::undo_call;

const char* const kParentId = "c7n:parent-id";
const char* const kRecordSetId = "custos:record-set-id";

std::string zone_of(const Json& record) { return record.value(kParentId, ""); }

// The record set as Route 53 has it now (read afresh: the listed one may be stale), or null.
// Record sets are listed in order from StartRecordName/Type; the scan stops past them.
Json current_record(const aws::Client& client, const Json& record) {
  const std::string name = record.value("Name", ""), type = record.value("Type", "");
  const Json identifier = record.value("SetIdentifier", Json());
  Json found;
  client.paginate(
      "route53", "ListResourceRecordSets",
      {{"HostedZoneId", zone_of(record)}, {"StartRecordName", name}, {"StartRecordType", type}},
      [&](const Json& page) {
        for (const Json& item : page.value("ResourceRecordSets", Json::array())) {
          if (item.value("Name", "") != name || item.value("Type", "") != type) return false;
          if (item.value("SetIdentifier", Json()) == identifier) {
            found = item;
            return false;
          }
        }
        return true;
      });
  return found;
}

// A JMESPath selecting the record set among ListResourceRecordSets' answer.
std::string selecting(const Json& record) {
  return "ResourceRecordSets[?Name == " + jmespath_literal(record.value("Name", "")) +
         " && Type == " + jmespath_literal(record.value("Type", "")) +
         " && SetIdentifier == " + jmespath_literal(record.value("SetIdentifier", Json())) + "]";
}

Json check_record(const Json& record, const std::string& expect) {
  return policy::check_call("route53", "ListResourceRecordSets",
                            {{"HostedZoneId", zone_of(record)},
                             {"StartRecordName", record.value("Name", "")},
                             {"StartRecordType", record.value("Type", "")}},
                            expect);
}

Json change(const std::string& action, const Json& record_set) {
  return {{"Changes", Json::array({{{"Action", action}, {"ResourceRecordSet", record_set}}})}};
}

Json change_call(const std::string& zone, const std::string& action, const Json& record_set) {
  return undo_call("route53", "ChangeResourceRecordSets",
                   {{"HostedZoneId", zone}, {"ChangeBatch", change(action, record_set)}});
}

void apply_change(const aws::Client& client, const std::string& zone, const std::string& action,
                  const Json& record_set) {
  client.call("route53", "ChangeResourceRecordSets",
              {{"HostedZoneId", zone}, {"ChangeBatch", change(action, record_set)}});
}

bool zone_record(const std::string& type) { return type == "NS" || type == "SOA"; }

const char* const kZoneRecords =
    "a zone's NS and SOA records are left alone (Cloud Custodian's delete skips them too)";

std::string describe(const Json& record_set) {
  if (record_set.contains("AliasTarget"))
    return "alias " + record_set["AliasTarget"].value("DNSName", "?");
  std::string values;
  for (const Json& value : record_set.value("ResourceRecords", Json::array()))
    values += (values.empty() ? "" : ",") + value.value("Value", "");
  return values;
}

std::string lower_fqdn(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return name.ends_with('.') ? name : name + ".";
}

// sinkhole (custos's): UPSERTs the record set to point at a safe place, keeping its name, type
// and routing (weight, region, ...): A records at `address`, AAAA at `ipv6-address`, CNAME at
// `cname`, and any type without its own option at the `alias` target; `ttl` (default the
// record's own, 300 for a former alias). UPSERTing the previous record set undoes it.
class Sinkhole : public policy::PerResourceAction {
 public:
  explicit Sinkhole(const Spec& spec) : PerResourceAction("sinkhole") {
    address_option(spec, "address", AF_INET, "A");
    address_option(spec, "ipv6-address", AF_INET6, "AAAA");
    if (spec.has("cname")) values_["CNAME"] = lower_fqdn(spec.required_string("cname"));
    if (spec.has("alias")) alias_ = alias_option(spec.child("alias"));
    if (spec.has("ttl")) ttl_ = policy::integer_option(spec, "ttl", 300);
    if (ttl_ && (*ttl_ < 0 || *ttl_ > 2147483647))
      spec.child("ttl").fail("'ttl' must be between 0 and 2147483647 seconds");
    if (values_.empty() && !alias_)
      spec.fail("sinkhole needs where to point records: address, ipv6-address, cname or alias");
  }

 private:
  ActionRecord apply(const Json& record, ActionContext& context) const override {
    const std::string id = context.id_of(record), type = record.value("Type", "");
    if (zone_record(type)) return ActionRecord::unchanged(name(), id, kZoneRecords);
    Json current = current_record(context.client, record);
    if (current.is_null()) return ActionRecord::unchanged(name(), id, "the record set is gone");
    Json target = sinkholed(current);
    if (target == current)
      return ActionRecord::unchanged(name(), id, "already points at " + describe(target));
    apply_change(context.client, zone_of(record), "UPSERT", target);
    ActionRecord record_of{name(), id};
    record_of.before = {{"ResourceRecordSet", current}};
    record_of.after = {{"ResourceRecordSet", target}};
    record_of.summary =
        record.value("Name", "") + " " + type + " " + describe(current) + " -> " + describe(target);
    record_of.undo = Json::array({change_call(zone_of(record), "UPSERT", current)});
    record_of.check = check_record(
        record,
        selecting(record) + " | [0]." +
            (target.contains("AliasTarget")
                 ? "AliasTarget.DNSName == " + jmespath_literal(target["AliasTarget"]["DNSName"])
                 : "ResourceRecords == " + jmespath_literal(target["ResourceRecords"])));
    return record_of;
  }

  // The record set pointed at the sinkhole; throws when this action has nowhere for its type.
  Json sinkholed(const Json& current) const {
    const std::string type = current.value("Type", "");
    Json target = current;
    auto value = values_.find(type);
    if (value != values_.end()) {
      long long ttl = ttl_.value_or(current.value("TTL", 300LL));
      target.erase("AliasTarget");
      target["TTL"] = ttl;
      target["ResourceRecords"] = Json::array({{{"Value", value->second}}});
      return target;
    }
    if (!alias_)
      throw Error("sinkhole has no value for " + type +
                  " records: give address (A), ipv6-address (AAAA), cname (CNAME) or alias");
    target.erase("TTL");
    target.erase("ResourceRecords");
    target["AliasTarget"] = *alias_;
    return target;
  }

  void address_option(const Spec& spec, const char* key, int family, const char* type) {
    if (!spec.has(key)) return;
    std::string address = spec.required_string(key);
    unsigned char parsed[16];
    if (inet_pton(family, address.c_str(), parsed) != 1)
      spec.child(key).fail("'" + std::string(key) + "' must be an IPv" +
                           (family == AF_INET ? "4" : "6") + " address, not '" + address + "'");
    values_[type] = address;
  }

  static Json alias_option(const Spec& alias) {
    if (!alias.value().is_object())
      alias.fail("'alias' must be a mapping {DNSName, HostedZoneId, EvaluateTargetHealth}");
    alias.allow_keys({"DNSName", "HostedZoneId", "EvaluateTargetHealth"}, "alias");
    return {{"DNSName", lower_fqdn(alias.required_string("DNSName"))},
            {"HostedZoneId", alias.required_string("HostedZoneId")},
            {"EvaluateTargetHealth", alias.optional_bool("EvaluateTargetHealth", false)}};
  }

  std::map<std::string, std::string> values_;  // record type -> value
  std::optional<Json> alias_;
  std::optional<long long> ttl_;
};

// delete (Cloud Custodian's ResourceRecordSetRemove): DELETEs the record set as Route 53 has it
// now; NS and SOA records are skipped. CREATEing it again undoes it.
class DeleteRecordSet : public policy::PerResourceAction {
 public:
  DeleteRecordSet() : PerResourceAction("delete") {}

 private:
  ActionRecord apply(const Json& record, ActionContext& context) const override {
    const std::string id = context.id_of(record);
    if (zone_record(record.value("Type", "")))
      return ActionRecord::unchanged(name(), id, kZoneRecords);
    Json current = current_record(context.client, record);
    if (current.is_null()) return ActionRecord::unchanged(name(), id, "already deleted");
    apply_change(context.client, zone_of(record), "DELETE", current);
    ActionRecord deleted{name(), id};
    deleted.before = {{"ResourceRecordSet", current}};
    deleted.after = {{"ResourceRecordSet", nullptr}};
    deleted.summary = "deleted " + record.value("Name", "") + " " + record.value("Type", "") + " " +
                      describe(current);
    deleted.undo = Json::array({change_call(zone_of(record), "CREATE", current)});
    deleted.check = check_record(record, "length(" + selecting(record) + ") == `0`");
    return deleted;
  }
};

// Registered domains (Route 53 Domains, served from us-east-1 only: listed once) and the
// resolver's query log configurations, as data.
void register_route53_parts(policy::Registry& registry) {
  using Tagging = policy::ResourceType::Tagging;
  registry.add_resource({
      .name = "aws.r53domain",
      .aliases = {"r53domain"},
      .service = "route53domains",
      .enumerate_operation = "ListDomains",
      .result_path = "Domains[]",
      .details = {{.operation = "ListTagsForDomain",
                   .params = {{"DomainName", "DomainName"}},
                   .select = "TagList",
                   .key = "Tags"}},
      .lookup = policy::ResourceType::Lookup::kEnumerate,
      .id_field = "DomainName",
      .date_field = "Expiry",
      .global = true,
      .arn_format = "arn:{partition}:route53domains:{region}:{account_id}:domain/{id}",
      .tagging = {.api = Tagging::Api::kPerResource,
                  .tag_operation = "UpdateTagsForDomain",
                  .untag_operation = "DeleteTagsForDomain",
                  .id_param = "DomainName",
                  .tags_member = "TagsToUpdate",
                  .keys_member = "TagsToDelete"},
  });
  register_tag_actions(registry, "aws.r53domain");
  registry.add_resource({
      .name = "aws.resolver-logs",
      .aliases = {"resolver-logs"},
      .service = "route53resolver",
      .enumerate_operation = "ListResolverQueryLogConfigs",
      .result_path = "ResolverQueryLogConfigs[]",
      .details = {{.operation = "ListTagsForResource",
                   .params = {{"ResourceArn", "Arn"}},
                   .select = "Tags",
                   .key = "Tags"}},
      .lookup = policy::ResourceType::Lookup::kEnumerate,
      .id_field = "Id",
      .name_field = "Name",
      .date_field = "CreationTime",
      .arn_field = "Arn",
  });
}

// Route 53 Application Recovery Controller (Cloud Custodian's recovery-cluster,
// recovery-control-panel and readiness-check, added after 0.9.21): its control plane answers in
// us-west-2 only (c7n's ARC_REGION), and a resource's tags are a {key: value} map, read and
// changed by ARN with the service's own calls.
const char* const kArcRegion = "us-west-2";
const char* const kControlConfig = "route53-recovery-control-config";

policy::ResourceType recovery_type(std::string name, std::string service, std::string operation,
                                   std::string items, std::string id, std::string arn,
                                   std::string list_tags) {
  using Tagging = policy::ResourceType::Tagging;
  return {
      .name = "aws." + name,
      .aliases = {name},
      .service = std::move(service),
      .enumerate_operation = std::move(operation),
      .result_path = items + "[]",
      .details = {{.operation = std::move(list_tags),
                   .params = {{"ResourceArn", arn}},
                   .select = "Tags",
                   .key = "Tags"}},
      .tags_map = "Tags",
      .lookup = policy::ResourceType::Lookup::kEnumerate,
      .id_field = std::move(id),
      .global = true,
      .home_region = kArcRegion,
      .arn_field = arn,
      .tagging = {.api = Tagging::Api::kPerResource,
                  .tag_operation = "TagResource",
                  .untag_operation = "UntagResource",
                  .id_param = "ResourceArn",
                  .id_member = arn,
                  .tags_as_map = true},
  };
}

// The control panel's safety rules (Cloud Custodian's safety-rule), every page: each item of
// ListSafetyRules is {ASSERTION: rule} or {GATING: rule}, kept as the rule with its kind in Type.
Json safety_rules(const Json& panel, const aws::Client& client) {
  const aws::Client arc = client.in_region(kArcRegion);
  Json rules = Json::array();
  Json params = {{"ControlPanelArn", panel.value("ControlPanelArn", "")}};
  for (;;) {
    const Json page = arc.call(kControlConfig, "ListSafetyRules", params);
    for (const Json& block : page.value("SafetyRules", Json::array())) {
      if (!block.is_object()) continue;
      for (const auto& [kind, rule] : block.items()) {
        Json typed = rule;
        typed["Type"] = kind;
        rules.push_back(std::move(typed));
      }
    }
    const Json token = page.value("NextToken", Json());
    if (!token.is_string() || token.get_ref<const std::string&>().empty()) return rules;
    params["NextToken"] = token;
  }
}

void register_route53_recovery(policy::Registry& registry) {
  auto cluster = std::make_shared<const policy::ResourceType>(
      recovery_type("recovery-cluster", kControlConfig, "ListClusters", "Clusters", "ClusterArn",
                    "ClusterArn", "ListTagsForResource"));
  registry.add_resource(*cluster);
  register_tag_actions(registry, "aws.recovery-cluster");
  policy::ResourceType panel =
      recovery_type("recovery-control-panel", kControlConfig, "ListControlPanels", "ControlPanels",
                    "ControlPanelArn", "ControlPanelArn", "ListTagsForResource");
  panel.parent = policy::ResourceType::Parent{cluster, "ClusterArn", false};
  registry.add_resource(std::move(panel));
  register_tag_actions(registry, "aws.recovery-control-panel");
  registry.add_filter(
      "aws.recovery-control-panel", "safety-rule",
      policy::fetched_list_filter_info(
          {.annotation_key = "",
           .fetch = safety_rules,
           .permissions = {"route53-recovery-control-config:ListSafetyRules"},
           .item_label = "safety-rule"},
          "Control panels by their safety rules, each with its kind (ASSERTION, GATING) in "
          "Type (a list-item filter: attrs, count, count_op)"));
  // Its listing has each check's tags too; Cloud Custodian reads them again, as here.
  registry.add_resource(recovery_type(
      "readiness-check", "route53-recovery-readiness", "ListReadinessChecks", "ReadinessChecks",
      "ReadinessCheckName", "ReadinessCheckArn", "ListTagsForResources"));
  register_tag_actions(registry, "aws.readiness-check");
}

// delete's force (Cloud Custodian's): every record set but the zone's own NS and SOA deleted
// first (in one change), as Route 53 does not delete a zone that has others.
std::string empty_zone(const aws::Client& client, const Json& zone) {
  const std::string zone_name = zone.value("Name", "");
  Json changes = Json::array();
  const Json listed =
      client.call_all("route53", "ListResourceRecordSets", {{"HostedZoneId", zone["Id"]}});
  for (const Json& set : listed.value("ResourceRecordSets", Json::array())) {
    std::string type = set.value("Type", "");
    if (set.value("Name", "") == zone_name && (type == "NS" || type == "SOA")) continue;
    changes.push_back({{"Action", "DELETE"}, {"ResourceRecordSet", set}});
  }
  if (changes.empty()) return "";
  client.call("route53", "ChangeResourceRecordSets",
              {{"HostedZoneId", zone["Id"]}, {"ChangeBatch", {{"Changes", changes}}}});
  return "; its " + std::to_string(changes.size()) + " record sets deleted first";
}

}  // namespace

void register_route53(policy::Registry& registry) {
  using Tagging = policy::ResourceType::Tagging;
  policy::ResourceType zones{
      .name = "aws.hostedzone",
      .aliases = {"hostedzone"},
      .service = "route53",
      .enumerate_operation = "ListHostedZones",
      .result_path = "HostedZones[]",
      .details = {{.operation = "GetHostedZone",
                   .params = {{"Id", "split('/', Id)[-1]"}},
                   .select = "HostedZone",
                   .absent_codes = {"NoSuchHostedZone"},
                   .required = true,
                   .lookup_only = true},
                  {.operation = "ListTagsForResource",
                   .params = {{"ResourceType", "'hostedzone'"},
                              {"ResourceId", "split('/', Id)[-1]"}},
                   .select = "ResourceTagSet.Tags",
                   .key = "Tags",
                   .absent = Json::array()}},
      // Cloud Custodian's annotation: the zone id without its /hostedzone/ prefix.
      .computed = {{"c7n:ConfigHostedZoneId", "split('/', Id)[-1]"}},
      .lookup = policy::ResourceType::Lookup::kFromId,
      .not_found_codes = {"NoSuchHostedZone"},
      .id_field = "Id",
      .name_field = "Name",
      .global = true,
      .tagging = {.api = Tagging::Api::kPerResource,
                  .tag_operation = "ChangeTagsForResource",
                  .untag_operation = "ChangeTagsForResource",
                  .id_param = "ResourceId",
                  .id_member = "c7n:ConfigHostedZoneId",
                  .tags_member = "AddTags",
                  .keys_member = "RemoveTagKeys",
                  .params = {{"ResourceType", "hostedzone"}}},
      .report_fields = {"Id", "Name", "Config.PrivateZone", "ResourceRecordSetCount"},
      // Cloud Custodian's delete without force: a zone that still has records besides its
      // NS and SOA is refused by Route 53 (HostedZoneNotEmpty) and recorded as failed.
      .actions = {{.operation = "DeleteHostedZone",
                   .params = {{"Id", "Id"}},
                   .options = {{.name = "force", .prepare = empty_zone}},
                   .gone_codes = {"NoSuchHostedZone"}}},
  };
  auto parent = std::make_shared<const policy::ResourceType>(zones);
  registry.add_resource(std::move(zones));
  register_tag_actions(registry, "aws.hostedzone");
  register_route53_query_logging(registry);

  registry.add_resource({
      .name = "aws.rrset",
      .aliases = {"rrset"},
      .service = "route53",
      .enumerate_operation = "ListResourceRecordSets",
      .result_path = "ResourceRecordSets[]",
      .computed = {{kRecordSetId,
                    "join('/', [split('/', \"c7n:parent-id\")[-1], Name, Type, "
                    "SetIdentifier][?@])"}},
      .parent = policy::ResourceType::Parent{parent, "HostedZoneId"},
      .lookup = policy::ResourceType::Lookup::kEnumerate,
      .id_field = kRecordSetId,
      .name_field = "Name",
      .global = true,
      .report_fields = {"Name", "Type", "TTL", kParentId},
  });
  registry.add_action(
      "aws.rrset", "sinkhole",
      policy::action_info<Sinkhole>(
          {"address", "ipv6-address", "cname", "alias", "ttl"},
          {"route53:ListResourceRecordSets", "route53:ChangeResourceRecordSets"},
          "Point the record set at a sinkhole (A: address, AAAA: ipv6-address, CNAME: cname, "
          "else the alias target); the previous value is kept for undo"));
  registry.add_action(
      "aws.rrset", "delete",
      policy::action_info<DeleteRecordSet>(
          {}, {"route53:ListResourceRecordSets", "route53:ChangeResourceRecordSets"},
          "Delete the record set (not a zone's NS or SOA); CREATE undoes it"));
  register_route53_parts(registry);
  register_route53_recovery(registry);
}

}  // namespace custos::resources
