// dead-letter on aws.sqs: the queues some queue of the account sends its failed messages to
// (its RedrivePolicy's deadLetterTargetArn), as Cloud Custodian's sqs.py.
#include <set>

#include "aws/client.h"
#include "policy/describe.h"
#include "policy/set_filter.h"
#include "resources/services.h"

namespace custos::resources {
namespace {

using policy::FilterContext;
using policy::Spec;

// Judges the set: every queue of the account is listed (as Cloud Custodian does, whatever the
// filters before kept), and the given queues some queue names as its dead-letter target kept.
class SqsDeadLetterFilter : public policy::SetFilter {
 public:
  SqsDeadLetterFilter(const Spec&, const policy::BuildContext& context) : type_(context.resource) {}

  std::vector<Json> process(std::vector<Json> queues, const FilterContext& context) const override {
    if (queues.empty()) return {};
    const aws::Client& client = policy::require_client(context, "the account's queues");
    std::set<std::string> targets;
    for (const Json& queue : policy::describe_resources(type_, client, nullptr)) {
      const Json* redrive = queue.contains("RedrivePolicy") ? &queue["RedrivePolicy"] : nullptr;
      if (redrive == nullptr) continue;
      Json parsed = redrive->is_string() ? Json::parse(redrive->get<std::string>(), nullptr, false)
                                         : *redrive;
      if (parsed.is_object() && parsed.contains("deadLetterTargetArn") &&
          parsed["deadLetterTargetArn"].is_string())
        targets.insert(parsed["deadLetterTargetArn"].get<std::string>());
    }
    std::vector<Json> kept;
    for (Json& queue : queues)
      if (targets.count(queue.value("QueueArn", ""))) kept.push_back(std::move(queue));
    return kept;
  }
  std::vector<std::string> permissions() const override {
    return policy::describe_permissions(type_);
  }

 private:
  const policy::ResourceType& type_;
};

}  // namespace

void register_sqs_dead_letter(policy::Registry& registry) {
  registry.add_filter(
      "aws.sqs", "dead-letter",
      policy::filter_info<SqsDeadLetterFilter>(
          {}, "Queues that some queue of the account names as its dead-letter queue",
          {"sqs:ListQueues", "sqs:GetQueueAttributes"}));
}

}  // namespace custos::resources
