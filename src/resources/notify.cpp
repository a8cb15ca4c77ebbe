// notify (Cloud Custodian's Notify: a message c7n-mailer reads, sent to an SQS queue or SNS
// topic) and invoke-lambda (its LambdaInvoke: the resources handed to a function), registered
// with webhook for every resource type.
#include "resources/notify.h"

#include <memory>

#include "aws/protocol_codec.h"
#include "policy/describe.h"
#include "policy/python_text.h"
#include "policy/spec_numbers.h"
#include "policy/value_from.h"
#include "resources/c7n_message.h"

namespace custos::resources {
namespace {

using policy::ActionContext;
using policy::ActionRecord;
using policy::BuildContext;
using policy::Spec;

// What SQS and SNS take in one message (Cloud Custodian's buffer_max_size).
constexpr std::size_t kMaxMessage = 262144;

// The message attribute c7n-mailer knows Cloud Custodian's messages by.
Json mtype() { return {{"DataType", "String"}, {"StringValue", "maidmsg/1.0"}}; }

// Where an SQS queue is (Cloud Custodian's send_sqs): its URL and region, from a URL, an ARN or
// a name in the run's account and in `name_region` (the transport's region), else the run's.
std::pair<std::string, std::string> queue_location(const std::string& queue, const RunFacts& facts,
                                                   const std::string& name_region) {
  if (queue.starts_with("https://queue.amazonaws.com")) return {queue, "us-east-1"};
  if (queue.find("queue.amazonaws.com") != std::string::npos) {
    std::string host = queue.substr(queue.find("://") + 3);
    return {queue, host.substr(0, host.find('.'))};
  }
  if (queue.starts_with("https://sqs.")) {
    std::size_t start = queue.find('.') + 1;
    return {queue, queue.substr(start, queue.find('.', start) - start)};
  }
  std::string region = name_region.empty() ? facts.region : name_region;
  std::string owner = facts.account_id, name = queue;
  if (queue.starts_with("arn:")) {
    region = policy::arn_part(queue, 3);
    owner = policy::arn_part(queue, 4);
    name = policy::arn_part(queue, 5);
  }
  return {"https://sqs." + region + ".amazonaws.com/" + owner + "/" + name, region};
}

// Python's text.format(**message) over the message's members, as Cloud Custodian formats the
// queue and topic when it sends.
std::string format_with(const std::string& text, const OrderedJson& message) {
  return policy::python_format(text, [&](const std::string& name, const std::string&) {
    auto found = message.find(name);
    if (found == message.end())
      throw Error("the notify transport '" + text + "' names {" + name +
                  "}, which the message does not have");
    return found->is_string() ? found->get<std::string>() : policy::python_str(Json(*found));
  });
}

// notify's free-text options: its own and those c7n-mailer reads from the message's action.
const std::vector<std::string>& text_options() {
  static const std::vector<std::string> options = {"from",
                                                   "subject",
                                                   "template",
                                                   "violation_desc",
                                                   "action_desc",
                                                   "template_format",
                                                   "slack_template",
                                                   "slack_msg_color",
                                                   "email_ldap_username_manager",
                                                   "resource_ldap_lookup_username"};
  return options;
}

// priority_header: c7n-mailer's X-Priority, 1 (highest) to 5, written as a number or a string.
void check_priority(const Spec& spec) {
  if (!spec.has("priority_header")) return;
  Spec priority = spec.child("priority_header");
  const Json& value = priority.value();
  std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  bool string_or_integer = value.is_string() || value.is_number_integer();
  if (!string_or_integer || text.size() != 1 || text[0] < '1' || text[0] > '5')
    priority.fail("priority_header must be 1 (highest) to 5, c7n-mailer's X-Priority");
}

std::vector<std::string> notify_options() {
  std::vector<std::string> options = {"to",        "to_from",     "cc",
                                      "cc_from",   "cc_manager",  "owner_absent_contact",
                                      "transport", "assume_role", "priority_header"};
  options.insert(options.end(), text_options().begin(), text_options().end());
  return options;
}

// notify: one message per buffer of resources, packed as Cloud Custodian packs it, to the
// transport; `to`/`cc` (with the addresses to_from/cc_from read) and the c7n-mailer options
// travel in the message's `action`.
class Notify : public policy::Action {
 public:
  Notify(const Spec& spec, const BuildContext& context)
      : data_(spec.value()), policy_(context.policy ? *context.policy : Json()) {
    if (!spec.has("to") && !spec.has("to_from"))
      spec.fail("notify needs 'to' or 'to_from' (the recipients c7n-mailer sends it to)");
    for (const char* key : {"to", "cc", "owner_absent_contact"}) spec.string_list(key);
    for (const auto& key : text_options()) spec.optional_string(key);
    check_priority(spec);
    spec.optional_bool("cc_manager", false);
    if (!spec.optional_bool("assume_role", true))
      spec.child("assume_role")
          .fail(
              "assume_role: false is not supported by custos (it sends with the credentials it "
              "acts with)");
    if (spec.has("to_from")) to_from_ = std::make_shared<policy::ValuesFrom>(spec.child("to_from"));
    if (spec.has("cc_from")) cc_from_ = std::make_shared<policy::ValuesFrom>(spec.child("cc_from"));
    compile_transport(spec);
  }

