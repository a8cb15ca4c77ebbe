// consecutive-snapshots on aws.rds, aws.rds-cluster and aws.redshift and consecutive-backups on
// aws.fsx and aws.dynamodb-table (Cloud Custodian's ConsecutiveSnapshots,
// ClusterConsecutiveSnapshots, ConsecutiveBackups and ConsecutiveAwsBackupsFilter): what has a
// snapshot or backup in each of the last N days (or hours, or weeks): whether a responder can
// restore from before the intruder arrived.
#include <ctime>
#include <map>
#include <set>
#include <stdexcept>

#include "aws/client.h"
#include "policy/dates.h"
#include "resources/services.h"

namespace custos::resources {
namespace {

using policy::FilterContext;
using policy::Spec;

// The options a type's filter takes, as Cloud Custodian's differ: `days` (rds, rds-cluster, fsx);
// `count`, `period` and `status` (redshift); those and `backuptype` (dynamodb-table).
enum class Options { kDays, kCountPeriodStatus, kWithBackupType };

// Where one type's snapshots or backups are listed and what in them the filter reads.
struct SnapshotSource {
  const char* type;
  const char* filter;  // consecutive-snapshots or consecutive-backups
  const char* service;
  const char* operation;  // listing the snapshots of one resource
  const char* list;       // the answer's list
  const char* id_field;   // the resource's id
  // How the listing names the resource: a Filters name, or (for a name without "-") the
  // parameter itself.
  const char* by;
  const char* date_field;    // when each was made
  const char* status_field;  // its state
  const char* ready;         // the state `days` counts
  Options options;
  const char* annotation;
};

constexpr SnapshotSource kSources[] = {
    {"aws.rds", "consecutive-snapshots", "rds", "DescribeDBSnapshots", "DBSnapshots",
     "DBInstanceIdentifier", "db-instance-id", "SnapshotCreateTime", "Status", "available",
     Options::kDays, "c7n:DBSnapshots"},
    {"aws.rds-cluster", "consecutive-snapshots", "rds", "DescribeDBClusterSnapshots",
     "DBClusterSnapshots", "DBClusterIdentifier", "db-cluster-id", "SnapshotCreateTime", "Status",
     "available", Options::kDays, "c7n:DBClusterSnapshots"},
    {"aws.redshift", "consecutive-snapshots", "redshift", "DescribeClusterSnapshots", "Snapshots",
     "ClusterIdentifier", "ClusterIdentifier", "SnapshotCreateTime", "Status", "available",
     Options::kCountPeriodStatus, "c7n:RedshiftSnapshots"},
    {"aws.fsx", "consecutive-backups", "fsx", "DescribeBackups", "Backups", "FileSystemId",
     "file-system-id", "CreationTime", "Lifecycle", "AVAILABLE", Options::kDays, "c7n:FSxBackups"},
    {"aws.dynamodb-table", "consecutive-backups", "dynamodb", "ListBackups", "BackupSummaries",
     "TableName", "TableName", "BackupCreationDateTime", "BackupStatus", "AVAILABLE",
     Options::kWithBackupType, "c7n:DynamodbBackups"},
};

const SnapshotSource& source_of(const std::string& type) {
  for (const SnapshotSource& source : kSources)
    if (type == source.type) return source;
  throw std::logic_error("consecutive-snapshots/backups has no source for " + type);
}

class ConsecutiveSnapshots : public policy::AnnotatingFilter {
 public:
  ConsecutiveSnapshots(const Spec& spec, const policy::BuildContext& context)
      : source_(source_of(context.resource.name)) {
    status_ = source_.ready;
    if (source_.options == Options::kDays) {
      count_ = whole(spec, "days");
      return;
    }
    count_ = whole(spec, "count");
    period_ = spec.one_of("period", {"hours", "days", "weeks"});
    if (source_.options == Options::kCountPeriodStatus) {
      status_ = spec.one_of("status", {"available", "creating", "final snapshot", "failed"});
      return;
    }
    status_ = spec.one_of("status", {"AVAILABLE", "CREATING", "DELETED"});
    backup_type_ = spec.one_of("backuptype", {"SYSTEM", "USER", "AWS_BACKUP", "ALL"});
  }

