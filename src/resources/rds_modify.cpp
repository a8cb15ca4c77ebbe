// modify-db on aws.rds (Cloud Custodian's ModifyDb) and modify-db-cluster on aws.rds-cluster
// (ModifyDbCluster): one ModifyDBInstance / ModifyDBCluster call with the settings given whose
// value differs from the database's (read from its document, by Cloud Custodian's
// conversion_map where the setting has another name there). Settings with no readable value (a
// password, a new identifier) always count as different; ApplyImmediately and
// AllowMajorVersionUpgrade say how to apply, so they never cause a call. The undo sets the old
// values back, where each had one.
#include <map>
#include <set>

#include "aws/client.h"
#include "jmespath/jmespath.h"
#include "policy/action.h"
#include "policy/shape_check.h"
#include "resources/services.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::Spec;

// What differs between a database instance and a cluster.
struct DbModifyTarget {
  std::string operation;     // ModifyDBInstance
  std::string id_param;      // DBInstanceIdentifier (also the document's field)
  std::string rename_param;  // NewDBInstanceIdentifier
  std::string describe;      // DescribeDBInstances
  std::string listed;        // DBInstances
  // Settings named otherwise in the document: {parameter, JMESPath over the document}.
  std::map<std::string, std::string> conversion;
};

const DbModifyTarget& instance_target() {
  static const DbModifyTarget target{
      "ModifyDBInstance",
      "DBInstanceIdentifier",
      "NewDBInstanceIdentifier",
      "DescribeDBInstances",
      "DBInstances",
      {{"DBSubnetGroupName", "DBSubnetGroup.DBSubnetGroupName"},
       {"VpcSecurityGroupIds", "VpcSecurityGroups[].VpcSecurityGroupId"},
       {"DBParameterGroupName", "DBParameterGroups[].DBParameterGroupName"},
       {"OptionGroupName", "OptionGroupMemberships[].OptionGroupName"},
       {"Domain", "DomainMemberships[].Domain"},
       {"DBPortNumber", "Endpoint.Port"},
       {"EnablePerformanceInsights", "PerformanceInsightsEnabled"},
       {"DBSecurityGroups", "DBSecurityGroups[].DBSecurityGroupName"},
       {"MonitoringRoleArn", "MonitoringRoleArn"}}};
  return target;
}

const DbModifyTarget& cluster_target() {
  static const DbModifyTarget target{
      "ModifyDBCluster",
      "DBClusterIdentifier",
      "NewDBClusterIdentifier",
      "DescribeDBClusters",
      "DBClusters",
      {{"VpcSecurityGroupIds", "VpcSecurityGroups[].VpcSecurityGroupId"},
       {"DBClusterParameterGroupName", "DBClusterParameterGroup"},
       {"EnableIAMDatabaseAuthentication", "IAMDatabaseAuthenticationEnabled"},
       {"EnableHttpEndpoint", "HttpEndpointEnabled"},
       {"EnablePerformanceInsights", "PerformanceInsightsEnabled"},
       {"OptionGroupName", "DBClusterOptionGroupMemberships[].DBClusterOptionGroupName"},
       {"Domain", "DomainMemberships[].Domain"}}};
  return target;
}

// Settings that have no value to read back in the document: always sent, never restorable.
const std::set<std::string>& unreadable_settings() {
  static const std::set<std::string> names{"MasterUserPassword",
                                           "TdeCredentialPassword",
                                           "CloudwatchLogsExportConfiguration",
                                           "CertificateRotationRestart",
                                           "UseDefaultProcessorFeatures",
                                           "RotateMasterUserPassword",
                                           "DBInstanceParameterGroupName",
                                           "ScalingConfiguration",
                                           "ServerlessV2ScalingConfiguration",
                                           "DomainIAMRoleName",
                                           "TdeCredentialArn",
                                           "EnableGlobalWriteForwarding"};
  return names;
}

// How to apply, not what to set.
bool is_call_flag(const std::string& name) {
  return name == "ApplyImmediately" || name == "AllowMajorVersionUpgrade" ||
         name == "AllowEngineModeChange";
}