  std::vector<ActionRecord> process(const std::vector<Json>& resources,
                                    ActionContext& context) const override {
    std::vector<ActionRecord> records;
    RunFacts facts;
    OrderedJson message;
    try {
      facts = RunFacts::of(context, policy_);
      message = envelope(facts, context);
    } catch (const Error& e) {
      record_failed("notify", pointers(resources), context, records, e);
      return records;
    }
    MessageBuffer buffer(message, kMaxMessage);
    std::vector<const Json*> pending;
    auto send = [&] {
      record_each("notify", pending, context, records, [&] {
        std::size_t count = pending.size();
        return deliver(context, facts, message, buffer.consume(), count);
      });
      pending.clear();
    };
    for (const Json& resource : resources) {
      buffer.add(without_secrets(resource));
      pending.push_back(&resource);
      if (buffer.full()) send();
    }
    if (!pending.empty()) send();
    return records;
  }

 private:
  void compile_transport(const Spec& spec) {
    if (!spec.has("transport"))
      spec.fail("notify needs a 'transport' ({type: sqs, queue: ...} or {type: sns, topic: ...})");
    Spec transport = spec.child("transport");
    if (!transport.value().is_object())
      transport.fail(
          "'transport' must be a mapping {type: sqs, queue: ...} or {type: sns, topic: ...}");
    sqs_ = transport.one_of("type", {"sqs", "sns"}) == "sqs";
    if (sqs_) {
      transport.allow_keys({"queue", "region"}, "the sqs transport");
      target_ = transport.required_string("queue");
      queue_region_ = transport.optional_string("region");
      return;
    }
    transport.allow_keys({"topic", "region", "attributes"}, "the sns transport");
    target_ = transport.required_string("topic");
    topic_region_ = transport.optional_string("region");
    if (!transport.has("attributes")) return;
    Spec attributes = transport.child("attributes");
    if (!attributes.value().is_object())
      attributes.fail("'attributes' must be a mapping of names to strings");
    for (const auto& [key, value] : attributes.value().items()) {
      if (key == "mtype")
        attributes.child(key).at_key().fail(
            "attribute: mtype is a reserved attribute for sns transport");
      if (!value.is_string()) attributes.child(key).fail("'" + key + "' must be a string");
      attributes_[key] = {{"DataType", "String"}, {"StringValue", value}};
    }
  }

  // Cloud Custodian's message, in its order; `resources` is added by the buffer.
  OrderedJson envelope(const RunFacts& facts, const ActionContext& context) const {
    OrderedJson message;
    message["event"] = facts.event;
    message["account_id"] = facts.account_id;
    message["partition"] = facts.partition;
    message["account"] = facts.account;
    message["version"] = facts.version;
    message["region"] = facts.region;
    message["execution_id"] = facts.execution_id;
    message["execution_start"] = facts.execution_start;
    message["policy"] = facts.policy;
    message["action"] = expanded(context);
    return message;
  }

  // Cloud Custodian's expand_variables: the addresses to_from and cc_from read join to and cc.
  Json expanded(const ActionContext& context) const {
    Json action = data_;
    for (const auto& [source, key] :
         {std::pair{to_from_.get(), "to"}, std::pair{cc_from_.get(), "cc"}}) {
      if (!source) continue;
      const Json& values = source->values(&context.client);
      if (!action.contains(key)) action[key] = Json::array();
      for (const Json& value : values.is_array() ? values : Json::array({values}))
        action[key].push_back(value);
    }
    return action;
  }

