#include "policy/journal.h"

#include <set>

namespace custos::policy {

std::string phase_of(const std::string& action, const Json& policy_data) {
  if (policy_data.is_object()) {
    auto metadata = policy_data.find("metadata");
    if (metadata != policy_data.end() && metadata->is_object() && metadata->contains("phase") &&
        (*metadata)["phase"].is_string())
      return (*metadata)["phase"].get<std::string>();
  }
  static const std::set<std::string, std::less<>> kInvestigation = {"snapshot"};
  static const std::set<std::string, std::less<>> kEradication = {"delete",
                                                                  "terminate",
                                                                  "delete-objects",
                                                                  "remove-keys",
                                                                  "delete-inline-policies",
                                                                  "schedule-deletion",
                                                                  "release"};
  static const std::set<std::string, std::less<>> kFollowUp = {
      "notify", "webhook", "tag", "mark", "mark-for-op", "invoke-lambda"};
  if (kInvestigation.count(action)) return "investigation";
  if (kEradication.count(action)) return "eradication";
  if (kFollowUp.count(action)) return "follow-up";
  return "containment";
}

}  // namespace custos::policy