// Cloud Custodian's ModifyDb enumerates the settings it takes.
const std::vector<std::string>& modify_db_properties() {
  static const std::vector<std::string> names{"AllocatedStorage",
                                              "DBInstanceClass",
                                              "DBSubnetGroupName",
                                              "DBSecurityGroups",
                                              "VpcSecurityGroupIds",
                                              "MasterUserPassword",
                                              "DBParameterGroupName",
                                              "BackupRetentionPeriod",
                                              "PreferredBackupWindow",
                                              "PreferredMaintenanceWindow",
                                              "MultiAZ",
                                              "EngineVersion",
                                              "AllowMajorVersionUpgrade",
                                              "AutoMinorVersionUpgrade",
                                              "LicenseModel",
                                              "Iops",
                                              "OptionGroupName",
                                              "NewDBInstanceIdentifier",
                                              "StorageType",
                                              "TdeCredentialArn",
                                              "TdeCredentialPassword",
                                              "CACertificateIdentifier",
                                              "Domain",
                                              "CopyTagsToSnapshot",
                                              "MonitoringInterval",
                                              "MonitoringRoleARN",
                                              "DBPortNumber",
                                              "PubliclyAccessible",
                                              "DomainIAMRoleName",
                                              "PromotionTier",
                                              "EnableIAMDatabaseAuthentication",
                                              "EnablePerformanceInsights",
                                              "PerformanceInsightsKMSKeyId",
                                              "PerformanceInsightsRetentionPeriod",
                                              "CloudwatchLogsExportConfiguration",
                                              "ProcessorFeatures",
                                              "UseDefaultProcessorFeatures",
                                              "DeletionProtection",
                                              "MaxAllocatedStorage",
                                              "CertificateRotationRestart"};
  return names;
}

class ModifyDatabase : public policy::PerResourceAction {
 public:
  ModifyDatabase(std::string name, const DbModifyTarget& target, Json settings)
      : PerResourceAction(std::move(name)), target_(target), settings_(std::move(settings)) {}

 private:
  // The setting's value in the document now; null when it has none to read.
  Json current(const Json& resource, const std::string& setting) const {
    if (unreadable_settings().count(setting) || setting == target_.rename_param) {
      if (setting == target_.rename_param) return resource.value(target_.id_param, Json());
      return Json();
    }
    if (resource.contains(setting)) return resource[setting];
    auto converted = target_.conversion.find(setting);
    if (converted == target_.conversion.end()) return Json();
    return jmespath::Expression::compile(converted->second).search(resource);
  }

  ActionRecord apply(const Json& resource, ActionContext& context) const override {
    const std::string id = resource.value(target_.id_param, context.id_of(resource));
    Json params = Json::object(), flags = Json::object(), before = Json::object();
    for (const auto& [key, value] : settings_.items()) {
      if (is_call_flag(key)) {
        flags[key] = value;
        continue;
      }
      Json now = current(resource, key);
      // A setting read as a list of one (DBParameterGroupName) is compared by its item.
      Json compared = now.is_array() && now.size() == 1 && !value.is_array() ? now[0] : now;
      if (!compared.is_null() && compared == value) continue;
      params[key] = value;
      before[key] = compared;
    }
    if (params.empty()) return ActionRecord::unchanged(name(), id, "its settings are so");
    Json call = {{target_.id_param, id}};
    call.update(params);
    call.update(flags);
    context.client.call("rds", target_.operation, call);

    const std::string after_id = params.value(target_.rename_param, id);
    ActionRecord record{name(), id};
    record.before = before;
    record.after = params;
    record.summary = "modified " + id + " (" + std::to_string(params.size()) + " setting" +
                     (params.size() == 1 ? "" : "s") + ")";
    const std::string& region = context.client.session().region();
    Json restore = {{target_.id_param, after_id}};
    bool restorable = true;
    for (const auto& [key, value] : before.items()) {
      if (key == target_.rename_param) {
        restore[key] = id;
        continue;
      }
      restorable = restorable && !value.is_null();
      restore[key] = value;
    }
    restore.update(flags);
    record.undo = restorable
                      ? Json::array({policy::undo_call("rds", target_.operation, restore, region)})
                      : Json();
    if (!restorable) record.summary += " (custos cannot undo it: a setting had no value to read)";
    // Held while each setting read back is the value set, or is pending (not applied at once).
    std::string expect;
    const std::string prefix = target_.listed + "[0].";
    for (const auto& [key, value] : params.items()) {
      if (unreadable_settings().count(key) || key == target_.rename_param) continue;
      auto converted = target_.conversion.find(key);
      if (converted != target_.conversion.end() && converted->second.find('[') != std::string::npos)
        continue;
      const std::string field = converted == target_.conversion.end() ? key : converted->second;
      const std::string literal = policy::jmespath_literal(value);
      expect += (expect.empty() ? "" : " && ") + std::string("(") + prefix + field +
                " == " + literal + " || " + prefix + "PendingModifiedValues." + key +
                " == " + literal + ")";
    }
    if (!expect.empty())
      record.check = policy::check_call("rds", target_.describe, {{target_.id_param, after_id}},
                                        expect, region);
    return record;
  }