  Sent deliver(const ActionContext& context, const RunFacts& facts, const OrderedJson& message,
               const std::string& payload, std::size_t count) const {
    std::string target = format_with(target_, message), where, region;
    Json answer;
    if (sqs_) {
      auto [url, queue_region] = queue_location(target, facts, queue_region_);
      where = "sqs queue " + url;
      answer = context.client.in_region(queue_region)
                   .call("sqs", "SendMessage",
                         {{"QueueUrl", url},
                          {"MessageBody", payload},
                          {"MessageAttributes", {{"mtype", mtype()}}}});
    } else {
      std::string arn = target.starts_with("arn:")
                            ? target
                            : "arn:" + facts.partition +
                                  ":sns:" + (topic_region_.empty() ? facts.region : topic_region_) +
                                  ":" + facts.account_id + ":" + target;
      where = "sns topic " + arn;
      Json attributes = attributes_;
      attributes["mtype"] = mtype();
      answer =
          context.client.in_region(policy::arn_part(arn, 3))
              .call("sns", "Publish",
                    {{"TopicArn", arn}, {"Message", payload}, {"MessageAttributes", attributes}});
    }
    std::string id = answer.value("MessageId", "");
    return {"sent " + std::to_string(count) + " resource(s) to " + where +
                (id.empty() ? "" : " as message " + id),
            {{"sent_to", where}, {"MessageId", id}}};
  }

  Json data_;
  Json policy_;
  bool sqs_ = true;
  std::string target_;
  std::string queue_region_;  // where a queue given by name lives; empty: the run's region
  std::string topic_region_;  // where a topic given by name lives; empty: the run's region
  Json attributes_ = Json::object();
  std::shared_ptr<policy::ValuesFrom> to_from_, cc_from_;
};

// invoke-lambda (Cloud Custodian's LambdaInvoke): the function gets {version, event, account_id,
// account, region, action, policy, resources} as Python's json.dumps writes it, up to
// batch_size resources at a time, asynchronously unless async: false.
class InvokeLambda : public policy::Action {
 public:
  InvokeLambda(const Spec& spec, const BuildContext& context)
      : data_(spec.value()),
        policy_(context.policy ? *context.policy : Json()),
        function_(spec.required_string("function")),
        region_(spec.optional_string("region")),
        qualifier_(spec.optional_string("qualifier")),
        async_(spec.optional_bool("async", true)),
        batch_size_(policy::integer_option(spec, "batch_size", 250)) {
    for (const char* key : {"assume-role", "timeout"})
      if (spec.has(key))
        spec.child(key).at_key().fail(std::string("invoke-lambda's '") + key +
                                      "' is not supported by custos yet (it invokes with its own "
                                      "credentials and timeouts)");
    if (batch_size_ < 1) spec.child("batch_size").fail("'batch_size' must be at least 1");
    if (spec.has("vars") && !spec.value()["vars"].is_object())
      spec.child("vars").fail("'vars' must be a mapping");
  }

  std::vector<ActionRecord> process(const std::vector<Json>& resources,
                                    ActionContext& context) const override {
    std::vector<ActionRecord> records;
    OrderedJson payload;
    try {
      RunFacts facts = RunFacts::of(context, policy_);
      payload["version"] = facts.version;
      payload["event"] = facts.event;
      payload["account_id"] = facts.account_id;
      payload["account"] = facts.account;
      payload["region"] = facts.region;
      payload["action"] = data_;
      payload["policy"] = facts.policy;
    } catch (const Error& e) {
      record_failed("invoke-lambda", pointers(resources), context, records, e);
      return records;
    }
    aws::Client client = region_.empty() ? context.client : context.client.in_region(region_);
    for (std::size_t from = 0; from < resources.size(); from += batch_size_) {
      auto batch = pointers(resources, from, batch_size_);
      record_each("invoke-lambda", batch, context, records, [&] {
        payload["resources"] = OrderedJson::array();
        for (const Json* resource : batch)
          payload["resources"].push_back(OrderedJson(without_secrets(*resource)));
        return invoke(client, payload, batch.size());
      });
    }
    return records;
  }

