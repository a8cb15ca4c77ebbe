// consecutive-snapshots on aws.rds, aws.rds-cluster and aws.redshift (Cloud Custodian's
// ConsecutiveSnapshots and ClusterConsecutiveSnapshots): the databases with a snapshot in each
// of the last N days (or hours, or weeks): whether a responder can restore from before the
// intruder arrived.
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

// Where one type's snapshots are listed and what in them the filter reads.
struct SnapshotSource {
  const char* type;
  const char* operation;  // listing the snapshots of given databases
  const char* list;       // the answer's list
  const char* id_field;   // the database's id, in it and in each snapshot
  const char* filter;     // the listing's filter by database id; "" for one call a database
  const char* annotation;
};

constexpr SnapshotSource kSources[] = {
    {"aws.rds", "DescribeDBSnapshots", "DBSnapshots", "DBInstanceIdentifier", "db-instance-id",
     "c7n:DBSnapshots"},
    {"aws.rds-cluster", "DescribeDBClusterSnapshots", "DBClusterSnapshots", "DBClusterIdentifier",
     "db-cluster-id", "c7n:DBClusterSnapshots"},
    {"aws.redshift", "DescribeClusterSnapshots", "Snapshots", "ClusterIdentifier", "",
     "c7n:RedshiftSnapshots"},
};

const SnapshotSource& source_of(const std::string& type) {
  for (const SnapshotSource& source : kSources)
    if (type == source.type) return source;
  throw std::logic_error("consecutive-snapshots has no source for " + type);
}

class ConsecutiveSnapshots : public policy::AnnotatingFilter {
 public:
  // rds and rds-cluster take `days`; redshift `count`, `period` and `status` (all required).
  ConsecutiveSnapshots(const Spec& spec, const policy::BuildContext& context)
      : source_(source_of(context.resource.name)) {
    if (std::string(source_.type) == "aws.redshift") {
      count_ = whole(spec, "count");
      period_ = spec.one_of("period", {"hours", "days", "weeks"});
      status_ = spec.one_of("status", {"available", "creating", "final snapshot", "failed"});
    } else {
      count_ = whole(spec, "days");
    }
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
  static int whole(const Spec& spec, const char* key) {
    if (!spec.has(key)) spec.fail(std::string("consecutive-snapshots needs '") + key + "'");
    const Json& value = spec.child(key).value();
    if (!value.is_number_integer() || value.get<int>() < 1)
      spec.child(key).fail(std::string("'") + key + "' must be a whole number of at least 1");
    return value.get<int>();
  }

  Json snapshots(const Json& database, const FilterContext& context) const {
    if (database.contains(source_.annotation)) return database[source_.annotation];
    const aws::Client& client = policy::require_client(context, "consecutive-snapshots");
    Json id = database.value(source_.id_field, Json());
    Json params = *source_.filter
                      ? Json{{"Filters", {{{"Name", source_.filter}, {"Values", {id}}}}}}
                      : Json{{source_.id_field, id}};
    std::string service = std::string(source_.type) == "aws.redshift" ? "redshift" : "rds";
    return client.call_all(service, source_.operation, params).value(source_.list, Json::array());
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
      if (snapshot.value("Status", "") != status_) continue;
      auto created = policy::parse_datetime(snapshot.value("SnapshotCreateTime", ""));
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
  std::string period_ = "days", status_ = "available";
};

}  // namespace

void register_consecutive_snapshots(policy::Registry& registry) {
  for (const SnapshotSource& source : kSources) {
    bool redshift = std::string(source.type) == "aws.redshift";
    registry.add_filter(
        source.type, "consecutive-snapshots",
        policy::filter_info<ConsecutiveSnapshots>(
            redshift ? std::vector<std::string>{"count", "period", "status"}
                     : std::vector<std::string>{"days"},
            redshift ? "Clusters with a snapshot of `status` in each of the last `count` periods "
                       "(hours, days or weeks)"
                     : "Databases with an available snapshot in each of the last `days` days",
            {std::string(redshift ? "redshift:" : "rds:") + source.operation}));
  }
}

}  // namespace custos::resources
