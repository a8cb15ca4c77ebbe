// backup on aws.dynamodb-table (Cloud Custodian's CreateBackup): an on-demand backup of each
// active table, named PREFIX-TABLE-YYYY-MM-DD-HH-MM as Cloud Custodian names it (in UTC, not the
// host's time); the undo deletes the backup made.
#include "aws/client.h"
#include "policy/action.h"
#include "policy/dates.h"
#include "resources/services.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;

class BackupTable : public policy::PerResourceAction {
 public:
  explicit BackupTable(const policy::Spec& spec)
      : PerResourceAction("backup"), prefix_(spec.optional_string("prefix", "Backup")) {}

 private:
  ActionRecord apply(const Json& table, ActionContext& context) const override {
    const std::string name = context.id_of(table);
    if (table.value("TableStatus", "") != "ACTIVE")
      return ActionRecord::unchanged(this->name(), name,
                                     "left as it is: a backup needs an ACTIVE table");
    const std::string backup = prefix_ + "-" + name + "-" + policy::identifier_minute();
    Json made = context.client.call("dynamodb", "CreateBackup",
                                    {{"TableName", name}, {"BackupName", backup}});
    const std::string arn = made.value("/BackupDetails/BackupArn"_json_pointer, "");
    ActionRecord record{this->name(), name};
    record.after = {{"BackupName", backup}, {"BackupArn", arn}};
    record.summary = "backed up as " + backup;
    const std::string& region = context.client.session().region();
    record.undo =
        Json::array({policy::undo_call("dynamodb", "DeleteBackup", {{"BackupArn", arn}}, region)});
    record.check = policy::check_call(
        "dynamodb", "ListBackups", {{"TableName", name}},
        "contains(BackupSummaries[].BackupArn, " + policy::jmespath_literal(arn) + ")", region);
    return record;
  }

  std::string prefix_;
};

}  // namespace

void register_dynamodb_backup(policy::Registry& registry) {
  registry.add_action("aws.dynamodb-table", "backup",
                      policy::action_info<BackupTable>(
                          {"prefix"}, {"dynamodb:CreateBackup"},
                          "An on-demand backup of each active table, named "
                          "PREFIX-TABLE-YYYY-MM-DD-HH-MM (prefix: Backup); undo deletes it"));
}

}  // namespace custos::resources