 private:
  Sent invoke(const aws::Client& client, const OrderedJson& payload, std::size_t count) const {
    Json params = {{"FunctionName", function_}, {"Payload", python_json(payload)}};
    if (async_) params["InvocationType"] = "Event";
    if (!qualifier_.empty()) params["Qualifier"] = qualifier_;
    Json answer = client.call("lambda", "Invoke", params);
    if (answer.contains("FunctionError"))
      throw Error("function " + function_ + " failed (" + answer.value("FunctionError", "") +
                  "): " + aws::codec::base64_decode(answer.value("Payload", "")));
    Json status = answer.value("StatusCode", Json());
    return {"invoked " + function_ + " with " + std::to_string(count) + " resource(s)" +
                (async_ ? " asynchronously" : "") +
                (status.is_null() ? "" : " (status " + status.dump() + ")"),
            {{"FunctionName", function_}, {"StatusCode", status}}};
  }

  Json data_;
  Json policy_;
  std::string function_, region_, qualifier_;
  bool async_;
  long long batch_size_;
};

// invoke-sfn (Cloud Custodian's InvokeStepFunction): a Step Functions execution per resource
// with {policy, resource}, or (bulk) one per batch with {policy, resources: [ARN...]}; the
// state machine by ARN or by name in the run's account and region.
class InvokeSfn : public policy::Action {
 public:
  InvokeSfn(const Spec& spec, const BuildContext& context)
      : policy_(context.policy ? *context.policy : Json()),
        state_machine_(spec.required_string("state-machine")),
        with_policy_(spec.optional_bool("policy", true)),
        bulk_(spec.optional_bool("bulk", false)),
        batch_size_(policy::integer_option(spec, "batch-size", 250)) {
    if (batch_size_ < 1) spec.child("batch-size").fail("'batch-size' must be at least 1");
  }

  std::vector<ActionRecord> process(const std::vector<Json>& resources,
                                    ActionContext& context) const override {
    std::vector<ActionRecord> records;
    std::string arn = state_machine_;
    try {
      if (!arn.starts_with("arn:"))
        arn = "arn:" + context.partition() + ":states:" + context.client.session().region() + ":" +
              context.account_id() + ":stateMachine:" + state_machine_;
    } catch (const Error& e) {
      record_failed("invoke-sfn", pointers(resources), context, records, e);
      return records;
    }
    OrderedJson input = OrderedJson::object();
    if (with_policy_) input["policy"] = OrderedJson(policy_);
    const std::size_t step = bulk_ ? static_cast<std::size_t>(batch_size_) : 1;
    for (std::size_t from = 0; from < resources.size(); from += step) {
      auto batch = pointers(resources, from, step);
      record_each("invoke-sfn", batch, context, records, [&] {
        if (bulk_) {
          input["resources"] = OrderedJson::array();
          for (const Json* resource : batch)
            input["resources"].push_back(context.arn_of(*resource));
        } else {
          input["resource"] = OrderedJson(without_secrets(*batch.front()));
        }
        Json answer =
            context.client.call("stepfunctions", "StartExecution",
                                {{"stateMachineArn", arn}, {"input", python_json(input)}});
        const std::string execution = answer.value("executionArn", "");
        return Sent{"started " + execution + " of " + arn + " with " +
                        std::to_string(batch.size()) + " resource(s)",
                    {{"c7n:execution-arn", execution}}};
      });
    }
    return records;
  }

 private:
  Json policy_;
  std::string state_machine_;
  bool with_policy_, bulk_;
  long long batch_size_;
};

}  // namespace

void register_notifications(policy::Registry& registry) {
  registry.add_common_action(
      "notify", policy::action_info<Notify>(
                    notify_options(), {"sqs:SendMessage", "sns:Publish", "iam:ListAccountAliases"},
                    "Send Cloud Custodian's message (for c7n-mailer) about the resources "
                    "to an SQS queue or SNS topic"));
  registry.add_common_action("webhook", webhook_action_info());
  registry.add_common_action(
      "invoke-lambda",
      policy::action_info<InvokeLambda>(
          {"function", "region", "async", "qualifier", "batch_size", "vars", "assume-role",
           "timeout"},
          {"lambda:InvokeFunction", "iam:ListAccountAliases"},
          "Invoke a Lambda function with the resources, as Cloud Custodian's invoke-lambda"));
  registry.add_common_action(
      "invoke-sfn",
      policy::action_info<InvokeSfn>(
          {"state-machine", "policy", "bulk", "batch-size"}, {"states:StartExecution"},
          "Start a Step Functions state machine's execution per resource ({policy, resource}), "
          "or with bulk one per batch-size resources ({policy, resources: their ARNs})"));
}

}  // namespace custos::resources