  bool match(const Json& database, const FilterContext& context) const override {
    return covered(snapshots(database, context));
  }
  std::vector<Json> process(std::vector<Json> databases,
                            const FilterContext& context) const override {
    std::vector<Json> kept;
    for (Json& database : databases) {
      database[source_.annotation] = snapshots(database, context);
      if (covered(database[source_.annotation])) kept.push_back(std::move(database));
    }
    return kept;
  }

 private:
  int whole(const Spec& spec, const char* key) const {
    if (!spec.has(key)) spec.fail(std::string(source_.filter) + " needs '" + key + "'");
    const Json& value = spec.child(key).value();
    if (!value.is_number_integer() || value.get<int>() < 1)
      spec.child(key).fail(std::string("'") + key + "' must be a whole number of at least 1");
    return value.get<int>();
  }

  Json snapshots(const Json& resource, const FilterContext& context) const {
    if (resource.contains(source_.annotation)) return resource[source_.annotation];
    const aws::Client& client = policy::require_client(context, source_.filter);
    Json id = resource.value(source_.id_field, Json());
    const std::string by = source_.by;
    Json params = by.find('-') != std::string::npos
                      ? Json{{"Filters", {{{"Name", by}, {"Values", {id}}}}}}
                      : Json{{by, id}};
    if (!backup_type_.empty()) params["BackupType"] = backup_type_;
    return client.call_all(source_.service, source_.operation, params)
        .value(source_.list, Json::array());
  }

  // The period (UTC) a time falls in, as Cloud Custodian names it: 2026-12-06, or 2026-12-06-14.
  std::string period_of(std::time_t time) const {
    std::tm utc{};
    gmtime_r(&time, &utc);
    char text[32];
    return std::string(text, std::strftime(text, sizeof text,
                                           period_ == "hours" ? "%Y-%m-%d-%H" : "%Y-%m-%d", &utc));
  }

  // A snapshot of `status_` in each of the last count_ periods before now (today's aside).
  bool covered(const Json& snapshots) const {
    std::set<std::string> have;
    for (const Json& snapshot : snapshots) {
      if (snapshot.value(source_.status_field, "") != status_) continue;
      auto created = policy::parse_datetime(snapshot.value(source_.date_field, ""));
      if (created) have.insert(period_of(std::chrono::system_clock::to_time_t(*created)));
    }
    std::time_t now = std::time(nullptr);
    long step = period_ == "hours" ? 3600 : period_ == "weeks" ? 7 * 86400 : 86400;
    for (int back = 1; back <= count_; ++back)
      if (!have.count(period_of(now - back * step))) return false;
    return true;
  }

  const SnapshotSource& source_;
  int count_ = 0;
  std::string period_ = "days", status_, backup_type_;
};

}  // namespace

void register_consecutive_snapshots(policy::Registry& registry) {
  for (const SnapshotSource& source : kSources) {
    const std::string what =
        std::string(source.filter) == "consecutive-backups" ? "a backup" : "a snapshot";
    std::vector<std::string> options = {"days"};
    std::string description =
        "With " + what + " (" + source.ready + ") in each of the last `days` days";
    if (source.options != Options::kDays) {
      options = {"count", "period", "status"};
      description = "With " + what +
                    " of `status` in each of the last `count` periods (hours, "
                    "days or weeks)";
    }
    if (source.options == Options::kWithBackupType) {
      options.push_back("backuptype");
      description += " of `backuptype` (SYSTEM, USER, AWS_BACKUP or ALL)";
    }
    registry.add_filter(
        source.type, source.filter,
        policy::filter_info<ConsecutiveSnapshots>(
            options, description, {std::string(source.service) + ":" + source.operation}));
  }
}

}  // namespace custos::resources
