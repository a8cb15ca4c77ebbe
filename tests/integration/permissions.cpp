#include "integration/permissions.h"

#include <map>

#include "core/json.h"

namespace custos::test {

std::string iam_action(const std::string& service, const std::string& operation) {
  static const std::map<std::string, std::string> s3 = {
      {"PutPublicAccessBlock", "PutBucketPublicAccessBlock"},
      {"DeletePublicAccessBlock", "PutBucketPublicAccessBlock"},
      {"GetPublicAccessBlock", "GetBucketPublicAccessBlock"},
      {"DeleteBucketTagging", "PutBucketTagging"}};
  auto renamed = s3.find(operation);
  return service + ":" + (service == "s3" && renamed != s3.end() ? renamed->second : operation);
}

std::set<std::string> allowed_actions(const std::string& schema_output) {
  Json actions = Json::parse(schema_output).at("Statement").at(0).at("Action");
  return {actions.begin(), actions.end()};
}

}  // namespace custos::test