  const DbModifyTarget& target_;
  Json settings_;
};

// modify-db: update [{property, value}], immediate.
policy::ActionPtr modify_db(const Spec& spec) {
  if (!spec.has("update") || !spec.value()["update"].is_array())
    spec.fail("modify-db needs update: a list of {property, value}");
  Json settings = Json::object();
  const Json& update = spec.value()["update"];
  for (std::size_t i = 0; i < update.size(); ++i) {
    Spec item = spec.child("update").element(i);
    if (!item.value().is_object()) item.fail("each of update is {property, value}");
    item.allow_keys({"property", "value"}, "an update");
    std::string property = item.one_of("property", modify_db_properties());
    if (!item.has("value")) item.fail("an update needs value: what " + property + " is set to");
    // botocore's parameter is MonitoringRoleArn; Cloud Custodian's list spells it ARN.
    if (property == "MonitoringRoleARN") property = "MonitoringRoleArn";
    settings[property] = item.value()["value"];
  }
  if (settings.contains("MonitoringInterval") && settings["MonitoringInterval"].is_number() &&
      settings["MonitoringInterval"].get<double>() > 0 && !settings.contains("MonitoringRoleArn"))
    spec.child("update").fail(
        "a MonitoringRoleARN value is required if you specify a MonitoringInterval value other "
        "than 0");
  if (settings.contains("CloudwatchLogsExportConfiguration")) {
    const Json& logs = settings["CloudwatchLogsExportConfiguration"];
    if (!logs.is_object() ||
        (!logs.contains("EnableLogTypes") && !logs.contains("DisableLogTypes")))
      spec.child("update").fail(
          "an EnableLogTypes or DisableLogTypes input list is required for setting "
          "CloudwatchLogsExportConfiguration");
  }
  policy::check_given_members(spec.child("update"), "rds", "ModifyDBInstance", settings);
  settings["ApplyImmediately"] = spec.optional_bool("immediate", false);
  return std::make_unique<ModifyDatabase>("modify-db", instance_target(), std::move(settings));
}

// modify-db-cluster: attributes, ModifyDBCluster's parameters.
policy::ActionPtr modify_db_cluster(const Spec& spec) {
  if (!spec.has("attributes") || !spec.value()["attributes"].is_object())
    spec.fail("modify-db-cluster needs attributes: the ModifyDBCluster parameters to set");
  const Json& attributes = spec.value()["attributes"];
  if (attributes.contains("DBClusterIdentifier"))
    spec.child("attributes")
        .child("DBClusterIdentifier")
        .at_key()
        .fail("Can't include DBClusterIdentifier in modify-db-cluster action");
  policy::check_given_members(spec.child("attributes"), "rds", "ModifyDBCluster", attributes);
  return std::make_unique<ModifyDatabase>("modify-db-cluster", cluster_target(), attributes);
}

}  // namespace

void register_rds_modify(policy::Registry& registry) {
  policy::ActionInfo db;
  db.factory = [](const Spec& spec, const policy::BuildContext&) -> policy::ActionPtr {
    if (!spec.value().is_object()) spec.fail("modify-db needs update: a list of {property, value}");
    spec.allow_keys({"update", "immediate"}, "action 'modify-db'");
    return modify_db(spec);
  };
  db.permissions = {"rds:ModifyDBInstance"};
  db.description =
      "ModifyDBInstance with the updates whose value differs from the database's (immediate: "
      "ApplyImmediately); undo sets the old values back";
  db.options = {"update", "immediate"};
  registry.add_action("aws.rds", "modify-db", std::move(db));

  policy::ActionInfo cluster;
  cluster.factory = [](const Spec& spec, const policy::BuildContext&) -> policy::ActionPtr {
    if (!spec.value().is_object())
      spec.fail("modify-db-cluster needs attributes: the ModifyDBCluster parameters to set");
    spec.allow_keys({"attributes"}, "action 'modify-db-cluster'");
    return modify_db_cluster(spec);
  };
  cluster.permissions = {"rds:ModifyDBCluster"};
  cluster.description =
      "ModifyDBCluster with the attributes whose value differs from the cluster's; undo sets "
      "the old values back";
  cluster.options = {"attributes"};
  registry.add_action("aws.rds-cluster", "modify-db-cluster", std::move(cluster));
}

}  // namespace custos::resources
