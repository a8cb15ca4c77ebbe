#include "policy/action.h"

namespace custos::policy {

void ActionContext::emit(std::vector<ActionRecord>& records, ActionRecord record) const {
  if (on_record) on_record(record);
  records.push_back(std::move(record));
}

}  // namespace custos::policy
