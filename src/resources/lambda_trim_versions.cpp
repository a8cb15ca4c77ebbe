// trim-versions on aws.lambda: deletes a function's old published versions, as Cloud
// Custodian's awslambda.py (exclude-aliases, retain-latest, older-than).
#include <chrono>
#include <optional>
#include <set>

#include "aws/client.h"
#include "policy/dates.h"
#include "resources/services.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::Spec;

// Every published version but $LATEST, those an alias points at (exclude-aliases, default
// true), those changed within `older-than` days, and with retain-latest the one whose code is
// $LATEST's. Irreversible: a deleted version's number is never given again.
class LambdaTrimVersions : public policy::PerResourceAction {
 public:
  explicit LambdaTrimVersions(const Spec& spec)
      : PerResourceAction("trim-versions"),
        exclude_aliases_(spec.optional_bool("exclude-aliases", true)),
        retain_latest_(spec.optional_bool("retain-latest", false)) {
    if (!spec.has("older-than")) return;
    Spec days = spec.child("older-than");
    if (!days.value().is_number() || days.value().is_boolean())
      days.fail("older-than must be a number of days, not " + policy::json_type_name(days.value()));
    older_than_days_ = days.value().get<double>();
  }

 private:
  ActionRecord apply(const Json& function, ActionContext& context) const override {
    const aws::Client& client = context.client;
    std::string fn = function.value("FunctionName", "");
    std::set<std::string> aliased;
    if (exclude_aliases_)
      for (const Json& alias : client.call_all("lambda", "ListAliases", {{"FunctionName", fn}})
                                   .value("Aliases", Json::array()))
        aliased.insert(alias.value("FunctionVersion", ""));
    Json versions = client.call_all("lambda", "ListVersionsByFunction", {{"FunctionName", fn}})
                        .value("Versions", Json::array());
    std::string latest_sha;
    for (const Json& version : versions)
      if (version.value("Version", "") == "$LATEST") latest_sha = version.value("CodeSha256", "");
    std::optional<policy::TimePoint> threshold;
    if (older_than_days_)
      threshold = std::chrono::system_clock::now() -
                  std::chrono::duration_cast<std::chrono::system_clock::duration>(
                      std::chrono::duration<double, std::ratio<86400>>(*older_than_days_));
    Json deleted = Json::array();
    for (const Json& version : versions) {
      std::string number = version.value("Version", "");
      if (number == "$LATEST" || aliased.count(number)) continue;
      if (threshold) {
        auto modified = policy::parse_datetime(version.value("LastModified", ""));
        if (modified && *modified > *threshold) continue;
      }
      if (retain_latest_ && !latest_sha.empty() && version.value("CodeSha256", "") == latest_sha)
        continue;
      client.call("lambda", "DeleteFunction",
                  {{"FunctionName", version.value("FunctionArn", fn + ":" + number)}});
      deleted.push_back({{"Version", number},
                         {"CodeSha256", version.value("CodeSha256", "")},
                         {"CodeSize", version.value("CodeSize", 0)},
                         {"LastModified", version.value("LastModified", "")}});
    }
    if (deleted.empty()) return ActionRecord::unchanged(name(), fn, "no version to trim");
    ActionRecord record{name(), fn};
    record.before = {{"Versions", deleted}};
    record.after = {{"Deleted", deleted.size()}};
    std::string numbers;
    std::string expect;
    for (const Json& version : deleted) {
      std::string number = version["Version"].get<std::string>();
      numbers += (numbers.empty() ? "" : ", ") + number;
      expect += (expect.empty() ? "" : " || ") + std::string("Version == '") + number + "'";
    }
    record.summary = "deleted versions " + numbers + " of " + fn +
                     " (irreversible: a deleted version cannot be published again)";
    record.undo = nullptr;
    record.check = policy::check_call("lambda", "ListVersionsByFunction", {{"FunctionName", fn}},
                                      "length(Versions[?" + expect + "]) == `0`");
    return record;
  }

  bool exclude_aliases_;
  bool retain_latest_;
  std::optional<double> older_than_days_;
};

}  // namespace

void register_lambda_trim_versions(policy::Registry& registry) {
  registry.add_action(
      "aws.lambda", "trim-versions",
      policy::action_info<LambdaTrimVersions>(
          {"exclude-aliases", "retain-latest", "older-than"},
          {"lambda:ListAliases", "lambda:ListVersionsByFunction", "lambda:DeleteFunction"},
          "Delete a function's old published versions (not those an alias names, unless "
          "exclude-aliases: false; not those changed within older-than days; with "
          "retain-latest, not the one with $LATEST's code)"));
}

}  // namespace custos::resources
