// Cloud Custodian's `retention` on rds, rds-cluster and redshift (its RetentionWindow actions):
// how many days automated backups are kept, set to `days` and, with `enforce`, only raised
// (min, the default), only lowered (max) or set exactly. rds also sets CopyTagsToSnapshot
// (`copy-tags`, default true) and leaves alone the instances whose backups are not theirs to set
// (not available, a cluster member, a read replica of postgres or of mysql before 5.6); a
// cluster keeps its backup and maintenance windows; redshift takes only `days` and raises.
#include <charconv>
#include <optional>

#include "policy/action.h"
#include "policy/spec.h"
#include "resources/services.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;

// Where each type keeps its retention, and how it is set.
struct Window {
  const char* resource;
  const char* service;
  const char* operation;  // ModifyDBInstance
  const char* describe;   // DescribeDBInstances: the record's check
  const char* list;       // DBInstances: the describe answer's list
  const char* id_param;   // DBInstanceIdentifier (the document's field of the same name)
  const char* period;     // BackupRetentionPeriod (the parameter and the document's field)
  bool copy_tags;         // CopyTagsToSnapshot, rds only
  bool enforce;           // takes `enforce` (redshift only raises)
  std::vector<const char*> kept{};  // the document's fields sent again as they are
};

const Window kWindows[] = {
    {"aws.rds", "rds", "ModifyDBInstance", "DescribeDBInstances", "DBInstances",
     "DBInstanceIdentifier", "BackupRetentionPeriod", true, true},
    {"aws.rds-cluster",
     "rds",
     "ModifyDBCluster",
     "DescribeDBClusters",
     "DBClusters",
     "DBClusterIdentifier",
     "BackupRetentionPeriod",
     false,
     true,
     {"PreferredBackupWindow", "PreferredMaintenanceWindow"}},
    {"aws.redshift", "redshift", "ModifyCluster", "DescribeClusters", "Clusters",
     "ClusterIdentifier", "AutomatedSnapshotRetentionPeriod", false, false},
};

// Why an rds instance's backups cannot be set (Cloud Custodian's
// _db_instance_eligible_for_backup), or nothing.
std::optional<std::string> not_eligible(const Json& db) {
  if (db.value("DBInstanceStatus", "") != "available")
    return "it is " + db.value("DBInstanceStatus", "not available") + ", not available";
  if (!db.value("DBClusterIdentifier", "").empty())
    return "it is a member of cluster " + db.value("DBClusterIdentifier", "") +
           " (set the cluster's retention)";
  if (db.value("ReadReplicaSourceDBInstanceIdentifier", "").empty()) return std::nullopt;
  const std::string engine = db.value("Engine", "");
  if (engine == "postgres") return "it is a postgres read replica";
  if (engine != "mysql") return std::nullopt;
  const std::string version = db.value("EngineVersion", "");
  int major = 0, minor = 0;
  auto [end, error] = std::from_chars(version.data(), version.data() + version.size(), major);
  if (error != std::errc() || end == version.data() + version.size() || *end != '.')
    return std::nullopt;
  std::from_chars(end + 1, version.data() + version.size(), minor);
  if (major < 5 || (major == 5 && minor < 6))
    return "it is a read replica of mysql " + version + " (before 5.6)";
  return std::nullopt;
}

class Retention : public policy::PerResourceAction {
 public:
  Retention(const policy::Spec& spec, const Window& window)
      : PerResourceAction("retention"), window_(window) {
    if (!spec.value().is_object() || !spec.has("days"))
      spec.fail("retention needs 'days': how many days automated backups are kept");
    const Json& days = spec.child("days").value();
    if (!days.is_number_integer() || days.get<long long>() < 0 || days.get<long long>() > 35)
      spec.child("days").fail("'days' must be a whole number of days from 0 to 35");
    days_ = days.get<int>();
    enforce_ = window.enforce ? spec.one_of("enforce", {"min", "max", "exact"}, "min") : "min";
    copy_tags_ = spec.optional_bool("copy-tags", true);
  }

 private:
  ActionRecord apply(const Json& resource, ActionContext& context) const override {
    const std::string id = resource.value(window_.id_param, "");
    if (window_.copy_tags)
      if (auto reason = not_eligible(resource))
        return ActionRecord::unchanged(name(), id,
                                       "retention of " + id + " left as is: " + *reason);
    const int current = resource.value(window_.period, 0);
    const int target = enforce_ == "min"   ? std::max(current, days_)
                       : enforce_ == "max" ? std::min(current, days_)
                                           : days_;
    const bool tags_now = resource.value("CopyTagsToSnapshot", false);
    if (target == current && (!window_.copy_tags || tags_now == copy_tags_))
      return ActionRecord::unchanged(name(), id,
                                     id + " already keeps backups " + std::to_string(current) +
                                         " days (enforce: " + enforce_ + " " +
                                         std::to_string(days_) + ")");
    const aws::Client& client = context.client_for(resource);
    client.call(window_.service, window_.operation, params(resource, target, copy_tags_));
    ActionRecord record{name(), id};
    record.before = {{window_.period, current}};
    record.after = {{window_.period, target}};
    if (window_.copy_tags) {
      record.before["CopyTagsToSnapshot"] = tags_now;
      record.after["CopyTagsToSnapshot"] = copy_tags_;
    }
    const std::string& region = client.session().region();
    record.undo = Json::array({policy::undo_call(window_.service, window_.operation,
                                                 params(resource, current, tags_now), region)});
    record.check = policy::check_call(window_.service, window_.describe, {{window_.id_param, id}},
                                      std::string(window_.list) + "[0]." + window_.period +
                                          " == `" + std::to_string(target) + "`",
                                      region);
    record.summary = id + " keeps automated backups " + std::to_string(target) + " days (was " +
                     std::to_string(current) + ")";
    return record;
  }

  Json params(const Json& resource, int period, bool copy_tags) const {
    Json params = {{window_.id_param, resource.value(window_.id_param, "")},
                   {window_.period, period}};
    if (window_.copy_tags) params["CopyTagsToSnapshot"] = copy_tags;
    if (window_.service == std::string_view("rds")) params["ApplyImmediately"] = true;
    for (const char* field : window_.kept)
      if (resource.contains(field)) params[field] = resource[field];
    return params;
  }

  const Window& window_;
  int days_ = 0;
  std::string enforce_;
  bool copy_tags_ = true;
};

}  // namespace

void register_retention_window(policy::Registry& registry) {
  for (const Window& window : kWindows) {
    std::vector<std::string> options = {"days"};
    if (window.enforce) options.push_back("enforce");
    if (window.copy_tags) options.push_back("copy-tags");
    policy::ActionInfo info;
    info.factory = [&window, options](const policy::Spec& spec,
                                      const policy::BuildContext&) -> policy::ActionPtr {
      if (spec.value().is_object()) spec.allow_keys(options, "action 'retention'");
      return std::make_unique<Retention>(spec, window);
    };
    info.permissions = {std::string(window.service) + ":" + window.operation};
    info.description =
        std::string("Keep automated backups `days` days") +
        (window.enforce ? " (enforce: min raises only, the default; max lowers only; exact)"
                        : " (raised only)") +
        (window.copy_tags ? "; copy-tags (default true) sets CopyTagsToSnapshot" : "");
    info.options = options;
    registry.add_action(window.resource, "retention", std::move(info));
  }
}

}  // namespace custos::resources
