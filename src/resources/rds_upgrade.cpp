// upgrade-available (filter) and upgrade (action) on aws.rds (Cloud Custodian's
// UpgradeAvailable and UpgradeMinor): the newest engine version each database's version may be
// upgraded to, by DescribeDBEngineVersions' ValidUpgradeTarget (minor upgrades only unless
// major: true), annotated as c7n-rds-engine-upgrade; upgrade sets it with ModifyDBInstance.
// RDS cannot downgrade an engine, so the upgrade cannot be undone; its record keeps the version
// it replaced.
#include <optional>

#include "aws/client.h"
#include "policy/action.h"
#include "policy/registry.h"
#include "policy/value_type.h"
#include "resources/services.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::FilterContext;
using policy::Spec;

constexpr const char* kUpgradeKey = "c7n-rds-engine-upgrade";

// Cloud Custodian's _get_available_engine_upgrades: {engine: {version: newest target}}.
Json available_engine_upgrades(const aws::Client& client, bool major) {
  Json results = Json::object();
  Json versions = client.call_all("rds", "DescribeDBEngineVersions", Json::object())
                      .value("DBEngineVersions", Json::array());
  for (const Json& version : versions) {
    const std::string engine = version.value("Engine", "");
    if (!results.contains(engine)) results[engine] = Json::object();
    const std::string from = version.value("EngineVersion", "");
    for (const Json& target : version.value("ValidUpgradeTarget", Json::array())) {
      if (!major && target.value("IsMajorVersionUpgrade", false)) continue;
      const std::string to = target.value("EngineVersion", "");
      const std::string best = results[engine].value(from, "0.0.0");
      auto order = policy::value_type::compare_versions(to, best);
      if (order && *order > 0) results[engine][from] = to;
    }
  }
  return results;
}

Json upgrade_of(const Json& upgrades, const Json& database) {
  const Json& engine = upgrades.value(database.value("Engine", ""), Json::object());
  return engine.value(database.value("EngineVersion", ""), Json());
}

class UpgradeAvailable : public policy::AnnotatingFilter {
 public:
  explicit UpgradeAvailable(const Spec& spec)
      : major_(spec.optional_bool("major", false)), value_(spec.optional_bool("value", true)) {}

  bool match(const Json& database, const FilterContext& context) const override {
    Json upgrades =
        available_engine_upgrades(policy::require_client(context, "upgrade-available"), major_);
    return upgrade_of(upgrades, database).is_null() != value_;
  }

  std::vector<Json> process(std::vector<Json> databases,
                            const FilterContext& context) const override {
    if (databases.empty()) return databases;
    Json upgrades =
        available_engine_upgrades(policy::require_client(context, "upgrade-available"), major_);
    std::vector<Json> kept;
    for (Json& database : databases) {
      Json target = upgrade_of(upgrades, database);
      if (target.is_null() == value_) continue;
      if (!target.is_null()) database[kUpgradeKey] = target;
      kept.push_back(std::move(database));
    }
    return kept;
  }

  std::vector<std::string> permissions() const override { return {"rds:DescribeDBEngineVersions"}; }

 private:
  bool major_, value_;
};

class RdsUpgrade : public policy::PerResourceAction {
 public:
  explicit RdsUpgrade(const Spec& spec)
      : PerResourceAction("upgrade"),
        major_(spec.optional_bool("major", false)),
        immediate_(spec.optional_bool("immediate", false)) {}

  // Databases the filter did not annotate get the target Cloud Custodian computes for them.
  std::vector<ActionRecord> process(const std::vector<Json>& databases,
                                    ActionContext& context) const override {
    std::optional<Json> upgrades;
    std::vector<Json> annotated = databases;
    for (Json& database : annotated) {
      if (database.contains(kUpgradeKey) || pending(database)) continue;
      if (!upgrades) upgrades = available_engine_upgrades(context.client, major_);
      Json target = upgrade_of(*upgrades, database);
      if (!target.is_null()) database[kUpgradeKey] = target;
    }
    return PerResourceAction::process(annotated, context);
  }

 private:
  static bool pending(const Json& database) {
    const Json& pending = database.value("PendingModifiedValues", Json::object());
    return pending.is_object() && pending.contains("EngineVersion");
  }

  ActionRecord apply(const Json& database, ActionContext& context) const override {
    const std::string id = database.value("DBInstanceIdentifier", context.id_of(database));
    if (pending(database))
      return ActionRecord::unchanged(name(), id, "an engine upgrade is already scheduled");
    if (!database.contains(kUpgradeKey))
      return ActionRecord::unchanged(name(), id, "no engine upgrade is available");
    const Json target = database[kUpgradeKey];
    context.client.call("rds", "ModifyDBInstance",
                        {{"DBInstanceIdentifier", id},
                         {"EngineVersion", target},
                         {"ApplyImmediately", immediate_}});
    ActionRecord record{name(), id};
    record.before = {{"EngineVersion", database.value("EngineVersion", Json())}};
    record.after = {{"EngineVersion", target}};
    record.undo = Json();  // RDS does not downgrade an engine
    record.summary = "upgraded " + id + " from " + database.value("EngineVersion", "") + " to " +
                     target.get<std::string>() + (immediate_ ? "" : " (next maintenance window)") +
                     " (custos cannot undo it: RDS cannot downgrade an engine)";
    const std::string literal = policy::jmespath_literal(target);
    record.check = policy::check_call(
        "rds", "DescribeDBInstances", {{"DBInstanceIdentifier", id}},
        "DBInstances[0].EngineVersion == " + literal +
            " || DBInstances[0].PendingModifiedValues.EngineVersion == " + literal,
        context.client.session().region());
    return record;
  }

  bool major_, immediate_;
};

}  // namespace

void register_rds_upgrade(policy::Registry& registry) {
  registry.add_filter(
      "aws.rds", "upgrade-available",
      policy::filter_info<UpgradeAvailable>(
          {"major", "value"},
          "Databases whose engine version has a newer one to upgrade to (minor only unless "
          "major: true; value: false for those without), annotated as c7n-rds-engine-upgrade",
          {"rds:DescribeDBEngineVersions"}));
  registry.add_action(
      "aws.rds", "upgrade",
      policy::action_info<RdsUpgrade>(
          {"major", "immediate"}, {"rds:ModifyDBInstance", "rds:DescribeDBEngineVersions"},
          "ModifyDBInstance to the engine version upgrade-available found (or the newest one "
          "allowed, minor unless major: true); cannot be undone"));
}

}  // namespace custos::resources
