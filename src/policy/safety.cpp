#include "policy/safety.h"

#include <algorithm>
#include <filesystem>

#include "core/error.h"

namespace custos::policy {

bool ActionBudget::take(std::size_t count) {
  if (!max_) return true;
  std::size_t used = used_.load();
  do {
    if (used + count > *max_) return false;
  } while (!used_.compare_exchange_weak(used, used + count));
  return true;
}

KillSwitch::KillSwitch(std::string spec) : spec_(std::move(spec)) {
  if (spec_.empty() || spec_ == "ssm:")
    throw InputError("a kill switch names a file or an SSM parameter (ssm:/NAME)");
}

bool KillSwitch::engaged(const aws::Client& client) const {
  if (!spec_.starts_with("ssm:")) return std::filesystem::exists(spec_);
  try {
    Json answer = client.call("ssm", "GetParameter", {{"Name", spec_.substr(4)}});
    std::string value = answer["Parameter"].value("Value", "");
    std::transform(value.begin(), value.end(), value.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return value != "off" && value != "false" && value != "0";
  } catch (const aws::AwsError& e) {
    if (e.code() == "ParameterNotFound") return false;
    // Unable to tell: safer to stop than to act against the operator's wish.
    return true;
  }
}

std::string event_account(const Json& event) {
  if (!event.is_object()) return {};
  const Json& detail = event.contains("detail") ? event["detail"] : Json();
  for (const char* key : {"accountId", "recipientAccountId"})
    if (detail.is_object() && detail.contains(key) && detail[key].is_string())
      return detail[key].get<std::string>();
  return event.value("account", "");
}

}  // namespace custos::policy
